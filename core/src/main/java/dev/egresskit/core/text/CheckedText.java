package dev.egresskit.core.text;

import java.util.Objects;

/**
 * A string handed to {@link java.util.regex.Matcher} so a runaway match can be stopped: Java's
 * regex engine backtracks without bound but reads its input only through {@link #charAt}, so a
 * check run every {@value #CHECK_EVERY} reads (about 10 µs of matching) bounds any pattern. The
 * check throws to stop the match (a deadline that has passed); what it throws is the caller's.
 * One instance serves one match on one thread.
 */
public final class CheckedText implements CharSequence {
  /** How many character reads pass between two runs of the check. */
  public static final int CHECK_EVERY = 4096;

  private final String text;
  private final Runnable check;
  private int reads;

  /**
   * Wraps {@code text}.
   *
   * @param text the subject of the match
   * @param check run every {@value #CHECK_EVERY} reads; throws to stop the match
   */
  public CheckedText(String text, Runnable check) {
    this.text = Objects.requireNonNull(text, "text");
    this.check = Objects.requireNonNull(check, "check");
  }

  @Override
  public char charAt(int index) {
    if (++reads >= CHECK_EVERY) {
      reads = 0;
      check.run();
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
