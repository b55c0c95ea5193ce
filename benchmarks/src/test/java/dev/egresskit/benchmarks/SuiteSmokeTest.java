package dev.egresskit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every suite in quick mode, in this JVM, so a suite that no longer runs fails the build.
 * The numbers are not looked at beyond being positive: speed is measured by
 * {@code benchmarks/run}, never by tests.
 */
class SuiteSmokeTest {

  @ParameterizedTest
  @EnumSource(Suite.class)
  void everySuiteRunsAndReportsEveryRatio(Suite suite, @TempDir Path out) throws Exception {
    Path markdown = SuiteRunner.run(suite, new SuiteRunner.Settings(true, 0, out));

    JsonNode doc = new ObjectMapper().readTree(out.resolve(suite.id() + ".json").toFile());
    assertThat(doc.get("results")).isNotEmpty();
    for (JsonNode result : doc.get("results")) {
      assertThat(result.get("score").asDouble()).as(result.toString()).isPositive();
    }
    assertThat(doc.get("ratios")).hasSize(suite.comparisons().size());
    assertThat(Files.readString(markdown)).contains("| ratio |", "| benchmark |");
  }
}
