package dev.egresskit.interop;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.validate.EgressSpecs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Egress sources for the tests, built the way a policy builds them: a {@code make_egress_source}
 * field map validated by {@link EgressSpecs#toSource}. The fields keep KumoMTA's names
 * ({@code source_address}, {@code ha_proxy_server}, ...), so each test reads like the policy an
 * operator would write.
 */
final class Sources {
  private static final ScriptLocation HERE = new ScriptLocation("interop-test", 0);

  private Sources() {}

  /**
   * A validated source.
   *
   * @param name   the source name
   * @param fields alternating field names and string values, e.g.
   *               {@code "source_address", "127.0.0.5", "ehlo_domain", "mta.example"}
   */
  static EgressSource source(String name, String... fields) {
    return EgressSpecs.toSource(new RawSpec(fieldsOf(name, fields), HERE));
  }

  /**
   * A validated source from a field map that may hold non-string values ({@code Long} ports,
   * nested maps such as {@code {key_data = "..."}}), as a binding would hand them over.
   */
  static EgressSource source(Map<String, Object> fields) {
    return EgressSpecs.toSource(new RawSpec(fields, HERE));
  }

  /** The field map for {@link #source}: {@code name} first, then the given pairs. */
  static Map<String, Object> fieldsOf(String name, String... fields) {
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("fields come in name/value pairs");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    for (int i = 0; i < fields.length; i += 2) {
      map.put(fields[i], fields[i + 1]);
    }
    return map;
  }
}
