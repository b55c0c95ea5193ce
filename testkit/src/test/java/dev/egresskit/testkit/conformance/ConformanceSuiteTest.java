package dev.egresskit.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConformanceSuiteTest {

  private static Path root() throws URISyntaxException {
    return Path.of(ConformanceSuite.class.getClassLoader()
        .getResource(ConformanceSuite.ROOT + "cases.txt").toURI()).getParent();
  }

  @Test
  void theIndexListsEveryCaseFolder() throws Exception {
    List<String> folders;
    try (Stream<Path> list = Files.list(root())) {
      folders = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
          .toList();
    }
    assertThat(ConformanceSuite.cases()).extracting(ConformanceCase::id)
        .containsExactlyElementsOf(folders);
  }

  @Test
  void everyCaseHasALuaPolicyAndItsFilesAndExpectsSomething() throws Exception {
    Path root = root();
    assertThat(ConformanceSuite.cases()).hasSizeGreaterThanOrEqualTo(25).allSatisfy(c -> {
      assertThat(root.resolve(c.id()).resolve("policy.lua")).isRegularFile();
      c.files().forEach(f -> assertThat(root.resolve(c.id()).resolve(f)).isRegularFile());
      assertThat(c.sources().size() + c.pools().size() + c.loadErrors().size()).isPositive();
    });
  }

  @Test
  void theSeedExamplesAreIncludedVerbatim() {
    assertThat(ConformanceSuite.cases()).filteredOn(c -> c.origin().contains("(verbatim)"))
        .hasSize(5);
  }

  @Test
  void caseFilesAreParsedStrictly() {
    assertThatThrownBy(() -> CaseParser.parse("x",
        "{\"description\": \"d\", \"source\": []}"))
        .hasMessageContaining("unknown key 'source'");
    assertThatThrownBy(() -> CaseParser.parse("x",
        "{\"description\": \"d\", \"sources\": [{\"name\": \"a\"}]}"))
        .hasMessageContaining("needs exactly one of view, error");
    ConformanceCase parsed = CaseParser.parse("x", "{\"description\": \"d\","
        + " \"languages\": [\"lua\"], \"sources\": [{\"name\": \"a\", \"error\": [\"e\"],"
        + " \"error_js\": [\"j\"]}]}");
    assertThat(parsed.appliesTo("lua")).isTrue();
    assertThat(parsed.appliesTo("js")).isFalse();
    assertThat(parsed.sources().get(0).errorsFor("lua")).containsExactly("e");
    assertThat(parsed.sources().get(0).errorsFor("js")).containsExactly("j");
  }
}
