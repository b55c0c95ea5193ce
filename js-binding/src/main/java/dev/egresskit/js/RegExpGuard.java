package dev.egresskit.js;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.WeakHashMap;
import org.openjdk.nashorn.api.scripting.AbstractJSObject;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.internal.objects.NativeRegExp;
import org.openjdk.nashorn.internal.runtime.Context;
import org.openjdk.nashorn.internal.runtime.JSType;
import org.openjdk.nashorn.internal.runtime.ParserException;
import org.openjdk.nashorn.internal.runtime.ScriptRuntime;
import org.openjdk.nashorn.internal.runtime.regexp.RegExp;

/**
 * The function the bootstrap calls before every regular-expression match of a policy
 * ({@code RegExp.prototype.exec} and {@code test}, {@code String.prototype.match},
 * {@code search}, {@code replace} and {@code split}): it puts a {@link BoundedRegExp}, which
 * checks this interpreter's deadline while it matches, into the {@code RegExp} object, and
 * returns it. The check is made at every use, not when the object is made, so an object that
 * {@code RegExp.prototype.compile} gave a new pattern is covered as well.
 *
 * <p>{@code guard(value, how)} returns {@code value} itself when it is a {@code RegExp}; otherwise
 * what Nashorn would have made of it: with {@code how === 'keep'} the value unchanged (the
 * {@code this} of {@code exec}, which then fails as before, or a string separator of
 * {@code split}), with {@code 'flat'} a pattern matching {@code String(value)} literally (as
 * {@code replace} does), else {@code new RegExp(String(value))} ({@code undefined} as the empty
 * pattern, as {@code match} and {@code search} do).
 */
final class RegExpGuard extends AbstractJSObject {
  private static final VarHandle ENGINE = engineField();

  private final Deadline deadline;
  /** Bounded engines by Nashorn's engine, which its own cache shares between equal patterns. */
  private final Map<RegExp, BoundedRegExp> known = new WeakHashMap<>();
  private RegExp lastEngine;
  private BoundedRegExp lastBounded;

  RegExpGuard(Deadline deadline) {
    this.deadline = deadline;
  }

  @Override
  public boolean isFunction() {
    return true;
  }

  @Override
  public Object call(Object thiz, Object... args) {
    Object value = args.length > 0 ? ScriptObjectMirror.unwrap(args[0], Context.getGlobal())
        : ScriptRuntime.UNDEFINED;
    String how = args.length > 1 ? String.valueOf(args[1]) : "";
    NativeRegExp regexp;
    if (value instanceof NativeRegExp given) {
      regexp = given;
    } else if (how.equals("keep")) {
      return value;
    } else if (how.equals("flat")) {
      regexp = NativeRegExp.newRegExp(literal(JSType.toString(value)), ScriptRuntime.UNDEFINED);
    } else {
      regexp = NativeRegExp.newRegExp(value == ScriptRuntime.UNDEFINED ? ""
          : JSType.toString(value), ScriptRuntime.UNDEFINED);
    }
    bound(regexp);
    return regexp;
  }

  /** Puts the bounded engine into {@code regexp} unless it has it already. */
  void bound(NativeRegExp regexp) {
    RegExp engine = (RegExp) ENGINE.get(regexp);
    if (engine == null || BoundedRegExp.isBounded(engine, deadline)) {
      return;
    }
    // A literal makes a new RegExp object each time it is evaluated, all sharing Nashorn's
    // compiled engine: they share the bounded one too (it keeps no state of a match).
    // A handler's literal is met again at every call: the last pair answers without a lookup.
    BoundedRegExp bounded = engine == lastEngine ? lastBounded : known.get(engine);
    if (bounded == null) {
      try {
        bounded = BoundedRegExp.of(engine, deadline);
      } catch (ParserException e) {
        e.throwAsEcmaException();
        throw e;
      }
      known.put(engine, bounded);
    }
    lastEngine = engine;
    lastBounded = bounded;
    ENGINE.set(regexp, bounded);
  }

  /** A pattern that matches {@code text} as it is: its pattern characters escaped. */
  static String literal(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean special = "\\^$.*+?()[{|".indexOf(c) >= 0;
      if (special && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        out.append(special ? "\\" : "").append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  @Override
  public String toString() {
    return "function guard() { [native code] }";
  }

  private static VarHandle engineField() {
    try {
      return MethodHandles.privateLookupIn(NativeRegExp.class, MethodHandles.lookup())
          .findVarHandle(NativeRegExp.class, "regexp", RegExp.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Nashorn has no NativeRegExp.regexp (EgressKit needs"
          + " it to bound regular expressions; use the nashorn-core version EgressKit pins)", e);
    }
  }
}
