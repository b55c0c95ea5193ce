package dev.egresskit.lua;

import dev.egresskit.lua.patterns.PatternBudget;
import dev.egresskit.lua.patterns.PatternException;
import dev.egresskit.lua.patterns.PatternMatcher;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code string.find}, {@code match}, {@code gmatch} and {@code gsub} as Lua 5.4 defines them, on
 * the sandbox's own {@link PatternMatcher}: every match checks the handler deadline and has a
 * bounded depth, and {@code gsub} cannot build a string over
 * {@link SandboxLimits#MAX_STRING_BYTES}.
 */
final class PatternFunctions {
  private PatternFunctions() {}

  /** Puts the four functions into a {@code string} table, replacing LuaJ's. */
  static void install(LuaTable string, PatternBudget budget) {
    string.set("find", new Find(true, budget));
    string.set("match", new Find(false, budget));
    string.set("gmatch", new GMatch(budget));
    string.set("gsub", new GSub(budget));
  }

  /** Lua 5.4's {@code posrelatI}: a 1-based start position from a possibly negative one. */
  private static long start(long position, int length) {
    if (position > 0) {
      return position;
    } else if (position == 0 || position < -(long) length) {
      return 1;
    }
    return length + position + 1;
  }

  private static PatternMatcher matcher(LuaString subject, LuaString pattern,
      PatternBudget budget) {
    return new PatternMatcher(subject.m_bytes, subject.m_offset, subject.m_length,
        pattern.m_bytes, pattern.m_offset, pattern.m_length, budget);
  }

  private static boolean anchored(LuaString pattern) {
    return pattern.m_length > 0 && pattern.m_bytes[pattern.m_offset] == '^';
  }

  /** Capture {@code i} of the last match ({@code [start, end)} is the whole match). */
  private static LuaValue capture(PatternMatcher m, LuaString subject, int i, int start,
      int end) {
    if (i >= m.captureCount() && i == 0) {
      return subject.substring(start, end);
    }
    int length = m.captureLength(i);
    int from = m.captureStart(i);
    return length == PatternMatcher.POSITION
        ? LuaValue.valueOf(from + 1) : subject.substring(from, from + length);
  }

  /** The captures of the last match, or the whole match when it has none. */
  private static Varargs captures(PatternMatcher m, LuaString subject, int start, int end) {
    int n = Math.max(1, m.captureCount());
    LuaValue[] values = new LuaValue[n];
    for (int i = 0; i < n; i++) {
      values[i] = capture(m, subject, i, start, end);
    }
    return LuaValue.varargsOf(values);
  }

  private static LuaError luaError(PatternException e) {
    return new LuaError(e.getMessage());
  }

  /** {@code find(s, pattern [, init [, plain]])} or {@code match(s, pattern [, init])}. */
  private static final class Find extends VarArgFunction {
    private final boolean find;
    private final PatternBudget budget;

    Find(boolean find, PatternBudget budget) {
      this.find = find;
      this.budget = budget;
      this.name = find ? "find" : "match";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString p = args.checkstring(2);
      long init = start(args.optlong(3, 1), s.m_length);
      if (init > s.m_length + 1L) {
        return NIL;
      }
      int from = (int) init - 1;
      if (find && (args.arg(4).toboolean()
          || PatternMatcher.isPlain(p.m_bytes, p.m_offset, p.m_length))) {
        int at = PatternMatcher.indexOf(s.m_bytes, s.m_offset, s.m_length, p.m_bytes,
            p.m_offset, p.m_length, from, budget);
        return at < 0 ? NIL : varargsOf(valueOf(at + 1), valueOf(at + p.m_length));
      }
      try {
        PatternMatcher m = matcher(s, p, budget);
        boolean anchor = anchored(p);
        int skip = anchor ? 1 : 0;
        for (int at = from; at <= s.m_length; at++) {
          int end = m.matchAt(at, skip);
          if (end >= 0) {
            if (!find) {
              return captures(m, s, at, end);
            }
            return m.captureCount() == 0 ? varargsOf(valueOf(at + 1), valueOf(end))
                : varargsOf(valueOf(at + 1), valueOf(end), captures(m, s, at, end));
          }
          if (anchor) {
            break;
          }
        }
        return NIL;
      } catch (PatternException e) {
        throw luaError(e);
      }
    }
  }

  /** {@code gmatch(s, pattern [, init])}: {@code ^} is an ordinary character here, as in 5.4. */
  private static final class GMatch extends VarArgFunction {
    private final PatternBudget budget;

    GMatch(PatternBudget budget) {
      this.budget = budget;
      this.name = "gmatch";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString p = args.checkstring(2);
      // Past the end, not even an empty match is found (Lua 5.4 starts after the end).
      long init = Math.min(start(args.optlong(3, 1), s.m_length) - 1, s.m_length + 1L);
      PatternMatcher m = matcher(s, p, budget);
      return new VarArgFunction() {
        private int next = (int) init;
        private int lastEnd = -1;

        @Override
        public Varargs invoke(Varargs ignored) {
          try {
            for (int at = next; at <= s.m_length; at++) {
              int end = m.matchAt(at, 0);
              if (end >= 0 && end != lastEnd) {
                next = end;
                lastEnd = end;
                return captures(m, s, at, end);
              }
            }
            next = s.m_length + 1;
            return NIL;
          } catch (PatternException e) {
            throw luaError(e);
          }
        }
      };
    }
  }

  /** {@code gsub(s, pattern, repl [, n])} with a string, table or function replacement. */
  private static final class GSub extends VarArgFunction {
    private final PatternBudget budget;

    GSub(PatternBudget budget) {
      this.budget = budget;
      this.name = "gsub";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString p = args.checkstring(2);
      LuaValue repl = args.arg(3);
      int type = repl.type();
      if (type != TNUMBER && type != TSTRING && type != TTABLE && type != TFUNCTION) {
        throw new LuaError("bad argument #3 to 'gsub' (string/function/table expected, got "
            + (repl.isnil() && args.narg() < 3 ? "no value" : repl.typename()) + ")");
      }
      long max = args.optlong(4, s.m_length + 1L);
      boolean anchor = anchored(p);
      BoundedBuffer out = new BoundedBuffer("string.gsub");
      PatternMatcher m = matcher(s, p, budget);
      int at = 0;
      int lastEnd = -1;
      long count = 0;
      try {
        while (count < max) {
          int end = m.matchAt(at, anchor ? 1 : 0);
          if (end >= 0 && end != lastEnd) {
            count++;
            replace(m, s, at, end, repl, out);
            at = end;
            lastEnd = end;
          } else if (at < s.m_length) {
            out.append(s.m_bytes[s.m_offset + at]);
            at++;
          } else {
            break;
          }
          if (anchor) {
            break;
          }
        }
      } catch (PatternException e) {
        throw luaError(e);
      }
      out.append(s.m_bytes, s.m_offset + at, s.m_length - at);
      return varargsOf(out.toLuaString(), valueOf(count));
    }

    private static void replace(PatternMatcher m, LuaString s, int start, int end,
        LuaValue repl, BoundedBuffer out) {
      LuaValue value;
      if (repl.isstring()) {
        expand(m, s, start, end, repl.strvalue(), out);
        return;
      } else if (repl.istable()) {
        value = repl.get(capture(m, s, 0, start, end));
      } else {
        value = repl.invoke(captures(m, s, start, end)).arg1();
      }
      if (!value.toboolean()) {
        out.append(s.m_bytes, s.m_offset + start, end - start);
      } else if (value.isstring()) {
        out.append(value.strvalue());
      } else {
        throw new LuaError("invalid replacement value (a " + value.typename() + ")");
      }
    }

    /** A replacement string: {@code %0}-{@code %9} are captures, {@code %%} is a percent sign. */
    private static void expand(PatternMatcher m, LuaString s, int start, int end,
        LuaString template, BoundedBuffer out) {
      byte[] t = template.m_bytes;
      int last = template.m_offset + template.m_length;
      for (int i = template.m_offset; i < last; i++) {
        int run = i;
        while (run < last && t[run] != '%') {
          run++;
        }
        out.append(t, i, run - i);
        if (run == last) {
          return;
        }
        i = run + 1;
        byte d = i < last ? t[i] : 0;
        if (d == '%') {
          out.append(d);
        } else if (d == '0') {
          out.append(s.m_bytes, s.m_offset + start, end - start);
        } else if (d >= '1' && d <= '9') {
          out.append(capture(m, s, d - '1', start, end).strvalue());
        } else {
          throw new LuaError("invalid use of '%' in replacement string");
        }
      }
    }
  }
}
