package dev.egresskit.proxy.robustness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the robustness tests count to show nothing leaked: file descriptors and heap. */
final class JvmResources {
  private JvmResources() {}

  /** Open file descriptors of this JVM. */
  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Heap in use after a full collection, in bytes. */
  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
