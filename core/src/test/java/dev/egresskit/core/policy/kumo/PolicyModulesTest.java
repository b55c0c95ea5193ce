package dev.egresskit.core.policy.kumo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyModulesTest {

  /** A module named {@code name} with one function {@code echo}, counting its closes. */
  private static PolicyModuleProvider provider(String name, AtomicInteger closes) {
    return new PolicyModuleProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PolicyModule create() {
        return new PolicyModule() {
          @Override
          public Map<String, KumoFunction> functions() {
            return Map.of("echo", (args, context) -> args.string(0, "TEXT") + "@"
                + context.here());
          }

          @Override
          public void close() {
            closes.incrementAndGet();
            throw new IllegalStateException("closing fails, and the others still close");
          }
        };
      }
    };
  }

  private static KumoContext context() {
    return KumoContext.of(() -> new ScriptLocation("policy.lua", 3), new PolicyUsage(),
        PolicyFiles.of(Path.of("policy.lua")), () -> Long.MAX_VALUE);
  }

  @Test
  void eachModuleIsCalledByNameAndClosedOnceEvenWhenAnotherFailsToClose() {
    AtomicInteger closes = new AtomicInteger();
    PolicyModules modules = PolicyModules.of(List.of(provider("alpha", closes),
        provider("beta", closes)));
    assertThat(modules.names()).containsExactly("alpha", "beta");
    assertThat(modules.call("alpha", "echo", List.of("hi"), context()))
        .isEqualTo("hi@policy.lua:3");
    assertThatThrownBy(() -> modules.call("alpha", "nope", List.of(), context()))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("alpha.nope does not exist (the alpha module has: echo)");
    modules.close();
    modules.close();
    assertThat(closes).hasValue(2);
  }

  @Test
  void aNameThatWouldShadowKumoOrLuaIsRefused() {
    for (String name : List.of("string", "kumo", "serde", "memoize", "not-an-identifier")) {
      assertThatThrownBy(() -> PolicyModules.of(List.of(provider(name, new AtomicInteger()))))
          .as(name).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has the name '" + name + "', which is not allowed");
    }
  }

  @Test
  void twoModulesWithOneNameAreRefused() {
    AtomicInteger closes = new AtomicInteger();
    assertThatThrownBy(() -> PolicyModules.of(List.of(provider("alpha", closes),
        provider("alpha", closes))))
        .hasMessageStartingWith("two policy modules are named 'alpha'");
  }

  @Test
  void withoutProvidersThereAreNoModules() {
    assertThat(PolicyModules.none().names()).isEmpty();
    assertThat(PolicyModules.load(PolicyModulesTest.class.getClassLoader()).names()).isEmpty();
  }
}
