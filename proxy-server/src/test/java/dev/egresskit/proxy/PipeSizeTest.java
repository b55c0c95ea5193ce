package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relay pipes grow to 1 MiB on every Java version the build runs (17, and 25 in CI): libc's
 * {@code fcntl} is called through JNA.
 */
class PipeSizeTest {

  /** Netty's native library, which opens the pipes, loads with its epoll transport. */
  @BeforeAll
  static void nettyNative() {
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
  }

  @Test
  void growsAPipeToOneMebibyteAndGivesTheCountBack() throws Exception {
    assertThat(PipeSize.available()).as("JNA bound fcntl on Java %s", Runtime.version()).isTrue();
    FileDescriptor[] pipe = FileDescriptor.pipe();
    try {
      assertThat(PipeSize.size(pipe[1])).isEqualTo(64 * 1024);
      assertThat(PipeSize.grow(pipe[1])).isEqualTo(PipeSize.WANTED);
      // Both ends are the one pipe.
      assertThat(PipeSize.size(pipe[0])).isEqualTo(PipeSize.WANTED);
      assertThat(PipeSize.grown()).isEqualTo(1);
    } finally {
      pipe[0].close();
      pipe[1].close();
    }
    PipeSize.released();
    assertThat(PipeSize.grown()).isZero();
  }

  /** A descriptor that is not a pipe is refused by the kernel, and not counted as grown. */
  @Test
  void aRefusedGrowthIsNotCounted(@TempDir Path dir) throws Exception {
    Path file = Files.createFile(dir.resolve("not-a-pipe"));
    FileDescriptor fd = FileDescriptor.from(file.toFile());
    try {
      // F_SETPIPE_SZ on a regular file: EBADF.
      assertThat(PipeSize.grow(fd)).isEqualTo(-1);
      assertThat(PipeSize.size(fd)).isEqualTo(-1);
      assertThat(PipeSize.grown()).isZero();
    } finally {
      fd.close();
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
