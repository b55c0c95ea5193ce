package dev.egresskit.core.grammar;

/**
 * What an {@code ehlo_domain} can be. KumoMTA sends any string, so only what can never be valid
 * on the wire is refused: an empty name, and control or white-space characters (they would end
 * or split the {@code EHLO} command line). A bare IP address is sent as it is, though SMTP
 * servers commonly refuse it (RFC 5321 wants an address literal, {@code [192.0.2.1]});
 * {@code egresskit check} warns about it.
 */
public final class EhloNames {
  private EhloNames() {}

  /** {@code null} when {@code name} can be sent as the {@code EHLO} argument, otherwise why not. */
  public static String check(String name) {
    if (name.isEmpty()) {
      return "the name is empty";
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (Character.isISOControl(cp)) {
        return "control character " + codePoint(cp);
      }
      if (Whitespace.is(cp)) {
        return "white space " + codePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** {@code true} for an IPv4 or IPv6 address without the brackets of an address literal. */
  public static boolean isBareIpAddress(String name) {
    return IpLiterals.parseBytes(name) != null;
  }

  private static String codePoint(int cp) {
    return String.format(java.util.Locale.ROOT, "U+%04X", cp);
  }
}
