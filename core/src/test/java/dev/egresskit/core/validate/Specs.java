package dev.egresskit.core.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers to build raw specs the way a binding hands them over. */
final class Specs {
  static final ScriptLocation AT = new ScriptLocation("policy.lua", 7);

  private Specs() {}

  /** An ordered map from alternating keys and values. */
  static Map<String, Object> table(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static EgressSource source(Object... keysAndValues) {
    return EgressSpecs.toSource(new RawSpec(table(keysAndValues), AT));
  }

  static EgressPool pool(Object... keysAndValues) {
    return EgressSpecs.toPool(new RawSpec(table(keysAndValues), AT));
  }

  static InvalidSpecException sourceError(Object... keysAndValues) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> EgressSpecs.toSource(new RawSpec(table(keysAndValues), AT)));
    assertThat(e).as("expected an InvalidSpecException").isNotNull();
    assertThat(e.what()).isEqualTo("make_egress_source");
    assertThat(e.location()).isEqualTo(AT);
    for (Problem p : e.problems()) {
      assertThat(p.location()).isEqualTo(AT);
      assertThat(p.allowed()).as("allowed form of %s", p).isNotBlank();
    }
    return e;
  }

  static InvalidSpecException poolError(Object... keysAndValues) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> EgressSpecs.toPool(new RawSpec(table(keysAndValues), AT)));
    assertThat(e).as("expected an InvalidSpecException").isNotNull();
    assertThat(e.what()).isEqualTo("make_egress_pool");
    return e;
  }

  /** The single problem of a failed spec. */
  static Problem onlyProblem(InvalidSpecException e) {
    assertThat(e.problems()).as(e.getMessage()).hasSize(1);
    return e.problems().get(0);
  }

  static List<String> reasons(InvalidSpecException e) {
    return e.problems().stream().map(Problem::reason).toList();
  }
}
