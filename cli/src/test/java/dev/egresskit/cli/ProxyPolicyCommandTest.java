package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.tls.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code egresskit proxy --policy}: a KumoProxy policy in Lua and in JavaScript with a plain and
 * a TLS listener, an HTTP listener, and scripted authentication, driven by real clients (curl
 * for plain SOCKS5 and HTTP, a JDK TLS socket for the TLS listener).
 */
class ProxyPolicyCommandTest {
  /** Blocking reads get threads of their own (the common pool has one thread on 2 cores). */
  private static final java.util.concurrent.Executor OWN_THREAD = task -> {
    Thread t = new Thread(task, "test-io");
    t.setDaemon(true);
    t.start();
  };

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "S3cret-pw-7731";
  private static final String WRONG = "Wr0ng-pw-4409";

  @TempDir Path dir;

  private static final String LUA = """
      local kumo = require 'kumo'
      local proxy = require 'proxy'
      kumo.on('proxy_init', function()
        proxy.start_proxy_listener {
          listen = '127.0.0.1:0',
          require_auth = true,
          timeout = '20 seconds',
          tcp_keepalive = { time = '2 minutes', interval = '15 seconds', retries = 4 },
        }
        proxy.start_proxy_listener {
          listen = '127.0.0.1:0',
          require_auth = true,
          use_tls = true,
          tls_certificate = 'cert.pem',
          tls_private_key = 'key.pem',
        }
        proxy.start_http_listener { listen = '127.0.0.1:0', trusted_hosts = { '127.0.0.1' } }
      end)
      kumo.on('proxy_server_auth_rfc1929', function(username, password, conn_meta)
        if username == 'spinner' then
          while true do end
        end
        if username == 'alice' and password == '%s'
            and string.match(conn_meta.peer_address, '^127%%.0%%.0%%.[13]:')
            and string.match(conn_meta.local_address, '^127%%.0%%.0%%.1:') then
          return {
            identities = { { identity = 'alice@example', context = 'ProxyAuthRfc1929' } },
            groups = { 'senders', 'premium' },
          }
        end
        return false
      end)
      """.formatted(PASSWORD);

  private static final String JS = """
      kumo.on('proxy_init', function () {
        kumo.proxy.start_proxy_listener({
          listen: '127.0.0.1:0',
          require_auth: true,
          timeout: '20 seconds',
          tcp_keepalive: { time: '2 minutes', interval: '15 seconds', retries: 4 }
        });
        kumo.proxy.start_proxy_listener({
          listen: '127.0.0.1:0',
          require_auth: true,
          use_tls: true,
          tls_certificate: 'cert.pem',
          tls_private_key: 'key.pem'
        });
        kumo.proxy.start_http_listener({ listen: '127.0.0.1:0', trusted_hosts: ['127.0.0.1'] });
      });
      kumo.on('proxy_server_auth_rfc1929', function (username, password, connMeta) {
        if (username === 'spinner') {
          while (true) {}
        }
        if (username === 'alice' && password === '%s'
            && (connMeta.peer_address.indexOf('127.0.0.1:') === 0
                || connMeta.peer_address.indexOf('127.0.0.3:') === 0)
            && connMeta.local_address.indexOf('127.0.0.1:') === 0) {
          return {
            identities: [{ identity: 'alice@example', context: 'ProxyAuthRfc1929' }],
            groups: ['senders', 'premium']
          };
        }
        return false;
      });
      """.formatted(PASSWORD);

  @ParameterizedTest
  @ValueSource(strings = {"lua", "js"})
  void aKumoProxyPolicyStartsPlainTlsAndHttpListenersAndAuthenticatesByScript(String language)
      throws Exception {
    X509Certificate certificate = writeCertificate(dir);
    Path policy = dir.resolve("proxy." + language);
    Files.writeString(policy, language.equals("lua") ? LUA : JS);

    ByteArrayOutputStream processErr = new ByteArrayOutputStream();
    PrintStream savedErr = System.err;
    System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
    Cli.Result result;
    List<String> outputs = new ArrayList<>();
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Cli.Background proxy = Cli.start("proxy", "--policy", policy.toString(),
            "--handler-deadline", "4s")) {
      Map<String, InetSocketAddress> started = proxy.lifecycle.awaitStarted(3, WAIT);
      InetSocketAddress plain = started.get("proxy-1");
      InetSocketAddress tls = started.get("proxy-2");
      InetSocketAddress http = started.get("http-1");
      String status = "http://" + Endpoints.format(http) + "/proxy/status";

      // A handler that never returns: refused at the deadline; meanwhile others go through.
      CompletableFuture<byte[]> spinner = CompletableFuture.supplyAsync(
          () -> authenticate(plain, "spinner", "whatever"), OWN_THREAD);

      // Plain SOCKS5 with curl from another client address (the proxy serves one check per
      // address at a time, so a spinning handler only ever holds its own address's clients):
      // the right password reaches the status page through the proxy.
      Curl ok = curl("--interface", "127.0.0.3", "--socks5", Endpoints.format(plain),
          "--proxy-user", "alice:" + PASSWORD, status);
      assertThat(ok.exit()).as(ok.toString()).isZero();
      assertThat(ok.out()).startsWith("ok\n").contains("use_splice=true");
      assertThat(spinner).as("the spinning handler holds only its own client address").isNotDone();
      outputs.add(ok.toString());

      Curl wrong = curl("--interface", "127.0.0.3", "--socks5", Endpoints.format(plain),
          "--proxy-user", "alice:" + WRONG, status);
      assertThat(wrong.exit()).as(wrong.toString()).isNotZero();
      assertThat(wrong.out()).doesNotContain("ok");
      outputs.add(wrong.toString());

      assertThat(spinner.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("RFC 1929 failure at the deadline").containsExactly(1, 1);

      // TLS: a JDK client that trusts exactly the policy's certificate, then SOCKS5 to the sink.
      try (SSLSocket socket = (SSLSocket) TestCertificate.trusting(certificate).getSocketFactory()
          .createSocket(tls.getAddress(), tls.getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        assertThat(auth(out, in, "alice", PASSWORD)).containsExactly(1, 0);
        ProxyCommandTest.connectToSink(out, in, sink);
        out.write("EHLO tls.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        in.readAllBytes();
      }
      assertThat(sink.awaitSessions(1, WAIT).get(0).ehlo()).contains("tls.example");

      // Plain SOCKS5 bytes to the TLS listener: a failed TLS handshake.
      try (Socket socket = new Socket(tls.getAddress(), tls.getPort())) {
        socket.setSoTimeout(10_000);
        // More than a TLS record header, so the server can tell it is not TLS.
        socket.getOutputStream().write(new byte[] {5, 1, 2, 1, 1, 'x', 1, 'y'});
        assertThat(socket.getInputStream().read(new byte[64])).isLessThan(3);
      }

      // /metrics: the trusted host reads KumoProxy's names; 127.0.0.2 is refused.
      String metrics = "http://" + Endpoints.format(http) + "/metrics";
      String tlsFailures = "proxy_tls_handshake_failures_total{listener=\""
          + Endpoints.format(tls) + "\"} 1.0";
      Curl scrape = curl(metrics);
      // The failure is counted on the proxy's event loop: poll a bounded number of times.
      for (int i = 0; i < 50 && !scrape.out().contains(tlsFailures); i++) {
        scrape = curl(metrics);
      }
      assertThat(scrape.out()).contains(tlsFailures);
      assertThat(scrape.out())
          .contains("proxy_connections_accepted_total{listener=\"" + Endpoints.format(plain)
              + "\"}")
          .contains("proxy_active_connections").contains("proxy_bytes_client_to_dest_total")
          .contains("proxy_bytes_dest_to_client_total").contains("proxy_connections_failed_total");
      outputs.add(scrape.toString());
      Curl untrusted = curl("--interface", "127.0.0.2", "-o", "/dev/null", "-w", "%{http_code}",
          metrics);
      assertThat(untrusted.out()).isEqualTo("403");

      result = proxy.stop(WAIT);
    } finally {
      System.setErr(savedErr);
    }
    String log = processErr.toString(StandardCharsets.UTF_8);
    String everything = result.out() + result.err() + log + String.join("\n", outputs);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).contains("SOCKS5 proxy listening on").contains("TLS, authentication"
        + " required by proxy_server_auth_rfc1929").contains("HTTP listener on http://")
        // the plain listener splices (KumoProxy's default use_splice), the TLS one copies
        .contains("use_splice=true relay=splice").contains("TLS, ").contains("relay=copy");
    // (The per-connection line with identity and groups is logged by the proxy command's
    // process setup only; PolicyAuthenticatorTest asserts it with the real engines.)
    assertThat(log).as(log).contains("proxy_server_auth_rfc1929 refused 127.0.0.1:")
        .contains("did not finish within 4s");
    assertThat(everything).doesNotContain(PASSWORD).doesNotContain(WRONG);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lua", "js"})
  void anUnknownFieldIsAnErrorAtTheCallingLine(String language) throws Exception {
    Cli.Result result = refusedAtItsCall(language,
        "proxy.start_proxy_listener { listen = '127.0.0.1:0', use_tsl = true }",
        "kumo.proxy.start_proxy_listener({ listen: '127.0.0.1:0', use_tsl: true })");

    assertThat(result.err()).contains("unknown field use_tsl; allowed fields: listen, hostname,"
        + " timeout, use_splice, use_tls, require_auth, tls_certificate, tls_private_key,"
        + " tcp_keepalive");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lua", "js"})
  void httpListenerKeysEgressKitDoesNotServeAreRefusedByName(String language) throws Exception {
    Cli.Result result = refusedAtItsCall(language,
        "proxy.start_http_listener { listen = '127.0.0.1:0', use_tls = true }",
        "kumo.proxy.start_http_listener({ listen: '127.0.0.1:0', use_tls: true })");

    assertThat(result.err()).contains("use_tls is not supported by EgressKit")
        .contains("supported fields: listen, trusted_hosts");
  }

  /**
   * Runs {@code egresskit proxy --policy} on a {@code proxy_init} whose one call is {@code lua}
   * (line 3 of the Lua policy) or {@code js} (line 2 of the JavaScript one), and checks that it
   * exits 2 naming that line.
   */
  private Cli.Result refusedAtItsCall(String language, String lua, String js) throws Exception {
    Path policy = dir.resolve("proxy." + language);
    Files.writeString(policy, language.equals("lua")
        ? "local proxy = require 'proxy'\nkumo.on('proxy_init', function()\n  " + lua + "\nend)\n"
        : "kumo.on('proxy_init', function () {\n  " + js + ";\n});\n");
    Cli.Result result = Cli.run("proxy", "--policy", policy.toString());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("proxy." + language + (language.equals("lua") ? ":3" : ":2"));
    return result;
  }

  @org.junit.jupiter.api.Test
  void thePolicyFormRefusesListenerFlags() throws Exception {
    Path policy = dir.resolve("proxy.lua");
    Files.writeString(policy, "kumo.on('proxy_init', function() end)\n");

    Cli.Result result = Cli.run("proxy", "--policy", policy.toString(), "--listen", "1081",
        "--users", "users");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--policy cannot be combined with --listen, --users");
  }

  @org.junit.jupiter.api.Test
  void ioThreadsAppliesToEveryListenerThePolicyStarts() throws Exception {
    Path policy = dir.resolve("proxy.lua");
    Files.writeString(policy, """
        local kumo = require 'kumo'
        local proxy = require 'proxy'
        kumo.on('proxy_init', function()
          proxy.start_proxy_listener { listen = '127.0.0.1:0' }
          proxy.start_proxy_listener { listen = '127.0.0.1:0' }
        end)
        """);

    try (Cli.Background proxy = Cli.start("proxy", "--policy", policy.toString(),
        "--io-threads", "3")) {
      Map<String, InetSocketAddress> started = proxy.lifecycle.awaitStarted(2, WAIT);

      // On epoll each I/O thread of a listener listens on its port itself (SO_REUSEPORT).
      assertThat(ProxyCommandTest.listeningSockets(started.get("proxy-1").getPort())).isEqualTo(3);
      assertThat(ProxyCommandTest.listeningSockets(started.get("proxy-2").getPort())).isEqualTo(3);
      assertThat(proxy.stop(WAIT).exitCode()).isZero();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A SOCKS5 username/password exchange on a fresh plain connection; returns the auth reply. */
  private static byte[] authenticate(InetSocketAddress proxy, String user, String password) {
    try (Socket socket = new Socket(proxy.getAddress(), proxy.getPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      return auth(socket.getOutputStream(), new DataInputStream(socket.getInputStream()), user,
          password);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] auth(OutputStream out, DataInputStream in, String user, String password)
      throws IOException {
    out.write(new byte[] {5, 1, 2});
    byte[] method = new byte[2];
    in.readFully(method);
    assertThat(method).containsExactly(5, 2);
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] p = password.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(1);
    request.write(u.length);
    request.write(u);
    request.write(p.length);
    request.write(p);
    out.write(request.toByteArray());
    byte[] reply = new byte[2];
    in.readFully(reply);
    return reply;
  }

  record Curl(int exit, String out, String err) {}

  private static Curl curl(String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "15"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
        try (InputStream in = process.getErrorStream()) {
          return in.readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      }, OWN_THREAD);
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("curl did not finish: " + command);
      }
      return new Curl(process.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Writes cert.pem and key.pem (EC P-256, CN=localhost) beside the policy. */
  private static X509Certificate writeCertificate(Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=localhost");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
        Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86_400)), name,
        pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
        new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Files.writeString(dir.resolve("cert.pem"), pem(certificate));
    Files.writeString(dir.resolve("key.pem"), pem(pair.getPrivate()));
    return certificate;
  }

  private static String pem(Object value) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(value instanceof java.security.PrivateKey key
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : value);
    }
    return text.toString();
  }

}
