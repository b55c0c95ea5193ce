package dev.egresskit.proxy;

import dev.egresskit.core.policy.TlsIdentity;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import io.netty.util.NetUtil;

/**
 * The TLS server side of a SOCKS5 listener ({@code use_tls}): a given certificate and key (PEM),
 * or a self-signed certificate generated at start for the listener's {@code hostname}, as
 * KumoProxy does when none is given. The JDK has no public API to make a certificate, so
 * BouncyCastle's {@code bcpkix} does it.
 */
public final class ProxyTls {

  private final SslContext context;
  private final String description;
  private final X509Certificate certificate;

  private ProxyTls(SslContext context, String description, X509Certificate certificate) {
    this.context = context;
    this.description = description;
    this.certificate = certificate;
  }

  /**
   * A server presenting the given certificate chain and key.
   *
   * @param identity the PEM certificate chain and private key (PKCS#8, or PKCS#1/SEC1)
   * @return the TLS side
   * @throws IllegalArgumentException if they cannot be read or do not match (the message names
   *     the files, never the key)
   */
  public static ProxyTls of(TlsIdentity identity) {
    Objects.requireNonNull(identity, "identity");
    try {
      SslContext context = SslContextBuilder.forServer(
          new ByteArrayInputStream(identity.certificatePem().getBytes(StandardCharsets.US_ASCII)),
          new ByteArrayInputStream(identity.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
          .build();
      return new ProxyTls(context, identity.origin(), null);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS " + identity.origin() + ": "
          + rootMessage(e), e);
    }
  }

  /**
   * A server presenting a fresh self-signed certificate (EC P-256, valid 365 days from an hour
   * ago) for {@code hostname}, with {@code hostname} as its subject alternative name (an IP
   * address when it is an IP literal).
   *
   * @param hostname the name clients connect to
   * @return the TLS side
   * @throws IllegalStateException if the certificate cannot be made
   */
  public static ProxyTls selfSigned(String hostname) {
    Objects.requireNonNull(hostname, "hostname");
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + cnEscape(hostname));
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
          subject, pair.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(NetUtil.isValidIpV4Address(hostname) || NetUtil.isValidIpV6Address(hostname)
          ? new GeneralName(GeneralName.iPAddress, hostname)
          : new GeneralName(GeneralName.dNSName, hostname));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
      X509CertificateHolder holder = builder.build(signer);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
      SslContext context = SslContextBuilder.forServer(pair.getPrivate(), certificate).build();
      return new ProxyTls(context, "self-signed certificate for " + hostname, certificate);
    } catch (java.security.GeneralSecurityException | OperatorCreationException
        | java.io.IOException e) {
      throw new IllegalStateException("cannot make a self-signed certificate for " + hostname
          + ": " + e.getMessage(), e);
    }
  }

  /** The server context. */
  SslContext context() {
    return context;
  }

  /**
   * The generated certificate, or null when the certificate was given.
   *
   * @return the self-signed certificate, or null
   */
  public X509Certificate generatedCertificate() {
    return certificate;
  }

  @Override
  public String toString() {
    return description;
  }

  private static String cnEscape(String name) {
    return name.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
