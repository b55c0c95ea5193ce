package dev.egresskit.js;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.openjdk.nashorn.api.scripting.AbstractJSObject;
import org.openjdk.nashorn.api.scripting.NashornException;
import org.openjdk.nashorn.internal.codegen.CompilerConstants;
import org.openjdk.nashorn.internal.scripts.JS;

/**
 * The Java half of the {@code kumo} object, handed once to the bootstrap script
 * ({@code kumo-bootstrap.js}) and captured in its closure. Every member is a Nashorn
 * {@link AbstractJSObject}, so a script that somehow got hold of one would still see no Java
 * methods: only {@code call}.
 *
 * <p>A bridge function finds the policy line that called it from the script frames of the Java
 * stack, skipping the bootstrap's own frames. A mistake in the policy does not throw through the
 * script engine (a JavaScript {@code catch} would then see a Java exception object); the function
 * records a {@link Failure} and returns {@link #FAILED}, and the bootstrap throws a JavaScript
 * {@code Error} carrying the failure's id.
 *
 * <p>One bridge belongs to one engine and is used by one thread at a time.
 */
final class KumoBridge extends AbstractJSObject {
  /** Failures kept per top-level call; a policy that catches thousands in a loop loses the oldest. */
  static final int MAX_FAILURES = 256;

  /**
   * A failed {@code kumo} call.
   *
   * @param id       the id the bootstrap attaches to the thrown {@code Error}
   * @param message  the error message as the script sees it
   * @param location the policy line that made the call
   * @param cause    the Java exception behind it
   */
  record Failure(int id, String message, ScriptLocation location, RuntimeException cause) {}

  /** The value a bridge function returns when it failed. */
  final Opaque failed = new Opaque("kumo.failed");

  private final String fallbackScript;
  private final Map<String, Object> members = new LinkedHashMap<>();
  private final Map<Integer, Failure> failures = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Failure> eldest) {
      return size() > MAX_FAILURES;
    }
  };
  private int nextFailureId;
  private Failure last;

  /**
   * @param api            what the functions do
   * @param fallbackScript the script named when no script frame is on the stack
   */
  KumoBridge(KumoApi api, String fallbackScript) {
    Objects.requireNonNull(api, "api");
    this.fallbackScript = Objects.requireNonNull(fallbackScript, "fallbackScript");
    members.put("FAILED", failed);
    members.put("failure", new Function("failure", (args, at) -> describeLast()));
    add("on", (args, at) -> {
      api.on(arg(args, 0), arg(args, 1), at);
      return null;
    });
    add("make_egress_source", (args, at) -> api.makeEgressSource(arg(args, 0), at));
    add("make_egress_pool", (args, at) -> api.makeEgressPool(arg(args, 0), at));
    add("define_egress_source", (args, at) -> {
      api.defineEgressSource(arg(args, 0), at);
      return null;
    });
    add("invoke_get_egress_source", (args, at) -> api.invokeGetEgressSource(arg(args, 0), at));
    add("invoke_get_egress_pool", (args, at) -> api.invokeGetEgressPool(arg(args, 0), at));
    add("load", (args, at) -> {
      KumoApi.ScriptSource source = api.loadScript(arg(args, 0), at);
      return new Opaque("kumo.script", Map.of("name", source.name(), "text", source.text()));
    });
  }

  /** The failure a thrown {@code Error} carries, if it is still remembered. */
  Failure failure(int id) {
    return failures.get(id);
  }

  /** Forgets every failure; called when a new top-level call starts. */
  void clearFailures() {
    failures.clear();
    last = null;
  }

  /**
   * The policy line running right now: the innermost script frame that is not the bootstrap's.
   * Every {@code kumo} call asks, so the stack is walked lazily and only down to that frame (a
   * {@code Throwable}'s whole stack trace was most of the cost of a handler call), and only that
   * frame's line is looked up.
   */
  ScriptLocation callerLocation() {
    ScriptLocation at = FRAMES.walk(KumoBridge::policyFrame);
    return at != null ? at : new ScriptLocation(fallbackScript, 0);
  }

  private static ScriptLocation policyFrame(Stream<StackWalker.StackFrame> frames) {
    Iterator<StackWalker.StackFrame> it = frames.iterator();
    while (it.hasNext()) {
      StackWalker.StackFrame frame = it.next();
      ScriptClass script = SCRIPT_CLASSES.get(frame.getDeclaringClass());
      if (script == null || CompilerConstants.isInternalMethodName(frame.getMethodName())) {
        continue;
      }
      String file = script.file(frame);
      // As NashornException.getScriptFrames picks script frames: never Java code that Nashorn
      // keeps in the package of generated classes.
      if (file != null && !file.endsWith(".java") && !JsRuntime.BOOTSTRAP_NAME.equals(file)) {
        return new ScriptLocation(file, Math.max(frame.getLineNumber(), 0));
      }
    }
    return null;
  }

  /**
   * A class Nashorn generated for a script, and the file its code came from (one source per
   * class), remembered from the first frame seen so other frames need no source lookup.
   */
  private static final class ScriptClass {
    private volatile String file;
    private volatile boolean known;

    String file(StackWalker.StackFrame frame) {
      if (!known) {
        file = frame.getFileName();
        known = true;
      }
      return file;
    }
  }

  /** The generated script classes (in Nashorn's package for them); {@code null} for others. */
  private static final ClassValue<ScriptClass> SCRIPT_CLASSES = new ClassValue<>() {
    private final String scriptPackage = JS.class.getPackageName() + ".";

    @Override
    protected ScriptClass computeValue(Class<?> type) {
      return type.getName().startsWith(scriptPackage) ? new ScriptClass() : null;
    }
  };

  /**
   * Class references make the per-class cache possible; reflection frames are never script
   * frames, so they need not be filtered out (which costs a name test per frame).
   */
  private static final StackWalker FRAMES = StackWalker.getInstance(
      Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES));

  @Override
  public Object getMember(String name) {
    return members.get(name);
  }

  @Override
  public boolean hasMember(String name) {
    return members.containsKey(name);
  }

  /** Adds a bridge function (used by {@link JsKumoLibrary}). */
  void addFunction(String name, BiFunction<Object[], ScriptLocation, Object> body) {
    add(name, body);
  }

  private void add(String name, BiFunction<Object[], ScriptLocation, Object> body) {
    members.put(name, new Function(name, (args, at) -> {
      try {
        return body.apply(args, at);
      } catch (NashornException | Deadline.Stopped e) {
        // A script error raised while converting the argument (e.g. by a getter) keeps its own
        // location and value; a deadline stop is never turned into a catchable kumo error.
        throw e;
      } catch (RuntimeException e) {
        return record(e, at);
      }
    }));
  }

  private Object record(RuntimeException e, ScriptLocation at) {
    int id = nextFailureId++;
    last = new Failure(id, JsErrors.kumoMessage(e, at), at, e);
    failures.put(id, last);
    return failed;
  }

  private Object describeLast() {
    if (last == null) {
      throw new IllegalStateException("kumo.failure() called without a failure");
    }
    return new Opaque("kumo.failure", Map.of("message", last.message(), "id", last.id()));
  }

  private static Object arg(Object[] args, int index) {
    return index < args.length ? args[index] : null;
  }

  /** A bridge function: finds the calling line, then runs its body. */
  private final class Function extends AbstractJSObject {
    private final String name;
    private final BiFunction<Object[], ScriptLocation, Object> body;

    Function(String name, BiFunction<Object[], ScriptLocation, Object> body) {
      this.name = name;
      this.body = body;
    }

    @Override
    public boolean isFunction() {
      return true;
    }

    @Override
    public Object call(Object thiz, Object... args) {
      return body.apply(args, callerLocation());
    }

    @Override
    public String toString() {
      return "function " + name + "() { [native code] }";
    }
  }

  /** A read-only record the bootstrap reads members from (or compares by identity). */
  static final class Opaque extends AbstractJSObject {
    private final String kind;
    private final Map<String, Object> members;

    Opaque(String kind) {
      this(kind, Map.of());
    }

    Opaque(String kind, Map<String, Object> members) {
      this.kind = kind;
      this.members = members;
    }

    @Override
    public Object getMember(String name) {
      return members.get(name);
    }

    @Override
    public boolean hasMember(String name) {
      return members.containsKey(name);
    }

    @Override
    public String toString() {
      return "[" + kind + "]";
    }
  }
}
