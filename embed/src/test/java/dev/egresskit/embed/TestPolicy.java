package dev.egresskit.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Lua policy the facade tests load: direct, SOCKS5 and failing sources, and two pools. */
final class TestPolicy {
  private TestPolicy() {}

  /** Writes {@code policy.lua} into {@code dir}, with {@code proxy} as the SOCKS5 server. */
  static Path write(Path dir, InetSocketAddress proxy) {
    String server = proxy == null ? "127.0.0.1:1" : "127.0.0.1:" + proxy.getPort();
    String lua = """
        calls = 0
        local sources = {
          ['ip-1'] = { source_address = '127.0.0.2', ehlo_domain = 'mta1.example.com' },
          ['ip-2'] = { source_address = '127.0.0.3', ehlo_domain = 'mta2.example.com' },
          ['unplumbed'] = { source_address = '192.0.2.1', ehlo_domain = 'gone.example.com',
                            suspend_when_unplumbed = { duration = '5m' } },
          ['s5-bind'] = { socks5_proxy_server = 'PROXY', socks5_proxy_source_address = '127.0.0.7',
                          ehlo_domain = 'socks-bind.example.com' },
          ['s5-plain'] = { socks5_proxy_server = 'PROXY', ehlo_domain = 'socks-plain.example.com' },
          ['port-2'] = { source_address = '127.0.0.2', remote_port = REMOTE_PORT },
        }
        kumo.on('get_egress_source', function(name)
          calls = calls + 1
          if name == 'counted' then
            return kumo.make_egress_source { name = name, ehlo_domain = 'call-' .. calls, ttl = '10s' }
          end
          local fields = sources[name]
          if fields == nil then
            error('no source named ' .. name)
          end
          fields.name = name
          return kumo.make_egress_source(fields)
        end)
        kumo.on('get_egress_pool', function(name)
          if name == 'pool-1' then
            return kumo.make_egress_pool { name = name,
              entries = { { name = 'ip-1', weight = 2 }, { name = 'ip-2', weight = 1 } } }
          elseif name == 'flaky' then
            return kumo.make_egress_pool { name = name,
              entries = { { name = 'unplumbed' }, { name = 'ip-2' } } }
          end
          error('no pool named ' .. name)
        end)
        """.replace("PROXY", server);
    try {
      Path file = dir.resolve("policy.lua");
      Files.writeString(file, lua);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #write}, with {@code port-2}'s {@code remote_port} set to {@code remotePort}. */
  static Path write(Path dir, InetSocketAddress proxy, int remotePort) throws IOException {
    Path file = write(dir, proxy);
    Files.writeString(file, Files.readString(file).replace("REMOTE_PORT", Integer.toString(remotePort)));
    return file;
  }
}
