package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.js.JsPolicyEngineProvider;
import dev.egresskit.lua.LuaPolicyEngineProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A policy's {@code proxy_server_auth_rfc1929} handler, in Lua and in JavaScript, deciding real
 * RFC 1929 attempts over loopback: AuthInfo identity and groups in the connection line, {@code
 * true}, {@code false}, an error, a wrong return value, and the password in none of the lines.
 */
class PolicyAuthenticatorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "Pw-8812-secret";

  @TempDir Path dir;

  private static final String LUA = """
      kumo.on('proxy_server_auth_rfc1929', function(username, password, conn_meta)
        if username == 'erring' then error('lookup failed for ' .. password) end
        if username == 'odd' then return 'yes' end
        if password ~= '%s' then return false end
        if username == 'plain' then return true end
        if username == 'noid' then return { identities = {}, groups = { 'g' } } end
        return {
          identities = { { identity = username .. '@' .. conn_meta.peer_address,
                           context = 'ProxyAuthRfc1929' } },
          groups = { 'senders', conn_meta.local_address },
        }
      end)
      """.formatted(PASSWORD);

  private static final String JS = """
      kumo.on('proxy_server_auth_rfc1929', function (username, password, connMeta) {
        if (username === 'erring') { throw new Error('lookup failed for ' + password); }
        if (username === 'odd') { return 'yes'; }
        if (password !== '%s') { return false; }
        if (username === 'plain') { return true; }
        if (username === 'noid') { return { identities: [], groups: ['g'] }; }
        return {
          identities: [{ identity: username + '@' + connMeta.peer_address,
                         context: 'ProxyAuthRfc1929' }],
          groups: ['senders', connMeta.local_address]
        };
      });
      """.formatted(PASSWORD);

  @ParameterizedTest
  @ValueSource(strings = {"lua", "js"})
  void theHandlerDecidesAndItsAuthInfoReachesTheConnectionLine(String language) throws Exception {
    Path script = dir.resolve("proxy." + language);
    Files.writeString(script, language.equals("lua") ? LUA : JS);
    PolicySettings settings = new PolicySettings(2, Duration.ofSeconds(5));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (PolicyEngine engine = (language.equals("lua") ? new LuaPolicyEngineProvider()
            : new JsPolicyEngineProvider()).load(script, settings);
        Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
            .authenticator(new PolicyAuthenticator(engine))
            .requireAuth(true)
            .connectionLog(lines::add)
            .build().start()) {
      List<String> seen = new ArrayList<>();
      assertThat(attempt(proxy, "alice", PASSWORD)).containsExactly(1, 0);
      String alice = next(lines);
      seen.add(alice);
      String peer = alice.replaceAll(".* client=(\\S+) .*", "$1");
      String local = io.netty.util.NetUtil.toSocketAddressString(proxy.address());
      assertThat(alice).contains("user=\"alice\"")
          .contains("identity=\"alice@" + peer + "\"")
          .contains("groups=\"senders," + local + "\"");

      assertThat(attempt(proxy, "plain", PASSWORD)).containsExactly(1, 0);
      String plain = next(lines);
      seen.add(plain);
      assertThat(plain).contains("user=\"plain\"").doesNotContain("identity=");

      for (String refused : List.of("alice:wrong-one", "erring:" + PASSWORD, "odd:" + PASSWORD,
          "noid:" + PASSWORD)) {
        String[] parts = refused.split(":", 2);
        assertThat(attempt(proxy, parts[0], parts[1])).as(refused).containsExactly(1, 1);
        String line = next(lines);
        seen.add(line);
        assertThat(line).as(refused).contains("user=<unknown>").contains("outcome=auth_failed");
      }
      assertThat(String.join("\n", seen)).doesNotContain(PASSWORD).doesNotContain("wrong-one");
    }
  }

  private static byte[] attempt(Socks5ProxyServer proxy, String user, String password)
      throws Exception {
    try (RawSocksClient client = RawSocksClient.connect(proxy.address())) {
      client.socket().setSoTimeout((int) WAIT.toMillis());
      assertThat(client.greet(2)).containsExactly(5, 2);
      return client.auth(user, password);
    }
  }

  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(line).as("a connection line within " + WAIT).isNotNull();
    return line;
  }
}
