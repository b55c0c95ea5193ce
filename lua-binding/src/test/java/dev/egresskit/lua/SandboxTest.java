package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} says it is not available")
  @ValueSource(strings = {"os.execute", "os.remove", "os.rename", "os.exit", "os.tmpname",
      "os.setlocale", "string.dump", "dofile", "loadfile", "collectgarbage"})
  void blockedFunctionsSayTheirName(String function) {
    Policies.assertLoads(dir, "local ok, err = pcall(" + function + ", 'x')\n"
        + "assert(not ok, 'ran: " + function + "')\n"
        + "assert(err:find('" + function + " is not available to policies', 1, true), err)\n");
  }

  @Test
  void theStringMethodDumpIsBlockedToo() {
    Policies.assertLoads(dir, "local ok, err = pcall(function() return ('').dump(print) end)\n"
        + "assert(not ok and err:find('string.dump is not available to policies', 1, true), err)\n");
  }

  @ParameterizedTest(name = "{0} says it is not available")
  @ValueSource(strings = {"io.open", "io.popen", "io.stderr", "debug.getinfo", "debug.sethook",
      "coroutine.create", "luajava.bindClass", "luajava.newInstance"})
  void everyFieldOfABlockedLibrarySaysItsName(String field) {
    assertThatThrownBy(() -> Policies.load(dir, "\nlocal f = " + field + "\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:2: " + field + " is not available to policies");
  }

  @ParameterizedTest(name = "{0} stays out of reach")
  @ValueSource(strings = {"require 'luajava'", "require 'io'", "require 'debug'",
      "package.loadlib('libc.so.6', 'system')", "(function() io.write = print end)()", "rawget(io, 'open')()"})
  void blockedLibrariesCannotBeReachedAnotherWay(String expression) {
    Policies.assertLoads(dir, "local ok = pcall(function() return " + expression + " end)\n"
        + "if ok then error('reachable: " + expression.replace("'", "") + "') end\n");
  }

  @ParameterizedTest(name = "{0} is available")
  @ValueSource(strings = {"os.time", "os.clock", "os.date", "os.getenv", "string.format",
      "string.gsub", "table.concat", "table.sort", "math.floor", "math.huge", "pcall", "error",
      "load", "require", "tostring", "pairs", "ipairs", "print", "kumo.on"})
  void allowedFunctionsAreAvailable(String expression) {
    Policies.assertLoads(dir, "if " + expression + " == nil then error('missing: " + expression
        + "') end\n");
  }

  @Test
  void aProbeForAMissingFunctionFailsTheLoad() {
    // The probes above would notice a reachable global: this one is present and must fail.
    assertThatThrownBy(() -> Policies.load(dir, "if os.time ~= nil then error('reachable') end"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:1: reachable");
  }

  @Test
  void loadRunsSourceText() {
    Policies.assertLoads(dir, "assert(load('return 40 + 2')() == 42)\n"
        + "local env = {x = 7}\n"
        + "assert(load('return x', 'chunk', 't', env)() == 7)\n");
  }

  @Test
  void loadRefusesBinaryChunks() {
    Policies.assertLoads(dir, "local f, err = load('\\27Lua\\82\\0\\1\\4\\4\\4\\8\\0')\n"
        + "assert(f == nil, 'binary chunk loaded')\n"
        + "assert(err:find('binary chunk'), err)\n"
        + "local g, err2 = load('return 1', 'x', 'b')\n"
        + "assert(g == nil and err2:find('binary chunk'), 'mode b accepted')\n");
  }

  @Test
  void loadReportsCompileErrorsAsNilAndMessage() {
    Policies.assertLoads(dir, "local f, err = load('return +', 'snippet')\n"
        + "assert(f == nil)\n"
        + "assert(err:find('snippet'), err)\n");
  }

  @Test
  void stringMethodsCannotBeChangedByAPolicy() {
    try (PolicyEngine first = Policies.load(dir, "string.upper = function() return 'hacked' end\n"
        + "getmetatable('').__index = nil\n")) {
      assertThat(first).isNotNull();
    } catch (PolicyException e) {
      // Writing into the locked metatable is refused: that is fine too.
      assertThat(e.getMessage()).contains("policy.lua:2:");
    }
    Policies.assertLoads(dir, "assert(('abc'):upper() == 'ABC', ('abc'):upper())\n"
        + "assert(getmetatable('') == 'string')\n");
  }

  @Test
  void requireLoadsModulesFromThePolicyFolderOnce() {
    Policies.write(dir, "lib/util.lua", "count = (count or 0) + 1\n"
        + "return { double = function(x) return 2 * x end }\n");
    Policies.assertLoads(dir, "local u = require 'lib.util'\n"
        + "local again = require('lib.util')\n"
        + "assert(u == again and count == 1)\n"
        + "assert(u.double(21) == 42)\n"
        + "assert(require('kumo') == kumo)\n");
  }

  @ParameterizedTest(name = "require ''{0}'' is refused")
  @ValueSource(strings = {"../outside", "/etc/passwd", "lib..x", "missing", "../../etc/passwd"})
  void requireRefusesNamesOutsideThePolicyFolder(String name) {
    // The file exists next to the policy's folder: only the rule keeps it out.
    Policies.write(dir, "outside.lua", "return 1\n");
    assertThatThrownBy(() -> Policies.load(dir.resolve("policy"), "\nrequire '" + name + "'\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.lua:2: module '" + name + "' not found:\n"
            + "\tno field package.preload['" + name + "']\n"
            + "\tno file '/opt/kumomta/share/");
  }

  @Test
  void requireRefusesASymbolicLinkThatLeavesTheFolder() throws Exception {
    Path policyDir = Files.createDirectories(dir.resolve("policy"));
    Path outside = Policies.write(dir, "outside.lua", "return 1\n");
    Files.createSymbolicLink(policyDir.resolve("evil.lua"), outside);
    assertThatThrownBy(() -> new LuaPolicyEngineProvider().load(
        Policies.write(policyDir, "policy.lua", "require 'evil'\n"), Policies.SETTINGS))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("module 'evil' not found")
        .hasMessageContaining("no file './evil.lua' (a symbolic link out of the policy folder");
  }

  @Test
  void aRequireLoopIsReported() {
    Policies.write(dir, "a.lua", "require 'b'\n");
    Policies.write(dir, "b.lua", "require 'a'\n");
    assertThatThrownBy(() -> Policies.load(dir, "require 'a'\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("module 'a' requires itself");
  }
}
