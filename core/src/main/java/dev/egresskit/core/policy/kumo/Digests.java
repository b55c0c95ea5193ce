package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code kumo.digest.*}: SHA-1, SHA-2, SHA-3, CRC32 and HMAC over the arguments (a string is its
 * bytes, anything else its JSON), returning KumoMTA's BinaryResult fields ({@code hex},
 * {@code base64}, ...). An HMAC key is a KeySource {@code {key_data = '...'}}.
 */
final class Digests {
  private Digests() {}

  static void register(KumoLibrary.Builder b) {
    Map<String, String> algorithms = Map.of("sha1", "SHA-1", "sha224", "SHA-224",
        "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512",
        "sha512_256", "SHA-512/256", "sha3_256", "SHA3-256", "sha3_384", "SHA3-384",
        "sha3_512", "SHA3-512");
    for (String name : new java.util.TreeSet<>(algorithms.keySet())) {
      b.real("digest." + name, (a, c) -> {
        try {
          MessageDigest digest = MessageDigest.getInstance(algorithms.get(name));
          for (Object value : a.values()) {
            digest.update(bytes(value));
          }
          return Encodings.binaryResult(digest.digest());
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    b.real("digest.crc32", (a, c) -> {
      CRC32 crc = new CRC32();
      for (Object value : a.values()) {
        crc.update(bytes(value));
      }
      return Encodings.binaryResult(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    });
    for (String name : List.of("sha1", "sha224", "sha256", "sha384", "sha512")) {
      b.real("digest.hmac_" + name, (a, c) -> hmac(a, "Hmac" + name.toUpperCase()
          .replace("SHA", "SHA")));
    }
  }

  private static Object hmac(Args a, String algorithm) {
    Map<String, Object> key = a.table(0, "KEY");
    if (!(key.get("key_data") instanceof String data) || key.size() != 1) {
      throw new KumoApiException(a.function() + ": KEY must be a KeySource {key_data = '...'}"
          + " (EgressKit reads no key files or vaults for digests)");
    }
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(data.getBytes(StandardCharsets.UTF_8), algorithm));
      for (int i = 1; i < a.size(); i++) {
        mac.update(bytes(a.get(i)));
      }
      return Encodings.binaryResult(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(Object value) {
    return (value instanceof String s ? s : Serde.json(value)).getBytes(StandardCharsets.UTF_8);
  }
}
