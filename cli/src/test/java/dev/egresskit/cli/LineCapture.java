package dev.egresskit.cli;

import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A writer that keeps everything written and lets a test wait for complete lines. */
public final class LineCapture extends Writer {
  private final StringBuilder text = new StringBuilder();

  @Override
  public synchronized void write(char[] buf, int off, int len) {
    text.append(buf, off, len);
    notifyAll();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** Everything written so far. */
  synchronized String text() {
    return text.toString();
  }

  /** The complete lines written so far. */
  synchronized List<String> lines() {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return lines;
  }

  /** Waits until at least {@code count} complete lines were written. */
  synchronized List<String> awaitLines(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (lines().size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " lines within " + timeout + ", got:\n"
            + text);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return lines();
  }
}
