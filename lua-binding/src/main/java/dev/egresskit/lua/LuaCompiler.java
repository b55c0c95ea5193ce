package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * Compiles policy and module source text with LuaJ (Lua 5.2), wording compile errors as standard
 * Lua does ({@code policy.lua:3: ...}). A chunk that LuaJ refuses and that uses syntax Lua 5.3
 * and 5.4 added ({@code //}, the bitwise operators, {@code <const>}, <code>&#92;u{XXX}</code>) is
 * rewritten into Lua 5.2 on the same lines ({@link Lua54Rewrite}) and compiled again.
 */
final class LuaCompiler {
  private static final Pattern LINE = Pattern.compile("^(.*?):(\\d+):");

  private LuaCompiler() {}

  /** Compiles source text; what the compiler makes of it. */
  @FunctionalInterface
  interface Compilation<T> {
    T run(InputStream source) throws IOException;
  }

  /**
   * Compiles a policy once; every interpreter runs the same prototype.
   *
   * @throws PolicyException if the script does not compile
   */
  static Prototype compile(Path script, String scriptName) {
    byte[] source;
    try {
      source = Files.readAllBytes(script);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
    try {
      Globals compiler = new Globals();
      LuaC.install(compiler);
      return lua54(source, scriptName, in -> compiler.compilePrototype(in, scriptName));
    } catch (LuaError e) {
      String message = message(e, scriptName);
      Matcher line = LINE.matcher(message);
      int at = line.find() && line.group(1).equals(scriptName)
          ? Integer.parseInt(line.group(2)) : 0;
      throw new PolicyException(message, new ScriptLocation(scriptName, at), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
  }

  /**
   * Compiles a module's source into a function of {@code globals}.
   *
   * @throws LuaError worded as {@link #compile} words it
   */
  static LuaValue load(Globals globals, byte[] source, String chunkName) {
    try {
      return lua54(source, chunkName, in -> globals.load(in, chunkName, "t", globals));
    } catch (LuaError e) {
      throw new LuaError(message(e, chunkName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code compilation} on the source, or on the source rewritten into Lua 5.2 when it
   * uses Lua 5.3/5.4 syntax: when LuaJ refuses it, and before LuaJ sees it when it holds a
   * <code>&#92;u{</code> escape (which LuaJ would read as a plain {@code u}). Errors keep LuaJ's
   * form and the original's line numbers; what the rewrite refuses (an unknown attribute, two
   * {@code <close>} variables in one {@code local}, a bad escape) is named at its line.
   *
   * @param chunkName the name LuaJ is given for the chunk
   * @throws LuaError the compile error
   */
  static <T> T lua54(byte[] source, String chunkName, Compilation<T> compilation)
      throws IOException {
    // Byte for byte: the rewrite touches ASCII syntax only and passes every other byte on.
    String text = new String(source, StandardCharsets.ISO_8859_1);
    if (text.contains("\\u{")) {
      return rewritten(source, text, chunkName, compilation, null);
    }
    try {
      return compilation.run(new ByteArrayInputStream(source));
    } catch (LuaError refused) {
      return rewritten(source, text, chunkName, compilation, refused);
    }
  }

  private static <T> T rewritten(byte[] source, String text, String chunkName,
      Compilation<T> compilation, LuaError refused) throws IOException {
    Optional<String> lua52;
    try {
      lua52 = Lua54Rewrite.rewrite(text);
    } catch (Lua54Rewrite.Unsupported e) {
      throw new LuaError(chunkId(chunkName) + ":" + e.line() + ": " + e.getMessage());
    }
    if (lua52.isPresent()) {
      return compilation.run(new ByteArrayInputStream(
          lua52.get().getBytes(StandardCharsets.ISO_8859_1)));
    }
    if (refused != null) {
      throw refused;
    }
    return compilation.run(new ByteArrayInputStream(source));
  }

  /** How LuaJ names a chunk in its compile errors. */
  private static String chunkId(String chunkName) {
    return chunkName.startsWith("=") || chunkName.startsWith("@") ? chunkName.substring(1)
        : "[string \"" + chunkName + "\"]";
  }

  /** The compile error as standard Lua words it: {@code policy.lua:3: ...}. */
  static String message(LuaError e, String chunkName) {
    // LuaJ names a chunk [string "policy.lua"] in compile errors; say policy.lua.
    return String.valueOf(e.getMessage()).replace("[string \"" + chunkName + "\"]", chunkName);
  }
}
