package dev.egresskit.core.policy;

import java.util.Objects;

/**
 * A TLS server identity as PEM text: a certificate chain and its private key, read when the
 * policy named them. {@code toString} never shows the key.
 *
 * @param certificatePem the certificate chain, PEM
 * @param privateKeyPem the private key, PEM (a secret)
 * @param origin where they came from, for messages (file names, never the key)
 */
public record TlsIdentity(String certificatePem, String privateKeyPem, String origin) {

  /** Checks that every part is present. */
  public TlsIdentity {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    Objects.requireNonNull(origin, "origin");
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + origin + ", key=<redacted>]";
  }
}
