package dev.egresskit.js;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.openjdk.nashorn.api.scripting.ClassFilter;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

/**
 * A Nashorn engine shared by the interpreters of JavaScript policies ({@link #shared()}: one per
 * JVM): scripts are compiled here once ({@link Compilable}), and each interpreter runs them in a
 * global of its own ({@link #newGlobal()}). Globals share compiled (and JIT-compiled) code but no
 * objects, so interpreters stay isolated from each other; each global is used by one thread at a
 * time. Sharing the engine is what makes one more interpreter cheap: a fresh engine would
 * generate, and the JVM compile, all of its classes again.
 */
final class JsRuntime {
  /** Nashorn options: ES6, no Java access, standard syntax only. */
  static final List<String> OPTIONS =
      List.of("--language=es6", "--no-java", "--no-syntax-extensions");

  /** The file name of the bootstrap's frames, skipped when looking for the calling line. */
  static final String BOOTSTRAP_NAME = "<kumo>";

  private static final ClassFilter DENY_ALL = className -> false;
  private static final NashornScriptEngineFactory FACTORY = new NashornScriptEngineFactory();
  private static final String BOOTSTRAP = readBootstrap();

  private static volatile JsRuntime shared;

  private final ScriptEngine engine;
  private final CompiledScript bootstrap;

  /** The runtime every JavaScript policy of this JVM uses, created on first use. */
  static JsRuntime shared() {
    JsRuntime runtime = shared;
    if (runtime == null) {
      synchronized (JsRuntime.class) {
        runtime = shared;
        if (runtime == null) {
          runtime = new JsRuntime();
          shared = runtime;
        }
      }
    }
    return runtime;
  }

  JsRuntime() {
    this.engine = FACTORY.getScriptEngine(
        OPTIONS.toArray(String[]::new), JsRuntime.class.getClassLoader(), DENY_ALL);
    try {
      this.bootstrap = compile(BOOTSTRAP_NAME, BOOTSTRAP);
    } catch (ScriptException e) {
      throw new IllegalStateException("the JavaScript bootstrap does not compile: " + e, e);
    }
  }

  /** Compiles {@code text} (already instrumented) once; frames and errors name it {@code name}. */
  synchronized CompiledScript compile(String name, String text) throws ScriptException {
    engine.getContext().setAttribute(ScriptEngine.FILENAME, name, ScriptContext.ENGINE_SCOPE);
    return ((Compilable) engine).compile(text);
  }

  /** The compiled bootstrap ({@code kumo-bootstrap.js}). */
  CompiledScript bootstrap() {
    return bootstrap;
  }

  /**
   * A fresh global with its own built-in objects. The file name used by {@code eval} of
   * uncompiled text lives in a scope the script cannot see.
   */
  ScriptContext newGlobal() {
    Bindings global = engine.createBindings();
    SimpleScriptContext context = new SimpleScriptContext();
    context.setBindings(global, ScriptContext.ENGINE_SCOPE);
    context.setBindings(new SimpleBindings(), ScriptContext.GLOBAL_SCOPE);
    return context;
  }

  private static String readBootstrap() {
    try (InputStream in = JsRuntime.class.getResourceAsStream("kumo-bootstrap.js")) {
      if (in == null) {
        throw new IllegalStateException("kumo-bootstrap.js is missing from the js-binding jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kumo-bootstrap.js", e);
    }
  }
}
