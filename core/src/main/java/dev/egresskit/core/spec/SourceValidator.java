package dev.egresskit.core.spec;

import dev.egresskit.core.model.EgressSource;
import java.util.List;

/**
 * Service-provider interface for site rules that run after the built-in validation (for
 * example "the EHLO domain must be under example.com"). Implementations are listed in
 * {@code META-INF/services/dev.egresskit.core.spec.SourceValidator}; their problems are added to
 * the same numbered list as the built-in ones, after them.
 *
 * <p>Validators run on every spec, also when the built-in rules found problems, so that one
 * attempt reports everything. In that case the source passed in is a best-effort one: every
 * invalid field is left at its default (an absent address, a direct route, name {@code ""} when
 * missing). Consult the {@link RawSpec} before concluding that a field is absent. A validator is
 * called from many threads and must be stateless or thread-safe; one that throws is reported as a
 * problem.
 */
public interface SourceValidator {

  /**
   * Checks a source that passed the built-in rules.
   *
   * @param source the validated source
   * @param spec   what the script wrote (for locations and raw values)
   * @return the problems found, empty when the source is acceptable
   */
  List<Problem> validate(EgressSource source, RawSpec spec);
}
