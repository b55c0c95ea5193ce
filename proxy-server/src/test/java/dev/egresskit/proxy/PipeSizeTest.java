package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
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
}
