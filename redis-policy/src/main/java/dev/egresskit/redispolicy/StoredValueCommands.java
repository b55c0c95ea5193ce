package dev.egresskit.redispolicy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The commands whose whole reply may be a stored value (so a value {@code "OK"} must stay a
 * string rather than become KumoMTA's {@code true} for the status {@code +OK}): reads of
 * strings, hash fields, list and set members, and scripts, whose replies EgressKit cannot tell
 * apart from a status.
 */
final class StoredValueCommands {
  private static final Set<String> STORED_TEXT = Set.of("GET", "GETDEL", "GETEX", "GETSET",
      "GETRANGE", "SUBSTR", "HGET", "HRANDFIELD", "LINDEX", "LPOP", "RPOP", "LMOVE", "BLMOVE",
      "RPOPLPUSH", "BRPOPLPUSH", "LMPOP", "BLMPOP", "SPOP", "SRANDMEMBER", "ZRANDMEMBER", "ECHO",
      "DUMP", "LCS", "XADD", "CLIENT", "OBJECT", "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO",
      "FCALL", "FCALL_RO", "JSON.GET");

  private StoredValueCommands() {}

  /** Whether the command in {@code words} may return stored text as its whole reply. */
  static boolean mayReturnStoredText(List<byte[]> words) {
    String name = new String(words.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    if (STORED_TEXT.contains(name)) {
      return true;
    }
    if (name.equals("SET")) {
      // SET key value ... GET returns the old value.
      for (int i = 3; i < words.size(); i++) {
        if (new String(words.get(i), StandardCharsets.UTF_8).equalsIgnoreCase("GET")) {
          return true;
        }
      }
    }
    return false;
  }
}
