package dev.egresskit.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What HotSpot's JIT compilers are doing, for warm-ups that must end on compiled code: a count
 * or a fixed time of warm-up measured half-compiled code (C2 kept compiling Netty's and our
 * connect path for ~8,000 setups, 2 s of CPU, and a 5,000-setup run charged that to the route).
 */
final class Jit {
  private Jit() {}

  /**
   * Whether the compilers have a compile running or queued ({@code jcmd Compiler.queue} lists
   * each as {@code class::method}); {@code false} where that cannot be asked.
   */
  static boolean busy() {
    try {
      Object queue = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
          new Object[] {null}, new String[] {String[].class.getName()});
      return queue instanceof String text && text.contains("::");
    } catch (JMException | RuntimeException e) {
      return false;
    }
  }

  /** Milliseconds the compilers have spent so far, or -1 where the JVM does not say. */
  static long compileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() : -1;
  }
}
