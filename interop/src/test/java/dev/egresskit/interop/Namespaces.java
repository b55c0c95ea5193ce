package dev.egresskit.interop;

import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the namespace lab for a test class, or skips the class visibly when not permitted. */
final class Namespaces {
  private static final Logger LOG = LoggerFactory.getLogger(Namespaces.class);

  private Namespaces() {}

  /**
   * A fresh {@link NetnsLab}. When {@code ip netns add} is not permitted, logs the reason and
   * aborts through a JUnit assumption, so every test of the class is reported as skipped with
   * that reason. Any other problem fails the tests.
   */
  static NetnsLab createOrSkip() {
    try {
      return NetnsLab.create();
    } catch (NetnsLab.NotPermitted e) {
      LOG.warn("SKIPPING the network namespace tests: {}", e.getMessage());
      Assumptions.abort("network namespaces are not permitted here: " + e.getMessage());
      throw new AssertionError("unreachable");
    }
  }
}
