package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.testkit.conformance.ConformanceSuite;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class LuaConformanceTest {

  @Test
  void theProviderIsFoundByServiceLoaderForTheLuaExtension() {
    assertThat(ServiceLoader.load(PolicyEngineProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.extensions().contains("lua")))
        .singleElement()
        .satisfies(p -> {
          assertThat(p).isInstanceOf(LuaPolicyEngineProvider.class);
          assertThat(p.language()).isEqualTo("lua");
        });
  }

  @TestFactory
  Stream<DynamicTest> everyConformanceCasePassesInLua() {
    return ConformanceSuite.tests(new LuaPolicyEngineProvider());
  }
}
