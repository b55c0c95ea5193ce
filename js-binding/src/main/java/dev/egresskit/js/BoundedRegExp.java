package dev.egresskit.js;

import dev.egresskit.core.text.CheckedText;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.nashorn.internal.objects.Global;
import org.openjdk.nashorn.internal.parser.Lexer;
import org.openjdk.nashorn.internal.runtime.BitVector;
import org.openjdk.nashorn.internal.runtime.ECMAException;
import org.openjdk.nashorn.internal.runtime.ParserException;
import org.openjdk.nashorn.internal.runtime.regexp.JdkRegExp;
import org.openjdk.nashorn.internal.runtime.regexp.RegExp;
import org.openjdk.nashorn.internal.runtime.regexp.RegExpMatcher;

/**
 * The regular-expression engine behind a policy's {@code RegExp} objects: the pattern runs on
 * {@code java.util.regex} over a text that checks the handler's {@link Deadline} every
 * {@value CheckedText#CHECK_EVERY} character reads, so one match that backtracks without end
 * stops at the deadline like any loop of the policy. Nashorn's own engine (Joni) checks nothing and reads a
 * {@code char[]}, so nothing could stop it inside one {@code exec}.
 *
 * <p>The JavaScript pattern is translated to Java's syntax by Nashorn itself (its
 * {@link JdkRegExp}, the engine selected by {@code nashorn.regexp.impl=jdk}), with one
 * correction: {@code \s} and {@code \S} become JavaScript's whitespace set (Nashorn expands them
 * only when its JDK engine is selected JVM-wide, and its expansion of {@code \S} inside a negated
 * class is wrong on Java 9 and later). EgressKit leaves that JVM-wide setting alone: Nashorn still
 * parses and checks every pattern with Joni, exactly as before, and {@link RegExpGuard} puts this
 * engine into each {@code RegExp} object before it matches.
 *
 * <p>Compiled patterns are shared by all interpreters (a bounded cache by source and flags); an
 * instance of this class belongs to one interpreter, whose deadline it checks.
 */
final class BoundedRegExp extends RegExp {
  private static final int CACHE_SIZE = 512;
  private static final String WHITESPACE = Lexer.getWhitespaceRegExp();
  private static final VarHandle JDK_PATTERN = jdkPattern();
  private static final Map<String, Compiled> CACHE =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /** A translated pattern; {@code pattern} is null for one that can never match ({@code []}). */
  private record Compiled(Pattern pattern, BitVector groupsInNegativeLookahead) {}

  private final Pattern pattern;
  private final Deadline deadline;

  private BoundedRegExp(String source, String flags, Compiled compiled, Deadline deadline) {
    super(source, flags);
    this.pattern = compiled.pattern();
    this.groupsInNegativeLookahead = compiled.groupsInNegativeLookahead();
    this.deadline = deadline;
  }

  /**
   * The bounded engine for what {@code engine} (Nashorn's) matches.
   *
   * @throws ParserException if Java's engine refuses the pattern (Joni accepted it)
   */
  static BoundedRegExp of(RegExp engine, Deadline deadline) {
    String source = engine.getSource();
    String flags = (engine.isGlobal() ? "g" : "") + (engine.isIgnoreCase() ? "i" : "")
        + (engine.isMultiline() ? "m" : "");
    return new BoundedRegExp(source, flags, compiled(source, flags), deadline);
  }

  /** Whether {@code engine} is one of these, checking {@code deadline}. */
  static boolean isBounded(RegExp engine, Deadline deadline) {
    return engine instanceof BoundedRegExp bounded && bounded.deadline == deadline;
  }

  private static Compiled compiled(String source, String flags) {
    String key = flags + '/' + source;
    synchronized (CACHE) {
      Compiled known = CACHE.get(key);
      if (known != null) {
        return known;
      }
    }
    JdkRegExp translated = new JdkRegExp(source, flags);
    Pattern nashorns = (Pattern) JDK_PATTERN.get(translated);
    Pattern pattern = nashorns == null ? null
        : Pattern.compile(withJavaScriptWhitespace(nashorns.pattern()), nashorns.flags());
    Compiled compiled = new Compiled(pattern, translated.getGroupsInNegativeLookahead());
    synchronized (CACHE) {
      CACHE.put(key, compiled);
    }
    return compiled;
  }

  /**
   * Replaces {@code \s} and {@code \S} of a Java pattern (as Nashorn's translation leaves them)
   * with JavaScript's whitespace (ECMA-262 WhiteSpace and LineTerminator). In a class, Java (9
   * and later) takes a nested class as a union, also under {@code ^}: {@code [^a[^ws]]} is
   * whitespace other than {@code a}, as JavaScript's {@code [^a\S]}.
   */
  static String withJavaScriptWhitespace(String javaPattern) {
    if (javaPattern.indexOf('\\') < 0) {
      return javaPattern;
    }
    StringBuilder out = new StringBuilder(javaPattern.length() + 64);
    int classDepth = 0;
    int i = 0;
    while (i < javaPattern.length()) {
      char c = javaPattern.charAt(i);
      if (c == '\\' && i + 1 < javaPattern.length()) {
        char next = javaPattern.charAt(i + 1);
        if (next == 's') {
          out.append(classDepth > 0 ? WHITESPACE : "[" + WHITESPACE + "]");
        } else if (next == 'S') {
          out.append("[^").append(WHITESPACE).append(']');
        } else if (next == 'Q') {
          int end = javaPattern.indexOf("\\E", i + 2);
          int stop = end < 0 ? javaPattern.length() : end + 2;
          out.append(javaPattern, i, stop);
          i = stop;
          continue;
        } else {
          out.append(c).append(next);
        }
        i += 2;
        continue;
      }
      if (c == '[') {
        classDepth++;
      } else if (c == ']' && classDepth > 0) {
        classDepth--;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private String tooDeep(int length) {
    String source = getSource();
    String shown = source.length() > 80 ? source.substring(0, 77) + "..." : source;
    return "the regular expression /" + shown + "/ needs more stack than a policy call has to"
        + " match a text of " + length + " characters (Java's engine recurses once per"
        + " repetition of a group such as (a|b)*: write it as a character class such as [ab]*,"
        + " or match a shorter text)";
  }

  @Override
  public RegExpMatcher match(String input) {
    return pattern == null ? null : new BoundedMatcher(input);
  }

  /** A match over {@link #subject}; otherwise what Nashorn's JDK engine does. */
  private final class BoundedMatcher implements RegExpMatcher {
    private final String input;
    private final Matcher matcher;

    BoundedMatcher(String input) {
      this.input = input;
      this.matcher = pattern.matcher(subject(input, deadline));
    }

    @Override
    public boolean search(int start) {
      try {
        return matcher.find(start);
      } catch (StackOverflowError e) {
        // Java's engine recurses once per repetition of some groups, (a|b)* on a long text;
        // nothing is half done here, so this is an ordinary error the policy may catch.
        throw new ECMAException(Global.instance().newRangeError(tooDeep(input.length())), null);
      }
    }

    @Override
    public String getInput() {
      return input;
    }

    @Override
    public int start() {
      return matcher.start();
    }

    @Override
    public int start(int group) {
      return matcher.start(group);
    }

    @Override
    public int end() {
      return matcher.end();
    }

    @Override
    public int end(int group) {
      return matcher.end(group);
    }

    @Override
    public String group() {
      return matcher.group();
    }

    @Override
    public String group(int group) {
      return matcher.group(group);
    }

    @Override
    public int groupCount() {
      return matcher.groupCount();
    }
  }

  /**
   * The subject text as {@link Matcher} reads it: every {@value CheckedText#CHECK_EVERY} reads
   * it looks at the deadline, which throws {@link Deadline.Stopped} (sticky, like every deadline
   * check) once it has passed.
   */
  static CharSequence subject(String input, Deadline deadline) {
    return new CheckedText(input, deadline::check);
  }

  private static VarHandle jdkPattern() {
    try {
      return MethodHandles.privateLookupIn(JdkRegExp.class, MethodHandles.lookup())
          .findVarHandle(JdkRegExp.class, "pattern", Pattern.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Nashorn has no JdkRegExp.pattern (EgressKit needs"
          + " it to bound regular expressions; use the nashorn-core version EgressKit pins)", e);
    }
  }
}
