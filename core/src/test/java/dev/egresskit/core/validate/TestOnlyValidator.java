package dev.egresskit.core.validate;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.util.List;
import java.util.Optional;

/**
 * A site rule registered through META-INF/services in the test class path. It only acts on EHLO
 * names ending in {@link #MARKER}, so it leaves every other test alone.
 */
public final class TestOnlyValidator implements SourceValidator {
  static final String MARKER = ".invalid-by-test-validator";

  @Override
  public List<Problem> validate(EgressSource source, RawSpec spec) {
    return source.ehloDomain().filter(e -> e.endsWith(MARKER))
        .map(e -> List.of(new Problem("ehlo_domain", spec.location(), Optional.of(e),
            "EHLO domain is on the test deny list", "an EHLO domain not ending in " + MARKER)))
        .orElse(List.of());
  }
}
