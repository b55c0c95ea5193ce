package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kumo.encode.*} (base32, base32hex, base64, base64url with and without padding, hex,
 * charsets) and the encodings of a digest result. Strings are their UTF-8 bytes; decoded bytes
 * must be UTF-8 text (EgressKit's scripts hold text, not byte strings).
 */
final class Encodings {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String BASE32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

  private Encodings() {}

  static void register(KumoLibrary.Builder b) {
    for (String name : new String[] {"base32", "base32_nopad", "base32hex", "base32hex_nopad",
        "base64", "base64_nopad", "base64url", "base64url_nopad", "hex"}) {
      b.real("encode." + name + "_encode", (a, c) ->
          encode(name, a.string(0, "STRING").getBytes(StandardCharsets.UTF_8)));
      b.real("encode." + name + "_decode", (a, c) ->
          text(a.function(), decode(a.function(), name, a.string(0, "STRING"))));
    }
    b.real("encode.charset_encode", (a, c) -> new String(a.string(1, "STRING")
        .getBytes(charset(a, 0)), StandardCharsets.ISO_8859_1));
    b.real("encode.charset_decode", (a, c) -> new String(a.string(1, "BYTES")
        .getBytes(StandardCharsets.ISO_8859_1), charset(a, 0)));
  }

  /** Every encoding of {@code bytes}, as KumoMTA's BinaryResult fields. */
  static Map<String, Object> binaryResult(byte[] bytes) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : new String[] {"hex", "base32", "base32_nopad", "base32hex",
        "base32hex_nopad", "base64", "base64_nopad", "base64url", "base64url_nopad"}) {
      out.put(name, encode(name, bytes));
    }
    return out;
  }

  static String encode(String name, byte[] bytes) {
    return switch (name) {
      case "hex" -> HexFormat.of().formatHex(bytes);
      case "base64" -> Base64.getEncoder().encodeToString(bytes);
      case "base64_nopad" -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
      case "base64url" -> Base64.getUrlEncoder().encodeToString(bytes);
      case "base64url_nopad" -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      case "base32" -> base32(bytes, BASE32, true);
      case "base32_nopad" -> base32(bytes, BASE32, false);
      case "base32hex" -> base32(bytes, BASE32HEX, true);
      case "base32hex_nopad" -> base32(bytes, BASE32HEX, false);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static byte[] decode(String function, String name, String text) {
    try {
      return switch (name) {
        case "hex" -> HexFormat.of().parseHex(text);
        case "base64", "base64_nopad" -> Base64.getDecoder().decode(text);
        case "base64url", "base64url_nopad" -> Base64.getUrlDecoder().decode(text);
        case "base32", "base32_nopad" -> unbase32(text, BASE32);
        case "base32hex", "base32hex_nopad" -> unbase32(text, BASE32HEX);
        default -> throw new IllegalArgumentException(name);
      };
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(function + ": the input is not valid " + name + " ("
          + e.getMessage() + ")");
    }
  }

  private static String text(String function, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new KumoApiException(function + ": the decoded bytes are not UTF-8 text, which"
          + " EgressKit's scripts cannot hold");
    }
  }

  private static Charset charset(Args a, int index) {
    String name = a.string(index, "CHARSET");
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(a.function() + ": unknown charset '" + name + "'");
    }
  }

  private static String base32(byte[] bytes, String alphabet, boolean pad) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    while (pad && out.length() % 8 != 0) {
      out.append('=');
    }
    return out.toString();
  }

  private static byte[] unbase32(String text, String alphabet) {
    String s = text.replaceAll("=+$", "");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : s.toCharArray()) {
      int v = alphabet.indexOf(Character.toUpperCase(c));
      if (v < 0) {
        throw new IllegalArgumentException("invalid character '" + c + "'");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
