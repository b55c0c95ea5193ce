package dev.egresskit.core.validate;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link SourceValidator}s on the class path, loaded once (class initialisation makes that
 * thread-safe) with the loader that loaded EgressKit, so the result does not depend on which
 * thread asks first.
 */
final class Validators {
  private Validators() {}

  private static final class Holder {
    static final List<SourceValidator> VALIDATORS;
    static final String LOAD_ERROR;

    static {
      List<SourceValidator> found = new ArrayList<>();
      String error = null;
      try {
        ServiceLoader.load(SourceValidator.class, Validators.class.getClassLoader())
            .forEach(found::add);
      } catch (ServiceConfigurationError e) {
        error = e.getMessage();
      }
      VALIDATORS = List.copyOf(found);
      LOAD_ERROR = error;
    }
  }

  /** The validators found, in class-path order. */
  static List<SourceValidator> all() {
    return Holder.VALIDATORS;
  }

  /** Runs every validator; a validator that throws becomes a problem instead of a crash. */
  static List<Problem> run(EgressSource source, RawSpec spec) {
    List<Problem> problems = new ArrayList<>();
    if (Holder.LOAD_ERROR != null) {
      problems.add(new Problem("", spec.location(), Optional.empty(),
          "a source validator could not be loaded: " + Holder.LOAD_ERROR,
          "fix the META-INF/services/" + SourceValidator.class.getName() + " entry"));
    }
    for (SourceValidator validator : Holder.VALIDATORS) {
      try {
        List<Problem> found = validator.validate(source, spec);
        if (found != null) {
          problems.addAll(found);
        }
      } catch (RuntimeException e) {
        problems.add(new Problem("", spec.location(), Optional.empty(),
            "source validator " + validator.getClass().getName() + " failed: "
                + e.getClass().getName(),
            "a validator that reports problems instead of throwing"));
      }
    }
    return problems;
  }
}
