package dev.egresskit.js;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.openjdk.nashorn.internal.ir.Block;
import org.openjdk.nashorn.internal.ir.CatchNode;
import org.openjdk.nashorn.internal.ir.ClassNode;
import org.openjdk.nashorn.internal.ir.Expression;
import org.openjdk.nashorn.internal.ir.ExpressionStatement;
import org.openjdk.nashorn.internal.ir.ForNode;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.PropertyNode;
import org.openjdk.nashorn.internal.ir.ReturnNode;
import org.openjdk.nashorn.internal.ir.Statement;
import org.openjdk.nashorn.internal.ir.TryNode;
import org.openjdk.nashorn.internal.ir.WhileNode;
import org.openjdk.nashorn.internal.ir.visitor.SimpleNodeVisitor;
import org.openjdk.nashorn.internal.parser.Parser;
import org.openjdk.nashorn.internal.runtime.ErrorManager;
import org.openjdk.nashorn.internal.runtime.ScriptEnvironment;
import org.openjdk.nashorn.internal.runtime.Source;
import org.openjdk.nashorn.internal.runtime.options.Options;

/**
 * Rewrites a script once, before it is compiled, so that a handler past its deadline stops on
 * the calling thread: every loop iteration and every function entry calls {@link #TICK}, and
 * every {@code catch} and {@code finally} block starts with {@link #LATE}. Both throw once the
 * deadline has passed, and keep throwing, so a script cannot catch the stop and carry on.
 *
 * <p>The checks are inserted into the text without line breaks, so every line keeps its number:
 * <ul>
 *   <li>a loop body {@code {...}} gets {@code TICK();} after its brace; any other body
 *       {@code S} becomes {@code if (TICK()); else S} (safe for a dangling {@code else});</li>
 *   <li>a function body gets {@code ;TICK();} after its brace and directives
 *       ({@code 'use strict'} stays a directive); an arrow's expression body {@code e} becomes
 *       {@code TICK() ? 0 : e} ({@code TICK} returns nothing, so the value is {@code e});</li>
 *   <li>{@code catch} and {@code finally} blocks get {@code LATE();}.</li>
 * </ul>
 *
 * <p>Positions come from Nashorn's own parser (its internal IR: the public
 * {@code org.openjdk.nashorn.api.tree} API drops {@code for (let ...)} and
 * {@code for (const ...)} loops entirely, and misplaces some expression starts). The rewritten
 * text is parsed again; if it does not parse, the policy is refused rather than run unchecked.
 */
final class DeadlineChecks {
  /** Called at every loop iteration and function entry; cheap, polls the clock now and then. */
  static final String TICK = "__egresskit_tick__";
  /** Called at every catch and finally entry; throws at once if the deadline has passed. */
  static final String LATE = "__egresskit_late__";

  private static final String RESERVED = "__egresskit_";
  private static final ScriptEnvironment ENV = environment();

  private DeadlineChecks() {}

  /**
   * The script with deadline checks, or {@code source} itself when it does not parse (the
   * engine then reports the syntax error at its original position).
   *
   * @throws PolicyException if the script uses the reserved prefix {@code __egresskit_}, or the
   *     checks could not be placed
   */
  static String instrument(String scriptName, String source) {
    int reserved = source.indexOf(RESERVED);
    if (reserved >= 0) {
      ScriptLocation at = new ScriptLocation(scriptName, lineOf(source, reserved));
      throw new PolicyException(at + ": names starting with " + RESERVED + " are reserved for"
          + " EgressKit's deadline checks (rename it)", at);
    }
    FunctionNode program = parse(scriptName, source);
    if (program == null) {
      return source;
    }
    Placer placer = new Placer(scriptName, source);
    program.accept(placer);
    String rewritten = placer.apply();
    if (parse(scriptName, rewritten) == null) {
      ScriptLocation at = new ScriptLocation(scriptName, 0);
      throw new PolicyException(scriptName + ": EgressKit could not add its deadline checks to"
          + " this script (please report this, with the script)", at);
    }
    return rewritten;
  }

  private static FunctionNode parse(String name, String text) {
    ErrorManager errors = new ErrorManager(new PrintWriter(Writer.nullWriter()));
    FunctionNode program;
    try {
      program = new Parser(ENV, Source.sourceFor(name, text), errors).parse();
    } catch (RuntimeException e) {
      return null;
    }
    return errors.hasErrors() ? null : program;
  }

  static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static ScriptEnvironment environment() {
    Options options = new Options("nashorn");
    options.process(JsRuntime.OPTIONS.toArray(String[]::new));
    PrintWriter silent = new PrintWriter(Writer.nullWriter());
    return new ScriptEnvironment(options, silent, silent);
  }

  /** One piece of text to insert before the character at {@code position}. */
  private record Insertion(int position, String text) {}

  /** Walks the parsed script and collects where the checks go. */
  private static final class Placer extends SimpleNodeVisitor {
    private final String scriptName;
    private final String src;
    private final List<Insertion> insertions = new ArrayList<>();

    Placer(String scriptName, String src) {
      this.scriptName = scriptName;
      this.src = src;
    }

    @Override
    public boolean enterFunctionNode(FunctionNode function) {
      if (function.isProgram()) {
        return true;
      }
      int at = function.getBody().getStart();
      if (at < src.length() && src.charAt(at) == '{') {
        insertions.add(new Insertion(afterDirectives(at + 1), ";" + TICK + "();"));
      } else if (function.getKind() == FunctionNode.Kind.ARROW && !returnsArrow(function)) {
        int start = expressionStart(at);
        if (!precededByArrow(start)) {
          throw misplaced(start, "an arrow function's body");
        }
        insertions.add(new Insertion(start, TICK + "()?0:"));
      }
      // Otherwise a synthetic function (a class's default constructor) with no body to check,
      // or an arrow whose body is another arrow: it only makes a closure (and Nashorn cannot
      // compile an unparenthesized arrow as the last operand of a conditional).
      return true;
    }

    private static boolean returnsArrow(FunctionNode arrow) {
      List<Statement> statements = arrow.getBody().getStatements();
      if (statements.size() != 1) {
        return false;
      }
      Expression value = statements.get(0) instanceof ReturnNode ret ? ret.getExpression()
          : statements.get(0) instanceof ExpressionStatement stmt ? stmt.getExpression() : null;
      return value instanceof FunctionNode inner && inner.getKind() == FunctionNode.Kind.ARROW;
    }

    @Override
    public boolean enterForNode(ForNode loop) {
      loopBody(loop.getBody());
      return true;
    }

    @Override
    public boolean enterWhileNode(WhileNode loop) {
      loopBody(loop.getBody());
      return true;
    }

    @Override
    public boolean enterCatchNode(CatchNode node) {
      blockStart(node.getBody(), "a catch block");
      return true;
    }

    @Override
    public boolean enterTryNode(TryNode node) {
      if (node.getFinallyBody() != null) {
        blockStart(node.getFinallyBody(), "a finally block");
      }
      return true;
    }

    /** Nashorn's class node does not visit its members; do it here. */
    @Override
    public boolean enterClassNode(ClassNode node) {
      if (node.getClassHeritage() != null) {
        node.getClassHeritage().accept(this);
      }
      if (node.getConstructor() != null) {
        node.getConstructor().accept(this);
      }
      for (PropertyNode element : node.getClassElements()) {
        element.accept(this);
      }
      return false;
    }

    private void loopBody(Block body) {
      int at = expressionStart(body.getStart());
      if (at < src.length() && src.charAt(at) == '{') {
        insertions.add(new Insertion(at + 1, TICK + "();"));
      } else {
        insertions.add(new Insertion(at, "if(" + TICK + "());else "));
      }
    }

    private void blockStart(Block block, String what) {
      int at = block.getStart();
      if (at >= src.length() || src.charAt(at) != '{') {
        throw misplaced(at, what);
      }
      insertions.add(new Insertion(at + 1, LATE + "();"));
    }

    /** Nashorn starts a template literal's node after its backtick. */
    private int expressionStart(int at) {
      return at > 0 && src.charAt(at - 1) == '`' ? at - 1 : at;
    }

    private boolean precededByArrow(int at) {
      int i = at - 1;
      while (i >= 0 && Character.isWhitespace(src.charAt(i))) {
        i--;
      }
      return i >= 1 && src.charAt(i) == '>' && src.charAt(i - 1) == '=';
    }

    /** Skips a function body's directive prologue ({@code 'use strict';} and the like). */
    private int afterDirectives(int from) {
      int at = from;
      while (true) {
        int i = skipSpace(at);
        if (i >= src.length() || (src.charAt(i) != '\'' && src.charAt(i) != '"')) {
          return at;
        }
        int end = stringEnd(i);
        int next = skipSpace(end);
        if (next < src.length() && src.charAt(next) == ';') {
          at = next + 1;
        } else if (next >= src.length() || src.charAt(next) == '}'
            || src.substring(end, next).indexOf('\n') >= 0) {
          at = end;
        } else {
          return at; // a string starting an expression statement, not a directive
        }
      }
    }

    private int skipSpace(int from) {
      int i = from;
      while (i < src.length()) {
        char c = src.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (src.startsWith("//", i)) {
          int eol = src.indexOf('\n', i);
          i = eol < 0 ? src.length() : eol;
        } else if (src.startsWith("/*", i)) {
          int close = src.indexOf("*/", i + 2);
          i = close < 0 ? src.length() : close + 2;
        } else {
          return i;
        }
      }
      return i;
    }

    private int stringEnd(int open) {
      char quote = src.charAt(open);
      int i = open + 1;
      while (i < src.length() && src.charAt(i) != quote) {
        i += src.charAt(i) == '\\' ? 2 : 1;
      }
      return Math.min(i + 1, src.length());
    }

    private PolicyException misplaced(int offset, String what) {
      ScriptLocation at = new ScriptLocation(scriptName, lineOf(src, offset));
      return new PolicyException(at + ": EgressKit could not place its deadline check in " + what
          + " here (please report this, with the script)", at);
    }

    String apply() {
      insertions.sort(Comparator.comparingInt(Insertion::position));
      StringBuilder out = new StringBuilder(src.length() + insertions.size() * 24);
      int copied = 0;
      for (Insertion insertion : insertions) {
        out.append(src, copied, insertion.position()).append(insertion.text());
        copied = insertion.position();
      }
      return out.append(src, copied, src.length()).toString();
    }
  }
}
