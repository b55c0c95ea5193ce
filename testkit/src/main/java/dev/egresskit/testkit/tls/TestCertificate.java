package dev.egresskit.testkit.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made for one test run with the JDK's own {@code keytool} (no extra
 * library): an EC key for {@code CN=localhost}, valid for {@code localhost} and 127.0.0.1, for a
 * TLS server in a test and for the client that must trust exactly it.
 */
public final class TestCertificate {
  private static final char[] PASSWORD = "egresskit-test".toCharArray();

  private final KeyStore keyStore;
  private final X509Certificate certificate;

  private TestCertificate(KeyStore keyStore, X509Certificate certificate) {
    this.keyStore = keyStore;
    this.certificate = certificate;
  }

  /**
   * Generates the key and certificate in {@code dir} (a test's temporary folder).
   *
   * @throws IllegalStateException if keytool fails or does not finish within a minute
   */
  public static TestCertificate generate(Path dir) {
    Path store = dir.resolve("test-certificate.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", "test",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream out = process.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool did not finish within a minute");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, PASSWORD);
      }
      return new TestCertificate(keyStore, (X509Certificate) keyStore.getCertificate("test"));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  /**
   * Writes the certificate and its private key (PKCS#8) as PEM files, for servers configured
   * with files (e.g. {@code redis-server --tls-cert-file --tls-key-file}).
   */
  public void writePem(Path certificateFile, Path keyFile) {
    try {
      java.util.Base64.Encoder base64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});
      Files.writeString(certificateFile, "-----BEGIN CERTIFICATE-----\n"
          + base64.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
      Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
          + base64.encodeToString(keyStore.getKey("test", PASSWORD).getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the test certificate as PEM: " + e, e);
    }
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** A Netty server context presenting this certificate. */
  public SslContext serverContext() {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, PASSWORD);
      return SslContextBuilder.forServer(keys).build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the server TLS context: " + e, e);
    }
  }

  /** A client context that trusts this certificate and nothing else. */
  public SSLContext clientContext() {
    return trusting(certificate);
  }

  /**
   * A client context that trusts {@code certificate} and nothing else (for example a server's
   * self-signed certificate made elsewhere).
   *
   * @param certificate the one certificate to trust
   * @return the context
   */
  public static SSLContext trusting(X509Certificate certificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("test", certificate);
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the client TLS context: " + e, e);
    }
  }
}
