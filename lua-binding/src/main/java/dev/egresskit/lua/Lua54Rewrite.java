package dev.egresskit.lua;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites the syntax Lua 5.3 and 5.4 added, which LuaJ (Lua 5.2) cannot compile, into Lua 5.2
 * with the same meaning and on the same lines, so a policy KumoMTA (Lua 5.4) loads loads here
 * unchanged:
 * <ul>
 *   <li>the floor division {@code a // b} and the bitwise operators {@code a & b}, {@code a | b},
 *       {@code a ~ b}, {@code a << b}, {@code a >> b}, {@code ~a} become calls of the functions
 *       in {@link Lua54Operators}, with Lua 5.4's precedence (the whole chunk is parsed, so an
 *       operand is exactly what Lua 5.4 takes it to be);</li>
 *   <li>the {@code <const>} attribute is dropped (it only makes Lua 5.4 refuse assignments,
 *       which a chunk that Lua 5.4 compiled has none of);</li>
 *   <li>the string escape <code>&#92;u{XXX}</code> becomes the decimal escapes of its UTF-8
 *       bytes.</li>
 * </ul>
 * A {@code <close>} variable may hold nil, false or an object of the {@code kumo} library
 * (KumoMTA's documented {@code local timer <close> = kumo.time.start_timer(...)}), whose close
 * has nothing to do here; a value with a policy's own {@code __close} is refused where it is
 * assigned, since Lua 5.2 has nothing that would call it when the variable goes out of scope
 * ({@link Lua54Operators#toClose}). Inserted text never holds a line break, so every line number
 * LuaJ reports is the original's.
 */
final class Lua54Rewrite {

  /** The global holding {@link Lua54Operators}, read once into a local by a rewritten chunk. */
  static final String OPERATORS_GLOBAL = "__egresskit_lua54";
  private static final String LOCAL = "__egresskit_lua54_ops";

  /** A construct the rewrite cannot express, or a chunk it cannot parse, at its line. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    Unsupported(int line, String message) {
      super(message, null, false, false);
      this.line = line;
    }

    /** The 1-based line of the construct. */
    int line() {
      return line;
    }
  }

  private enum Kind { NAME, NUMBER, STRING, SYMBOL, EOF }

  private record Token(Kind kind, String text, int start, int end, int line) {
    boolean is(String symbolOrKeyword) {
      return (kind == Kind.SYMBOL || kind == Kind.NAME) && text.equals(symbolOrKeyword);
    }
  }

  /** One change to the source: {@code text} replaces {@code [start, end)} (empty: an insert). */
  private record Edit(int start, int end, String text, int phase, int order) {}

  /** Left and right priority of each binary operator, and the function a rewritten one calls. */
  private record Binary(int left, int right, String function) {}

  private static final Map<String, Binary> BINARY = Map.ofEntries(
      Map.entry("or", new Binary(1, 1, null)), Map.entry("and", new Binary(2, 2, null)),
      Map.entry("<", new Binary(3, 3, null)), Map.entry(">", new Binary(3, 3, null)),
      Map.entry("<=", new Binary(3, 3, null)), Map.entry(">=", new Binary(3, 3, null)),
      Map.entry("~=", new Binary(3, 3, null)), Map.entry("==", new Binary(3, 3, null)),
      Map.entry("|", new Binary(4, 4, "bor")), Map.entry("~", new Binary(5, 5, "bxor")),
      Map.entry("&", new Binary(6, 6, "band")), Map.entry("<<", new Binary(7, 7, "shl")),
      Map.entry(">>", new Binary(7, 7, "shr")), Map.entry("..", new Binary(9, 8, null)),
      Map.entry("+", new Binary(10, 10, null)), Map.entry("-", new Binary(10, 10, null)),
      Map.entry("*", new Binary(11, 11, null)), Map.entry("/", new Binary(11, 11, null)),
      Map.entry("//", new Binary(11, 11, "idiv")), Map.entry("%", new Binary(11, 11, null)),
      Map.entry("^", new Binary(14, 13, null)));
  private static final int UNARY_PRIORITY = 12;
  /** How deeply blocks and expressions may nest: Lua 5.4's limit of C levels, 200. */
  static final int MAX_LEVELS = 200;
  private static final Set<String> NEWER_OPERATORS = Set.of("//", "&", "|", "~", "<<", ">>");

  private static final Set<String> KEYWORDS = Set.of("and", "break", "do", "else", "elseif",
      "end", "false", "for", "function", "goto", "if", "in", "local", "nil", "not", "or",
      "repeat", "return", "then", "true", "until", "while");

  /** Symbols, longest first so that {@code ...} wins over {@code ..} and {@code .}. */
  private static final List<String> SYMBOLS = List.of("...", "..", "::", "<<", ">>", "//", "==",
      "~=", "<=", ">=", "+", "-", "*", "/", "%", "^", "#", "&", "~", "|", "<", ">", "=", "(",
      ")", "{", "}", "[", "]", ";", ":", ",", ".");

  private final String source;
  private final List<Token> tokens = new ArrayList<>();
  private final List<Edit> edits = new ArrayList<>();
  private boolean usesOperators;
  private Unsupported badEscape;
  private int levels;
  private int p;

  private Lua54Rewrite(String source) {
    this.source = source;
  }

  /**
   * The chunk in Lua 5.2, or empty when it uses none of the syntax above (or cannot even be
   * split into tokens: LuaJ's own error says best what is wrong then).
   *
   * @throws Unsupported for a chunk that uses the syntax above and is not valid Lua 5.4 (an
   *     unknown attribute, two {@code <close>} variables in one {@code local}, a bad
   *     <code>&#92;u{XXX}</code>, a syntax error)
   */
  static Optional<String> rewrite(String source) throws Unsupported {
    Lua54Rewrite rewrite = new Lua54Rewrite(source);
    try {
      rewrite.lex();
    } catch (Unsupported e) {
      if (e == rewrite.badEscape) {
        throw e; // LuaJ would read it as a plain u and say nothing
      }
      return Optional.empty();
    }
    if (!rewrite.usesNewerSyntax()) {
      return Optional.empty();
    }
    rewrite.chunk();
    return rewrite.edits.isEmpty() ? Optional.empty() : Optional.of(rewrite.apply());
  }

  /**
   * Whether any token is Lua 5.3/5.4 syntax (a <code>&#92;u{XXX}</code> escape made an edit
   * already).
   */
  private boolean usesNewerSyntax() {
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() == Kind.SYMBOL && NEWER_OPERATORS.contains(t.text())
          || t.is("<") && tokens.get(i + 1).kind() == Kind.NAME
          && tokens.get(i + 2).is(">")) {
        return true;
      }
    }
    return !edits.isEmpty();
  }

  private String apply() {
    if (usesOperators) {
      // At the start of the first line Lua reads (after a #! line, which it skips), so no line
      // moves.
      int at = source.startsWith("#") ? Math.min(lineEnd(0) + 1, source.length()) : 0;
      edits.add(new Edit(at, at, "local " + LOCAL + " = " + OPERATORS_GLOBAL + "; ", -1, 0));
    }
    edits.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::phase)
        .thenComparingInt(Edit::order));
    StringBuilder out = new StringBuilder(source.length() + 32 * edits.size());
    int copied = 0;
    for (Edit edit : edits) {
      out.append(source, copied, edit.start()).append(edit.text());
      copied = edit.end();
    }
    return out.append(source, copied, source.length()).toString();
  }

  private int lineEnd(int from) {
    int newline = source.indexOf('\n', from);
    return newline < 0 ? source.length() : newline;
  }

  // ---- lexing ----

  private void lex() throws Unsupported {
    int i = source.startsWith("#") ? lineEnd(0) : 0;
    int line = 1;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && at(i + 1) == '-') {
        int level = longBracket(i + 2);
        int end = level >= 0 ? longEnd(i + 2, level, line) : lineEnd(i);
        line += newlines(i, end);
        i = end;
      } else if (c == '[' && longBracket(i) >= 0) {
        int end = longEnd(i, longBracket(i), line);
        tokens.add(new Token(Kind.STRING, "", i, end, line));
        line += newlines(i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = shortString(i, line);
        tokens.add(new Token(Kind.STRING, "", i, end, line));
        line += newlines(i, end);
        i = end;
      } else if (Character.isDigit(c) || c == '.' && Character.isDigit(at(i + 1))) {
        int end = numeral(i);
        tokens.add(new Token(Kind.NUMBER, source.substring(i, end), i, end, line));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(source.charAt(end))
            || source.charAt(end) == '_')) {
          end++;
        }
        tokens.add(new Token(Kind.NAME, source.substring(i, end), i, end, line));
        i = end;
      } else {
        String symbol = symbolAt(i);
        if (symbol == null) {
          throw new Unsupported(line, "unexpected symbol near '" + c + "'");
        }
        tokens.add(new Token(Kind.SYMBOL, symbol, i, i + symbol.length(), line));
        i += symbol.length();
      }
    }
    tokens.add(new Token(Kind.EOF, "<eof>", n, n, line));
  }

  private char at(int i) {
    return i < source.length() ? source.charAt(i) : '\0';
  }

  private String symbolAt(int i) {
    for (String symbol : SYMBOLS) {
      if (source.startsWith(symbol, i)) {
        return symbol;
      }
    }
    return null;
  }

  private int newlines(int from, int to) {
    int count = 0;
    for (int i = from; i < to; i++) {
      if (source.charAt(i) == '\n') {
        count++;
      }
    }
    return count;
  }

  /** At {@code [}: the level of the long bracket {@code [==[} starting at {@code i}, or -1. */
  private int longBracket(int i) {
    if (at(i) != '[') {
      return -1;
    }
    int j = i + 1;
    while (at(j) == '=') {
      j++;
    }
    return at(j) == '[' ? j - i - 1 : -1;
  }

  private int longEnd(int i, int level, int line) throws Unsupported {
    String close = "]" + "=".repeat(level) + "]";
    int end = source.indexOf(close, i + level + 2);
    if (end < 0) {
      throw new Unsupported(line, "unfinished long string or comment");
    }
    return end + close.length();
  }

  /** The end of the short string at {@code i}; records edits for its <code>&#92;u{XXX}</code>. */
  private int shortString(int i, int line) throws Unsupported {
    char quote = source.charAt(i);
    int j = i + 1;
    while (true) {
      char c = at(j);
      if (j >= source.length() || c == '\n') {
        throw new Unsupported(line, "unfinished string");
      }
      if (c == quote) {
        return j + 1;
      }
      if (c == '\\') {
        if (at(j + 1) == 'u' && at(j + 2) == '{') {
          j = utf8Escape(j, line);
        } else if (at(j + 1) == 'z') {
          j += 2;
          while (j < source.length() && Character.isWhitespace(source.charAt(j))) {
            j++;
          }
        } else if (at(j + 1) == '\r' && at(j + 2) == '\n') {
          j += 3; // an escaped CRLF line break
        } else {
          j += 2; // an escaped character, quote or line break
        }
      } else {
        j++;
      }
    }
  }

  /** <code>&#92;u{XXX}</code> at {@code j}: replaced by the decimal escapes of its UTF-8 bytes. */
  private int utf8Escape(int j, int line) throws Unsupported {
    int close = source.indexOf('}', j + 3);
    String hex = close < 0 ? "" : source.substring(j + 3, close);
    long code;
    try {
      code = hex.isEmpty() || hex.length() > 8 ? -1 : Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      code = -1;
    }
    if (code < 0 || code > 0x7FFFFFFFL) {
      badEscape = new Unsupported(line, "invalid UTF-8 escape \\u{" + hex + "}");
      throw badEscape;
    }
    StringBuilder escapes = new StringBuilder();
    for (byte b : utf8(code)) {
      escapes.append(String.format("\\%03d", b & 0xFF));
    }
    edits.add(new Edit(j, close + 1, escapes.toString(), 2, 0));
    return close + 1;
  }

  /** Lua's UTF-8 encoding, which goes up to 2^31 - 1 in as many as six bytes. */
  static byte[] utf8(long code) {
    if (code < 0x80) {
      return new byte[] {(byte) code};
    }
    byte[] buffer = new byte[6];
    int n = buffer.length;
    long firstByteMax = 0x3f;
    long x = code;
    do {
      buffer[--n] = (byte) (0x80 | (x & 0x3f));
      x >>= 6;
      firstByteMax >>= 1;
    } while (x > firstByteMax);
    buffer[--n] = (byte) ((~firstByteMax << 1) | x);
    byte[] out = new byte[buffer.length - n];
    System.arraycopy(buffer, n, out, 0, out.length);
    return out;
  }

  private int numeral(int i) {
    String exponents = source.startsWith("0x", i) || source.startsWith("0X", i) ? "Pp" : "Ee";
    int j = i;
    while (j < source.length()) {
      char c = source.charAt(j);
      if (exponents.indexOf(c) >= 0 && (at(j + 1) == '+' || at(j + 1) == '-')) {
        j += 2;
      } else if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
        j++;
      } else {
        break;
      }
    }
    return j;
  }

  // ---- parsing (Lua 5.4's grammar; only what finds each operand's extent) ----

  private Token token() {
    return tokens.get(p);
  }

  private boolean check(String symbolOrKeyword) {
    return token().is(symbolOrKeyword);
  }

  /** Consumes the symbol or keyword if it is next. */
  private boolean accept(String symbolOrKeyword) {
    if (check(symbolOrKeyword)) {
      p++;
      return true;
    }
    return false;
  }

  private Token next() {
    return tokens.get(p++);
  }

  private void expect(String symbolOrKeyword) throws Unsupported {
    if (!check(symbolOrKeyword)) {
      throw new Unsupported(token().line(), "'" + symbolOrKeyword + "' expected near "
          + near(token()));
    }
    p++;
  }

  private void name() throws Unsupported {
    Token t = token();
    if (t.kind() != Kind.NAME || KEYWORDS.contains(t.text())) {
      throw new Unsupported(t.line(), "<name> expected near " + near(t));
    }
    p++;
  }

  private void chunk() throws Unsupported {
    block();
    if (token().kind() != Kind.EOF) {
      throw new Unsupported(token().line(), "'<eof>' expected near " + near(token()));
    }
  }

  private boolean blockFollows() {
    Token t = token();
    return t.kind() == Kind.EOF || t.is("else") || t.is("elseif") || t.is("end")
        || t.is("until");
  }

  private void block() throws Unsupported {
    enterLevel();
    while (!blockFollows()) {
      if (accept("return")) {
        if (!blockFollows() && !check(";")) {
          expressionList();
        }
        accept(";");
        break;
      }
      statement();
    }
    levels--;
  }

  /** Recursion is bounded as Lua bounds it, so no chunk can exhaust the parser's stack. */
  private void enterLevel() throws Unsupported {
    if (++levels > MAX_LEVELS) {
      throw new Unsupported(token().line(), "chunk has too many syntax levels");
    }
  }

  private void statement() throws Unsupported {
    Token t = token();
    switch (t.kind() == Kind.EOF ? "" : t.text()) {
      case ";", "break" -> p++;
      case "if" -> {
        p++;
        expression();
        expect("then");
        block();
        while (accept("elseif")) {
          expression();
          expect("then");
          block();
        }
        if (accept("else")) {
          block();
        }
        expect("end");
      }
      case "while" -> {
        p++;
        expression();
        expect("do");
        block();
        expect("end");
      }
      case "do" -> {
        p++;
        block();
        expect("end");
      }
      case "for" -> forStatement();
      case "repeat" -> {
        p++;
        block();
        expect("until");
        expression();
      }
      case "function" -> {
        p++;
        name();
        while (accept(".")) {
          name();
        }
        if (accept(":")) {
          name();
        }
        functionBody();
      }
      case "local" -> localStatement();
      case "::" -> {
        p++;
        name();
        expect("::");
      }
      case "goto" -> {
        p++;
        name();
      }
      default -> {
        suffixedExpression();
        if (check("=") || check(",")) {
          while (accept(",")) {
            suffixedExpression();
          }
          expect("=");
          expressionList();
        }
      }
    }
  }

  private void forStatement() throws Unsupported {
    p++;
    name();
    if (accept("=")) {
      expression();
      expect(",");
      expression();
      if (accept(",")) {
        expression();
      }
    } else {
      while (accept(",")) {
        name();
      }
      expect("in");
      expressionList();
    }
    expect("do");
    block();
    expect("end");
  }

  private void localStatement() throws Unsupported {
    p++;
    if (accept("function")) {
      name();
      functionBody();
      return;
    }
    String closed = null;
    do {
      Token variable = token();
      name();
      if (attribute()) {
        if (closed != null) {
          throw new Unsupported(variable.line(), "multiple to-be-closed variables in local list");
        }
        closed = variable.text();
      }
    } while (accept(","));
    if (accept("=")) {
      expressionList();
    }
    if (closed != null) {
      // Checked once assigned, on the same line: see Lua54Operators.toClose.
      usesOperators = true;
      int at = tokens.get(p - 1).end();
      edits.add(new Edit(at, at, "; " + LOCAL + ".toclose(" + closed + ", '" + closed + "')",
          0, Integer.MAX_VALUE));
    }
  }

  /**
   * An attribute after a local's name, dropped from the text: {@code <const>}, or
   * {@code <close>} (then true: the value is checked once assigned).
   */
  private boolean attribute() throws Unsupported {
    if (!check("<")) {
      return false;
    }
    Token open = next();
    Token attribute = token();
    name();
    Token close = token();
    expect(">");
    if (!attribute.text().equals("const") && !attribute.text().equals("close")) {
      throw new Unsupported(open.line(), "unknown attribute '" + attribute.text() + "'");
    }
    edits.add(new Edit(open.start(), close.end(), "", 2, 0));
    return attribute.text().equals("close");
  }

  private void functionBody() throws Unsupported {
    expect("(");
    if (!check(")")) {
      do {
        if (accept("...")) {
          break;
        }
        name();
      } while (accept(","));
    }
    expect(")");
    block();
    expect("end");
  }

  private void expressionList() throws Unsupported {
    expression();
    while (accept(",")) {
      expression();
    }
  }

  private void expression() throws Unsupported {
    subExpression(0);
  }

  /** Lua 5.4's {@code subexpr}: an operand and every operator binding tighter than limit. */
  private void subExpression(int limit) throws Unsupported {
    enterLevel();
    int first = p;
    Token t = token();
    if (t.is("not") || t.is("-") || t.is("#") || t.is("~")) {
      p++;
      subExpression(UNARY_PRIORITY);
      if (t.is("~")) {
        usesOperators = true;
        edits.add(new Edit(t.start(), t.end(), LOCAL + ".bnot(", 2, 0));
        closeAfter(first, p - 1);
      }
    } else {
      simpleExpression();
    }
    while (true) {
      Token operator = token();
      Binary binary = operator.kind() == Kind.SYMBOL || operator.is("and") || operator.is("or")
          ? BINARY.get(operator.text()) : null;
      if (binary == null || binary.left() <= limit) {
        levels--;
        return;
      }
      p++;
      subExpression(binary.right());
      if (binary.function() != null) {
        usesOperators = true;
        Token start = tokens.get(first);
        Token end = tokens.get(p - 1);
        // Around an operand, the outer call opens first: order by the extent's end, reversed.
        edits.add(new Edit(start.start(), start.start(), LOCAL + "." + binary.function() + "(",
            1, -end.end()));
        edits.add(new Edit(operator.start(), operator.end(), ",", 2, 0));
        closeAfter(first, p - 1);
      }
    }
  }

  /** The closing parenthesis of a call spanning tokens first..last. */
  private void closeAfter(int first, int last) {
    int at = tokens.get(last).end();
    edits.add(new Edit(at, at, ")", 0, -tokens.get(first).start()));
  }

  private void simpleExpression() throws Unsupported {
    Token t = token();
    if (t.kind() == Kind.NUMBER || t.kind() == Kind.STRING || t.is("nil") || t.is("true")
        || t.is("false") || t.is("...")) {
      p++;
    } else if (t.is("{")) {
      table();
    } else if (t.is("function")) {
      p++;
      functionBody();
    } else {
      suffixedExpression();
    }
  }

  private void primaryExpression() throws Unsupported {
    Token t = token();
    if (t.is("(")) {
      p++;
      expression();
      expect(")");
    } else if (t.kind() == Kind.NAME && !KEYWORDS.contains(t.text())) {
      p++;
    } else {
      throw new Unsupported(t.line(), "unexpected symbol near " + near(t));
    }
  }

  /** A token as Lua's errors quote it. */
  private static String near(Token t) {
    return t.kind() == Kind.EOF ? "<eof>" : "'" + t.text() + "'";
  }

  private void suffixedExpression() throws Unsupported {
    primaryExpression();
    while (true) {
      Token t = token();
      if (t.is(".")) {
        p++;
        name();
      } else if (t.is("[")) {
        p++;
        expression();
        expect("]");
      } else if (t.is(":")) {
        p++;
        name();
        arguments();
      } else if (t.is("(") || t.is("{") || t.kind() == Kind.STRING) {
        arguments();
      } else {
        return;
      }
    }
  }

  private void arguments() throws Unsupported {
    Token t = token();
    if (t.kind() == Kind.STRING) {
      p++;
    } else if (t.is("{")) {
      table();
    } else {
      expect("(");
      if (!check(")")) {
        expressionList();
      }
      expect(")");
    }
  }

  private void table() throws Unsupported {
    expect("{");
    while (!check("}")) {
      if (accept("[")) {
        expression();
        expect("]");
        expect("=");
        expression();
      } else if (token().kind() == Kind.NAME && tokens.get(p + 1).is("=")) {
        p += 2;
        expression();
      } else {
        expression();
      }
      if (!accept(",") && !accept(";")) {
        break;
      }
    }
    expect("}");
  }
}
