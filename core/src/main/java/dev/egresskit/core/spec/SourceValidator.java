package dev.egresskit.core.spec;

import dev.egresskit.core.model.EgressSource;
import java.util.List;

/**
 * Service-provider interface for site rules that run after the built-in validation (for
 * example "the EHLO domain must be under example.com"). Implementations are listed in
 * {@code META-INF/services/dev.egresskit.core.spec.SourceValidator}; the composition root (the
 * {@code egresskit} command, with the built-in ones and those in {@code --plugin} jars) hands
 * them to {@code dev.egresskit.core.validate.EgressSpecs}, and their problems are added to the
 * same numbered list as the built-in ones, after them, at the {@code make_egress_source} call.
 *
 * <p>A validator checks the source that resolution is about to return (every field already
 * valid on its own). When the built-in rules that need several fields (the route rules) found
 * problems, it still runs, so that one attempt reports everything, and sees a best-effort source
 * with a direct route: consult the {@link RawSpec} (the fields as the script wrote them, secrets
 * redacted) before concluding that a field is absent. A validator is called from many threads
 * and must be stateless or thread-safe; one that throws is reported as a problem.
 */
public interface SourceValidator {

  /**
   * Checks a source that is about to be used.
   *
   * @param source the source
   * @param spec   what the script wrote (for locations and raw values; secrets redacted)
   * @return the problems found, empty when the source is acceptable
   */
  List<Problem> validate(EgressSource source, RawSpec spec);
}
