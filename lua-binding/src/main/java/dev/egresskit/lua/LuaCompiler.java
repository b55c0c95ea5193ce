package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Lua does ({@code policy.lua:3: ...}) and, when a line uses syntax LuaJ does not have (Lua 5.3
 * and 5.4's {@code //}, bitwise operators, {@code <const>}/{@code <close>}), saying so at that
 * line instead of LuaJ's {@code unexpected symbol}.
 */
final class LuaCompiler {
  private static final Pattern LINE = Pattern.compile("^(.*?):(\\d+):");

  private LuaCompiler() {}

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
      return compiler.compilePrototype(new ByteArrayInputStream(source), scriptName);
    } catch (LuaError e) {
      String message = message(e, source, scriptName);
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
      return globals.load(new ByteArrayInputStream(source), chunkName, "t", globals);
    } catch (LuaError e) {
      throw new LuaError(message(e, source, chunkName));
    }
  }

  /** The compile error as standard Lua words it, or the newer-syntax explanation. */
  static String message(LuaError e, byte[] source, String chunkName) {
    // LuaJ names a chunk [string "policy.lua"] in compile errors; say policy.lua.
    String message = String.valueOf(e.getMessage())
        .replace("[string \"" + chunkName + "\"]", chunkName);
    Matcher line = LINE.matcher(message);
    int errorLine = line.find() ? Integer.parseInt(line.group(2)) : Integer.MAX_VALUE;
    Optional<Lua53Syntax.Use> newer =
        Lua53Syntax.firstUse(new String(source, StandardCharsets.UTF_8));
    if (newer.isPresent() && newer.get().line() <= errorLine) {
      Lua53Syntax.Use use = newer.get();
      return chunkName + ":" + use.line() + ": Lua 5.3+ syntax, not supported by LuaJ (Lua 5.2): "
          + use.what() + " (" + use.instead() + ")";
    }
    return message;
  }
}
