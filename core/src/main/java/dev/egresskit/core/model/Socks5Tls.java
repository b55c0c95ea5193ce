package dev.egresskit.core.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on the connection to a SOCKS5 proxy ({@code socks5_proxy_tls = true}, an EgressKit field:
 * KumoMTA has none). The TLS session is set up before the SOCKS5 greeting; the proxy's
 * certificate must be valid for the host of {@code socks5_proxy_server}.
 *
 * @param caFile {@code socks5_proxy_tls_ca}: a PEM file of the certificates to trust instead of
 *               the JDK's trust store (a private CA, or a self-signed proxy certificate)
 * @param reader reads {@code caFile} at each connection; a policy's sources read it under the
 *               policy's read rule
 */
public record Socks5Tls(Optional<Path> caFile, Secret.FileReader reader) {
  /** TLS verified against the JDK's trust store. */
  public static final Socks5Tls JDK_TRUST = new Socks5Tls(Optional.empty(),
      Secret.FileRef.DIRECT);

  public Socks5Tls {
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(reader, "reader");
  }

  /** TLS trusting only the certificates in {@code caFile}, read straight from the file system. */
  public static Socks5Tls trusting(Path caFile) {
    return new Socks5Tls(Optional.of(caFile), Secret.FileRef.DIRECT);
  }

  /** The same settings, with the CA file read by {@code other}. */
  public Socks5Tls readWith(Secret.FileReader other) {
    return new Socks5Tls(caFile, other);
  }

  @Override
  public String toString() {
    return "Socks5Tls[" + caFile.map(Path::toString).orElse("JDK trust store") + "]";
  }
}
