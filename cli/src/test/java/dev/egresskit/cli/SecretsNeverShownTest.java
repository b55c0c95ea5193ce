package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that handles a password-bearing source (inline {@code key_data}, a password
 * file, a wrong password, and a source that fails validation) is run, successfully and not, and
 * everything it printed is searched for the passwords: the command's own output and error
 * streams and whatever went to the process's standard streams (where slf4j logs and stack traces
 * go).
 */
class SecretsNeverShownTest {
  private static final String INLINE = "TopSecret-7f3a";
  private static final String WRONG = "WrongSecret-91b2";
  private static final String IN_FILE = "FileSecret-c0de";

  @TempDir Path dir;
  private SmtpSink sink;
  private Socks5ProxyServer proxy;
  private Path policy;

  @BeforeEach
  void start() throws Exception {
    sink = SmtpSink.builder().build().start();
    ProxyCredentials users = ProxyCredentials.parse("users", List.of(
        ProxyCredentials.hashLine("kumo", INLINE.toCharArray(), 1000),
        ProxyCredentials.hashLine("filed", IN_FILE.toCharArray(), 1000)));
    proxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .credentials(users).requireAuth(true).build().start();
    Path passwordFile = dir.resolve("socks5-password");
    Files.writeString(passwordFile, IN_FILE + "\n");
    String server = Endpoints.format(proxy.address());
    policy = Policies.write(dir, "policy.lua", """
        local function via_proxy(name, user, password, extra)
          local t = { name = name, socks5_proxy_server = '%s',
                      socks5_proxy_source_address = '127.0.0.6', ehlo_domain = 'secret.example',
                      socks5_proxy_username = user, socks5_proxy_password = password }
          for k, v in pairs(extra or {}) do t[k] = v end
          return kumo.make_egress_source(t)
        end
        kumo.on('get_egress_source', function(name)
          if name == 'inline' then return via_proxy(name, 'kumo', { key_data = '%s' }) end
          if name == 'file' then return via_proxy(name, 'filed', '%s') end
          if name == 'wrong' then return via_proxy(name, 'kumo', { key_data = '%s' }) end
          if name == 'broken' then
            return via_proxy(name, 'kumo', { key_data = '%s' },
                             { source_address = 'not-an-ip', ttl = 'soon', remote_port = 70000 })
          end
          error('no source ' .. name)
        end)
        """.formatted(server, INLINE, passwordFile, WRONG, INLINE));
  }

  @AfterEach
  void stop() {
    proxy.close();
    sink.close();
  }

  @Test
  void noCommandEverPrintsAPasswordWhetherItSucceedsOrFails() {
    String p = policy.toString();
    String dest = Endpoints.format(sink.address());
    List<String[]> runs = List.of(
        new String[] {"resolve", "--policy", p, "inline", "file", "wrong"},
        new String[] {"resolve", "--policy", p, "--json", "inline", "file", "wrong"},
        new String[] {"resolve", "--policy", p, "broken"},
        new String[] {"check", "--policy", p, "inline", "file", "wrong", "broken"},
        new String[] {"check", "--policy", p, "--json", "inline", "broken"},
        new String[] {"probe", "--policy", p, "-s", "inline", dest},
        new String[] {"probe", "--policy", p, "-s", "file", "--json", dest},
        new String[] {"probe", "--policy", p, "-s", "wrong", dest},
        new String[] {"probe", "--policy", p, "-s", "wrong", "--json", dest},
        new String[] {"probe", "--policy", p, "-s", "broken", dest},
        new String[] {"bench", "connect", "--policy", p, "-s", "inline", "-s", "wrong", "-n", "2",
            "--warmup-max", "1", dest},
        new String[] {"bench", "connect", "--policy", p, "-s", "file", "-n", "2", "--warmup-max", "1",
            "--json", dest},
        new String[] {"bench", "policy", "-p", p, "-n", "5", "--warm-up", "0", "--loads", "1", "inline", "file"});

    List<Integer> exitCodes = new ArrayList<>();
    for (String[] args : runs) {
      ByteArrayOutputStream processOut = new ByteArrayOutputStream();
      ByteArrayOutputStream processErr = new ByteArrayOutputStream();
      PrintStream savedOut = System.out;
      PrintStream savedErr = System.err;
      Cli.Result result;
      try {
        System.setOut(new PrintStream(processOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
        result = Cli.run(args);
      } finally {
        System.setOut(savedOut);
        System.setErr(savedErr);
      }
      exitCodes.add(result.exitCode());
      String everything = result.out() + result.err()
          + processOut.toString(StandardCharsets.UTF_8) + processErr.toString(StandardCharsets.UTF_8);
      assertThat(everything).as(String.join(" ", args) + "\n" + everything)
          .doesNotContain(INLINE).doesNotContain(WRONG).doesNotContain(IN_FILE);
    }

    // The runs really exercised both outcomes: the right passwords got through the proxy
    // (the sink saw the requested source), the wrong one and the broken source failed.
    assertThat(exitCodes).containsExactly(0, 0, 2, 2, 2, 0, 0, 1, 1, 2, 1, 0, 0);
    assertThat(sink.awaitSessions(1, Duration.ofSeconds(5)).get(0).peer().getAddress()
        .getHostAddress()).isEqualTo("127.0.0.6");
  }
}
