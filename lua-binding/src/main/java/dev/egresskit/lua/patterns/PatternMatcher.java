package dev.egresskit.lua.patterns;

/**
 * Matches one Lua 5.4 pattern against one subject, both byte strings, by backtracking as the
 * reference manual (§6.4.1) describes. It checks its {@link PatternBudget} every
 * {@link PatternBudget#STEPS_PER_CHECK} steps (a step being one pattern item tried at one
 * position, or a run of bytes compared) and refuses nesting deeper than {@value #MAX_DEPTH} with
 * "pattern too complex", as Lua does, so no pattern can run or recurse without bound. Errors in
 * the pattern are found when the matcher reaches them, as in Lua.
 *
 * <p>Positions given to and returned by this class are 0-based offsets into the subject. An
 * instance holds the captures of the last successful {@link #matchAt}; it is not thread-safe.
 */
public final class PatternMatcher {
  /** The most captures one pattern may have (Lua's {@code LUA_MAXCAPTURES}). */
  public static final int MAX_CAPTURES = 32;
  /** The deepest nesting of backtracking points (Lua's {@code MAXCCALLS}). */
  static final int MAX_DEPTH = 200;
  /** {@link #captureLength} of a position capture {@code ()}. */
  public static final int POSITION = -2;
  private static final int UNFINISHED = -1;
  private static final byte ESCAPE = '%';
  private static final int[] NO_CAPTURES = new int[0];

  private final byte[] s;
  private final int sStart;
  private final int sEnd;
  private final byte[] p;
  private final int pStart;
  private final int pEnd;
  private final PatternBudget budget;
  /** Grown as captures open (most patterns have none): a match allocates only what it uses. */
  private int[] captureStart = NO_CAPTURES;
  private int[] captureLength = NO_CAPTURES;
  private int level;
  private int depth;
  private int countdown = PatternBudget.STEPS_PER_CHECK;

  /** A matcher of {@code pattern[pOffset, pOffset + pLength)} on the given subject range. */
  public PatternMatcher(byte[] subject, int offset, int length, byte[] pattern, int pOffset,
      int pLength, PatternBudget budget) {
    this.s = subject;
    this.sStart = offset;
    this.sEnd = offset + length;
    this.p = pattern;
    this.pStart = pOffset;
    this.pEnd = pOffset + pLength;
    this.budget = budget;
  }

  /**
   * Tries the pattern, from its byte {@code patternFrom} (1 to skip a leading {@code ^}), at
   * subject position {@code at} only.
   *
   * @return the end of the match (exclusive), or -1
   * @throws PatternException if the pattern is malformed where the match reached
   */
  public int matchAt(int at, int patternFrom) {
    level = 0;
    depth = 0;
    int end = match(sStart + at, pStart + patternFrom);
    return end < 0 ? -1 : end - sStart;
  }

  /** How many captures the last successful match recorded. */
  public int captureCount() {
    return level;
  }

  /** Where capture {@code i} (0-based) starts. */
  public int captureStart(int i) {
    checkCapture(i);
    return captureStart[i] - sStart;
  }

  /** The length of capture {@code i}, or {@link #POSITION} for a position capture. */
  public int captureLength(int i) {
    checkCapture(i);
    return captureLength[i];
  }

  private void checkCapture(int i) {
    if (i < 0 || i >= level) {
      throw new PatternException("invalid capture index %" + (i + 1));
    }
    if (captureLength[i] == UNFINISHED) {
      throw new PatternException("unfinished capture");
    }
  }

  /** Whether a pattern has none of the characters that make it more than plain text. */
  public static boolean isPlain(byte[] pattern, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      switch (pattern[i]) {
        case '^', '$', '*', '+', '?', '.', '(', '[', '%', '-':
          return false;
        default:
          break;
      }
    }
    return true;
  }

  /**
   * The first occurrence of {@code needle} in {@code haystack} at or after {@code from}, both
   * relative to their offsets, or -1; checks the budget as it goes.
   */
  public static int indexOf(byte[] haystack, int offset, int length, byte[] needle,
      int nOffset, int nLength, int from, PatternBudget budget) {
    int weight = 1 + nLength / 64;
    int countdown = PatternBudget.STEPS_PER_CHECK;
    for (int at = from; at + nLength <= length; at++) {
      if ((countdown -= weight) <= 0) {
        countdown = PatternBudget.STEPS_PER_CHECK;
        budget.check();
      }
      if (java.util.Arrays.equals(haystack, offset + at, offset + at + nLength,
          needle, nOffset, nOffset + nLength)) {
        return at;
      }
    }
    return -1;
  }

  private void step(int work) {
    if ((countdown -= work) <= 0) {
      countdown = PatternBudget.STEPS_PER_CHECK;
      budget.check();
    }
  }

  /** Matches pattern bytes from {@code pi} at subject index {@code si}: the end, or -1. */
  private int match(int si, int pi) {
    if (++depth > MAX_DEPTH) {
      throw new PatternException("pattern too complex");
    }
    try {
      while (true) {
        step(1);
        if (pi == pEnd) {
          return si;
        }
        switch (p[pi]) {
          case '(':
            return pi + 1 < pEnd && p[pi + 1] == ')'
                ? openCapture(si, pi + 2, POSITION) : openCapture(si, pi + 1, UNFINISHED);
          case ')':
            return closeCapture(si, pi + 1);
          case '$':
            if (pi + 1 == pEnd) {
              return si == sEnd ? si : -1;
            }
            break;
          case ESCAPE:
            if (pi + 1 < pEnd) {
              byte next = p[pi + 1];
              if (next == 'b') {
                si = balanced(si, pi + 2);
                pi += 4;
              } else if (next == 'f') {
                pi = frontier(si, pi + 2);
              } else if (next >= '0' && next <= '9') {
                si = backReference(si, next - '1');
                pi += 2;
              } else {
                break;
              }
              if (si < 0 || pi < 0) {
                return -1;
              }
              continue;
            }
            break;
          default:
            break;
        }
        int itemEnd = PatternItems.end(p, pi, pEnd);
        boolean here = si < sEnd && PatternItems.matches(p, pi, itemEnd, s[si]);
        byte quantifier = itemEnd < pEnd ? p[itemEnd] : 0;
        switch (quantifier) {
          case '?':
            if (here) {
              int end = match(si + 1, itemEnd + 1);
              if (end >= 0) {
                return end;
              }
            }
            pi = itemEnd + 1;
            break;
          case '+':
            return here ? longest(si + 1, pi, itemEnd) : -1;
          case '*':
            return longest(si, pi, itemEnd);
          case '-':
            return shortest(si, pi, itemEnd);
          default:
            if (!here) {
              return -1;
            }
            si++;
            pi = itemEnd;
            break;
        }
      }
    } finally {
      depth--;
    }
  }

  /** {@code x*}: as many repetitions as match, then backs off one at a time. */
  private int longest(int si, int pi, int itemEnd) {
    int count = 0;
    while (si + count < sEnd && PatternItems.matches(p, pi, itemEnd, s[si + count])) {
      count++;
      step(1);
    }
    for (; count >= 0; count--) {
      int end = match(si + count, itemEnd + 1);
      if (end >= 0) {
        return end;
      }
    }
    return -1;
  }

  /** {@code x-}: as few repetitions as let the rest match. */
  private int shortest(int si, int pi, int itemEnd) {
    while (true) {
      int end = match(si, itemEnd + 1);
      if (end >= 0) {
        return end;
      }
      if (si < sEnd && PatternItems.matches(p, pi, itemEnd, s[si])) {
        si++;
      } else {
        return -1;
      }
    }
  }

  private int openCapture(int si, int pi, int kind) {
    if (level >= MAX_CAPTURES) {
      throw new PatternException("too many captures");
    }
    if (level == captureStart.length) {
      int size = Math.min(MAX_CAPTURES, Math.max(4, level * 2));
      captureStart = java.util.Arrays.copyOf(captureStart, size);
      captureLength = java.util.Arrays.copyOf(captureLength, size);
    }
    captureStart[level] = si;
    captureLength[level] = kind;
    level++;
    int end = match(si, pi);
    if (end < 0) {
      level--;
    }
    return end;
  }

  private int closeCapture(int si, int pi) {
    int open = level - 1;
    while (open >= 0 && captureLength[open] != UNFINISHED) {
      open--;
    }
    if (open < 0) {
      throw new PatternException("invalid pattern capture");
    }
    captureLength[open] = si - captureStart[open];
    int end = match(si, pi);
    if (end < 0) {
      captureLength[open] = UNFINISHED;
    }
    return end;
  }

  /** {@code %bxy} with {@code pi} at {@code x}: the end of the balanced run, or -1. */
  private int balanced(int si, int pi) {
    if (pi + 1 >= pEnd) {
      throw new PatternException("malformed pattern (missing arguments to '%b')");
    }
    if (si >= sEnd || s[si] != p[pi]) {
      return -1;
    }
    byte open = p[pi];
    byte close = p[pi + 1];
    int nesting = 1;
    for (int i = si + 1; i < sEnd; i++) {
      step(1);
      if (s[i] == close) {
        if (--nesting == 0) {
          return i + 1;
        }
      } else if (s[i] == open) {
        nesting++;
      }
    }
    return -1;
  }

  /** {@code %f[set]} with {@code pi} at {@code [}: the pattern index after the set, or -1. */
  private int frontier(int si, int pi) {
    if (pi >= pEnd || p[pi] != '[') {
      throw new PatternException("missing '[' after '%f' in pattern");
    }
    int setEnd = PatternItems.end(p, pi, pEnd);
    int before = si == sStart ? 0 : s[si - 1] & 0xFF;
    int current = si < sEnd ? s[si] & 0xFF : 0;
    return !PatternItems.inSet(p, before, pi, setEnd - 1)
        && PatternItems.inSet(p, current, pi, setEnd - 1) ? setEnd : -1;
  }

  /** {@code %1}..{@code %9} ({@code index} 0-based): the subject index after the copy, or -1. */
  private int backReference(int si, int index) {
    if (index < 0 || index >= level || captureLength[index] == UNFINISHED) {
      throw new PatternException("invalid capture index %" + (index + 1));
    }
    int length = captureLength[index];
    if (length == POSITION || sEnd - si < length) {
      return -1;
    }
    step(1 + length / 64);
    int from = captureStart[index];
    return java.util.Arrays.equals(s, from, from + length, s, si, si + length) ? si + length : -1;
  }
}
