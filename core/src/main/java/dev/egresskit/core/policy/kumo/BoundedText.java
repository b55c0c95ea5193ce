package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;

/**
 * Text handed to {@link java.util.regex.Matcher} that stops a match running past the handler's
 * deadline: Java's regex engine backtracks without bound, and reads its input only through
 * {@link #charAt}, so checking the clock there (every 4096 reads) bounds any pattern.
 */
final class BoundedText implements CharSequence {
  private static final int CHECK_EVERY = 4096;

  private final String text;
  private final long deadlineNanos;
  private final String function;
  private int reads;

  BoundedText(String text, long deadlineNanos, String function) {
    this.text = text;
    this.deadlineNanos = deadlineNanos;
    this.function = function;
  }

  @Override
  public char charAt(int index) {
    if (++reads >= CHECK_EVERY) {
      reads = 0;
      if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
        throw new KumoApiException(function + ": the regular expression was stopped at the"
            + " policy handler deadline (it backtracks too much on this input)");
      }
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.substring(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
