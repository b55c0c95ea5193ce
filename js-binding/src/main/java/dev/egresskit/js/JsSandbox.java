package dev.egresskit.js;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.openjdk.nashorn.api.scripting.ClassFilter;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * One sandboxed Nashorn engine with the {@code kumo} object installed. The sandbox is built by
 * allow-list, in layers:
 * <ul>
 *   <li>{@code --no-java}: no {@code Java}, {@code Packages}, {@code java.*} or
 *       {@code JavaImporter} globals;</li>
 *   <li>a {@link ClassFilter} that denies every class, so even a leaked path to class lookup
 *       finds nothing (and Nashorn refuses reflection when a filter is present);</li>
 *   <li>{@code --no-syntax-extensions}: standard ECMAScript only (no {@code for each}, no
 *       expression closures, no shell syntax; {@code -scripting} is never enabled, so there is
 *       no {@code $EXEC}, {@code $ENV} or {@code readFully});</li>
 *   <li>the bootstrap ({@code kumo-bootstrap.js}) deletes {@code exit}, {@code quit},
 *       {@code loadWithNewGlobal} and {@code __noSuchProperty__} (through which the
 *       {@code engine} and {@code context} objects of {@code javax.script} are otherwise
 *       reachable), replaces {@code load} with a loader for files inside the policy folder, and
 *       refuses to finish if any of these globals survived.</li>
 * </ul>
 * {@code print} is kept: it writes to standard output, like Lua's {@code print} in KumoMTA, and
 * reaches nothing else.
 *
 * <p>An engine is not thread-safe; one sandbox is used by one thread at a time.
 */
final class JsSandbox {
  /** The file name of the bootstrap's frames, skipped when looking for the calling line. */
  static final String BOOTSTRAP_NAME = "<kumo>";

  /** Nashorn options: ES6, no Java access, standard syntax only. */
  static final List<String> OPTIONS =
      List.of("--language=es6", "--no-java", "--no-syntax-extensions");

  private static final ClassFilter DENY_ALL = className -> false;
  private static final NashornScriptEngineFactory FACTORY = new NashornScriptEngineFactory();
  private static final String BOOTSTRAP = read("kumo-bootstrap.js");
  private static final String LIBRARY = read("kumo-library.js");

  private final ScriptEngine engine;

  private JsSandbox(ScriptEngine engine) {
    this.engine = engine;
  }

  /**
   * Creates an engine and installs {@code bridge} as the {@code kumo} object.
   *
   * @throws IllegalStateException if the sandbox cannot be set up (a global that must be removed
   *     survived); the engine is then never used
   */
  static JsSandbox create(KumoBridge bridge) {
    Objects.requireNonNull(bridge, "bridge");
    ScriptEngine engine = FACTORY.getScriptEngine(
        OPTIONS.toArray(String[]::new), JsSandbox.class.getClassLoader(), DENY_ALL);
    JsSandbox sandbox = new JsSandbox(engine);
    Object global = engine.getBindings(ScriptContext.ENGINE_SCOPE);
    try {
      Object install = sandbox.eval(BOOTSTRAP_NAME, BOOTSTRAP);
      Object installLibrary = sandbox.eval(BOOTSTRAP_NAME, LIBRARY);
      ((ScriptObjectMirror) install).call(null, global, bridge, installLibrary);
    } catch (ScriptException | RuntimeException e) {
      throw new IllegalStateException("the JavaScript sandbox could not be set up: " + e, e);
    }
    return sandbox;
  }

  /**
   * Evaluates {@code text} in this engine's global scope; frames and errors name it {@code name}.
   */
  Object eval(String name, String text) throws ScriptException {
    engine.put(ScriptEngine.FILENAME, name);
    return engine.eval(text);
  }

  private static String read(String resource) {
    try (InputStream in = JsSandbox.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the js-binding jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
