package dev.egresskit.js;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
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
  private static final String BOOTSTRAP = read("kumo-bootstrap.js");
  private static final String LIBRARY = read("kumo-library.js");

  private static volatile JsRuntime shared;

  private final ScriptEngine engine;
  private final CompiledScript bootstrap;
  private final CompiledScript library;

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
      this.library = compile(BOOTSTRAP_NAME, LIBRARY);
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

  /** The compiled installer of the kumo library ({@code kumo-library.js}). */
  CompiledScript library() {
    return library;
  }

  /**
   * A fresh global with its own built-in objects. The file name used by {@code eval} of
   * uncompiled text lives in a scope the script cannot see.
   */
  ScriptContext newGlobal() {
    return new GlobalContext(engine.createBindings());
  }

  private static String read(String resource) {
    try (InputStream in = JsRuntime.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the js-binding jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * The script context of one global: {@link javax.script.SimpleScriptContext} without its
   * eager reader and writers (three buffered streams per context, most of the cost of the
   * context itself), which are made on first use: by {@code print}, the only way a policy
   * writes, they still go to {@link System#out}.
   */
  private static final class GlobalContext implements ScriptContext {
    private static final List<Integer> SCOPES = List.of(ENGINE_SCOPE, GLOBAL_SCOPE);

    private Bindings engineScope;
    private Bindings globalScope = new SimpleBindings();
    private Reader reader;
    private Writer writer;
    private Writer errorWriter;

    GlobalContext(Bindings engineScope) {
      this.engineScope = engineScope;
    }

    @Override
    public void setBindings(Bindings bindings, int scope) {
      switch (scope) {
        case ENGINE_SCOPE -> engineScope = Objects.requireNonNull(bindings, "bindings");
        case GLOBAL_SCOPE -> globalScope = bindings;
        default -> throw new IllegalArgumentException("invalid scope " + scope);
      }
    }

    @Override
    public Bindings getBindings(int scope) {
      return switch (scope) {
        case ENGINE_SCOPE -> engineScope;
        case GLOBAL_SCOPE -> globalScope;
        default -> throw new IllegalArgumentException("invalid scope " + scope);
      };
    }

    @Override
    public void setAttribute(String name, Object value, int scope) {
      checkName(name);
      Bindings bindings = getBindings(scope);
      if (bindings != null) {
        bindings.put(name, value);
      }
    }

    @Override
    public Object getAttribute(String name, int scope) {
      checkName(name);
      Bindings bindings = getBindings(scope);
      return bindings == null ? null : bindings.get(name);
    }

    @Override
    public Object removeAttribute(String name, int scope) {
      checkName(name);
      Bindings bindings = getBindings(scope);
      return bindings == null ? null : bindings.remove(name);
    }

    @Override
    public Object getAttribute(String name) {
      checkName(name);
      if (engineScope.containsKey(name)) {
        return engineScope.get(name);
      }
      return globalScope != null && globalScope.containsKey(name) ? globalScope.get(name) : null;
    }

    @Override
    public int getAttributesScope(String name) {
      checkName(name);
      if (engineScope.containsKey(name)) {
        return ENGINE_SCOPE;
      }
      return globalScope != null && globalScope.containsKey(name) ? GLOBAL_SCOPE : -1;
    }

    @Override
    public Writer getWriter() {
      if (writer == null) {
        writer = new PrintWriter(System.out, true);
      }
      return writer;
    }

    @Override
    public Writer getErrorWriter() {
      if (errorWriter == null) {
        errorWriter = new PrintWriter(System.err, true);
      }
      return errorWriter;
    }

    @Override
    public void setWriter(Writer writer) {
      this.writer = writer;
    }

    @Override
    public void setErrorWriter(Writer writer) {
      this.errorWriter = writer;
    }

    @Override
    public Reader getReader() {
      if (reader == null) {
        reader = new InputStreamReader(System.in, Charset.defaultCharset());
      }
      return reader;
    }

    @Override
    public void setReader(Reader reader) {
      this.reader = reader;
    }

    @Override
    public List<Integer> getScopes() {
      return SCOPES;
    }

    private static void checkName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name cannot be empty");
      }
    }
  }
}
