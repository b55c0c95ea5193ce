package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.source;
import static dev.egresskit.core.validate.Specs.sourceError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourceValidatorSpiTest {

  @Test
  void validatorRegisteredInMetaInfServicesIsLoaded() {
    assertThat(Validators.all()).hasAtLeastOneElementOfType(TestOnlyValidator.class);
  }

  @Test
  void validatorProblemIsTheOnlyOneForAnOtherwiseValidSource() {
    InvalidSpecException e = sourceError("name", "a",
        "ehlo_domain", "mta" + TestOnlyValidator.MARKER);
    assertThat(e.problems()).singleElement().extracting(Problem::reason)
        .isEqualTo("EHLO domain is on the test deny list");
  }

  @Test
  void validatorProblemsAreNumberedAfterTheBuiltInOnes() {
    InvalidSpecException e = sourceError("name", "a", "ehlo_domain",
        "mta" + TestOnlyValidator.MARKER, "ttl", "90", "remote_port", 0L);
    assertThat(e.problems()).extracting(Problem::field)
        .containsExactly("remote_port", "ttl", "ehlo_domain");
    assertThat(e.getMessage()).contains("\n  3) ehlo_domain: EHLO domain is on the test deny list");
  }

  @Test
  void sourcesWithoutTheMarkerAreUntouched() {
    assertThat(source("name", "a", "ehlo_domain", "mta.example.com").ehloDomain())
        .contains("mta.example.com");
  }

  @Test
  void validatorsAreSharedSafelyAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        tasks.add(() -> sourceError("name", "a",
            "ehlo_domain", "x" + TestOnlyValidator.MARKER).problems().size());
      }
      for (Future<Integer> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        assertThat(f.get(1, TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
