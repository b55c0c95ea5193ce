package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's deployed init.lua, checked from a checkout with {@code --path-map}: check runs it
 * as {@code kumod --validate} would and says what it accepted and ignored; password files obey
 * the read rule, and a fifo cannot stall a probe.
 */
class KumoPolicyCheckTest {
  private static final String POLICY = """
      package.path = '/opt/kumomta/etc/policy/lib/?.lua;' .. package.path
      local site = require 'site-config.egress'
      local data = kumo.json_load('/opt/kumomta/etc/policy/egress.json')

      kumo.on('init', function()
        kumo.define_egress_source { name = 'static-1', source_address = '10.0.0.9' }
      end)

      kumo.on('smtp_server_message_received', function(msg) end)
      kumo.on('get_queue_config', function(domain) end)
      kumo.on('get_queue_config', function(domain) end)
      kumo.on('get_egres_path_config', function() end)

      kumo.on('validate_config', function()
        if FAIL_VALIDATION then
          kumo.validation_failed()
        end
      end)

      kumo.on('get_egress_source', function(name)
        return kumo.make_egress_source {
          name = name, source_address = data.source[name].source_address,
          ehlo_domain = site.ehlo(name) }
      end)

      kumo.on('get_egress_pool', function(name)
        return kumo.make_egress_pool { name = name, entries = data.pool[name] }
      end)
      """;

  @TempDir Path checkout;

  private Path deploy(String prelude) {
    try {
      Files.createDirectories(checkout.resolve("lib/site-config"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Policies.write(checkout, "lib/site-config/egress.lua",
        "return { ehlo = function(name) return name .. '.example.com' end }\n");
    Policies.write(checkout, "egress.json", """
        {"source": {"ip-1": {"source_address": "10.0.0.1"},
                    "ip-2": {"source_address": "10.0.0.2"}},
         "pool": {"warm": [{"name": "ip-1", "weight": 2}, {"name": "ip-2"}]}}
        """);
    return Policies.write(checkout, "init.lua", prelude + POLICY);
  }

  @Test
  void checkRunsTheWholePolicyAndSaysWhatItAcceptedAndIgnored() {
    Path policy = deploy("");
    Cli.Result result = Cli.run("check", "--policy", policy.toString(),
        "--path-map", "/opt/kumomta/etc/policy=" + checkout, "ip-1", "ip-2", "--pool", "warm");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("init.lua (lua): loaded")
        .contains("ok       ip-1  direct from 10.0.0.1")
        .contains("ok       pool warm  2 entries")
        .contains("accepted and ignored (3 events never called, 0 inert kumo functions called"
            + " 0 times):")
        .contains("event    init  ran once after loading (1 handler, init.lua:5)")
        .contains("event    validate_config  ran by check (1 handler, init.lua:14)")
        .contains("ignored  smtp_server_message_received  never called (not about egress)"
            + " (1 handler, init.lua:9)")
        .contains("ignored  get_queue_config  never called (not about egress) (2 handlers,"
            + " init.lua:10, init.lua:11)")
        .contains("ignored  get_egres_path_config  never called (KumoMTA does not fire it"
            + " either")
        .contains("no problems");
  }

  @Test
  void withoutNamesCheckFindsWhatInitDefined() {
    Path policy = deploy("");
    Cli.Result result = Cli.run("check", "--policy", policy.toString(),
        "--path-map", "/opt/kumomta/etc/policy=" + checkout);
    // static-1 is defined by init; the policy's handler is asked for it, as KumoMTA would.
    assertThat(result.out()).contains("static-1");
  }

  @Test
  void validationFailedFailsTheCheckAtItsLine() {
    Path policy = deploy("FAIL_VALIDATION = true\n");
    Cli.Result result = Cli.run("check", "--policy", policy.toString(),
        "--path-map", "/opt/kumomta/etc/policy=" + checkout, "ip-1");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out())
        .contains("error    init.lua:17: kumo.validation_failed() was called")
        .contains("1 problem (0 of 1 names failed, validation failed");
  }

  @Test
  void theDeployedPathNeedsAPathMapAndTheErrorSaysSo() {
    Path policy = deploy("");
    Cli.Result result = Cli.run("check", "--policy", policy.toString(), "ip-1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).contains("does not load")
        .contains("no file '/opt/kumomta/etc/policy/lib/site-config/egress.lua' (outside the"
            + " policy folder and the --allow-read/--path-map directories)");
  }

  @Test
  void aMissingAllowReadDirectoryIsBadUsage() {
    Path policy = deploy("");
    Cli.Result result = Cli.run("resolve", "--policy", policy.toString(),
        "--allow-read", checkout.resolve("nowhere").toString(), "ip-1");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--allow-read " + checkout.resolve("nowhere")
        + ": no such directory");
    Cli.Result malformed = Cli.run("resolve", "--policy", policy.toString(),
        "--path-map", "relative=" + checkout, "ip-1");
    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).contains("FROM must be an absolute path");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFifoPasswordFileFailsTheProbeAtOnceInsteadOfStalling() throws Exception {
    Path fifo = checkout.resolve("pw.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10,
        TimeUnit.SECONDS)).isTrue();
    ProxyCredentials users = ProxyCredentials.parse("users",
        List.of(ProxyCredentials.hashLine("kumo", "pw".toCharArray(), 1000)));
    try (SmtpSink sink = SmtpSink.builder().build().start();
         Socks5ProxyServer proxy = Socks5ProxyServer.builder()
             .listen(new InetSocketAddress("127.0.0.1", 0)).credentials(users)
             .requireAuth(true).build().start()) {
      Path policy = Policies.write(checkout, "probe.lua", """
          kumo.on('get_egress_source', function(name)
            return kumo.make_egress_source { name = name,
              socks5_proxy_server = '%s', socks5_proxy_username = 'kumo',
              socks5_proxy_password = '%s' }
          end)
          """.formatted(Endpoints.format(proxy.address()), fifo));
      Cli.Result result = Cli.run("probe", "--policy", policy.toString(), "-s", "via-proxy",
          "--timeout", "5s", Endpoints.format(sink.address()));

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
      assertThat(result.out() + result.err()).contains("is not a regular file");
      assertThat(Files.exists(fifo)).isTrue();
    }
  }
}
