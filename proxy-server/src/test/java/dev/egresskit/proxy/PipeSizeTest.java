package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Relay pipes grow to 1 MiB where the runtime can call {@code fcntl} (Java 22+, the build's
 * second JDK), and stay at Linux's 64 KiB, without failing, where it cannot (Java 17).
 */
class PipeSizeTest {

  @Test
  void growsAPipeOnJava22AndLaterAndLeavesItAloneBefore() throws Exception {
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
    FileDescriptor[] pipe = FileDescriptor.pipe();
    try {
      if (Runtime.version().feature() >= 22) {
        assertThat(PipeSize.available()).isTrue();
        assertThat(PipeSize.size(pipe[1])).isEqualTo(64 * 1024);
        assertThat(PipeSize.grow(pipe[1])).isEqualTo(PipeSize.WANTED);
        // Both ends are the one pipe.
        assertThat(PipeSize.size(pipe[0])).isEqualTo(PipeSize.WANTED);
        assertThat(PipeSize.grown()).isEqualTo(1);
        pipe[0].close();
        pipe[1].close();
        PipeSize.released();
        assertThat(PipeSize.grown()).isZero();
      } else {
        assertThat(PipeSize.available()).isFalse();
        assertThat(PipeSize.grow(pipe[1])).isEqualTo(-1);
        assertThat(PipeSize.size(pipe[1])).isEqualTo(-1);
      }
    } finally {
      pipe[0].close();
      pipe[1].close();
    }
  }

  /** Past {@link PipeSize#MAX_GROWN} grown pipes the rest keep 64 KiB, until one is given back. */
  @Test
  void growsAtMostABudgetOfPipesAtOnce() throws Exception {
    List<FileDescriptor[]> pipes = new ArrayList<>();
    try {
      for (int i = 0; i <= PipeSize.MAX_GROWN; i++) {
        pipes.add(FileDescriptor.pipe());
      }
      if (Runtime.version().feature() < 22) {
        assertThat(PipeSize.grow(pipes.get(0)[1])).isEqualTo(-1);
        assertThat(PipeSize.grown()).isZero();
        return;
      }
      for (int i = 0; i < PipeSize.MAX_GROWN; i++) {
        assertThat(PipeSize.grow(pipes.get(i)[1])).as("pipe %d", i).isEqualTo(PipeSize.WANTED);
      }
      FileDescriptor[] last = pipes.get(PipeSize.MAX_GROWN);
      assertThat(PipeSize.grow(last[1])).isEqualTo(-1);
      assertThat(PipeSize.size(last[1])).isEqualTo(64 * 1024);
      PipeSize.released();
      assertThat(PipeSize.grow(last[1])).isEqualTo(PipeSize.WANTED);
      for (int i = 1; i < PipeSize.MAX_GROWN; i++) {
        PipeSize.released(); // give back the 32 grown pipes
      }
      PipeSize.released();
      assertThat(PipeSize.grown()).isZero();
    } finally {
      for (FileDescriptor[] p : pipes) {
        p[0].close();
        p[1].close();
      }
    }
  }
}
