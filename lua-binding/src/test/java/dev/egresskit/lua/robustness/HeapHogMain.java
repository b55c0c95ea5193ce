package dev.egresskit.lua.robustness;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.lua.LuaPolicyEngineProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a JVM of its own with a small heap by {@link LuaHeapExhaustionRobustnessTest}: a handler
 * that keeps strings until the heap is full, then an ordinary lookup. Prints what happened.
 */
public final class HeapHogMain {
  private HeapHogMain() {}

  public static void main(String[] args) throws Exception {
    try (PolicyEngine engine = new LuaPolicyEngineProvider().load(Path.of(args[0]),
        new PolicySettings(1, Duration.ofSeconds(60)))) {
      SourceResolver resolver = SourceResolver.builder(engine).build();
      try {
        resolver.resolve("hog");
        System.out.println("hog: no error");
      } catch (RuntimeException e) {
        System.out.println("hog: " + e.getMessage());
      }
      System.out.println("after: " + resolver.resolve("normal").name());
    }
  }
}
