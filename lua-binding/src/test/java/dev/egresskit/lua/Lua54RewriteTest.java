package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lua 5.4 syntax in every way a chunk reaches LuaJ (the policy, a required module, {@code load})
 * and what the rewrite keeps: lines, bytes, comments and strings, a {@code #!} line, a chunk that
 * replaces {@code _ENV}. The operators' results are {@link Lua54OperatorsDifferentialTest}'s.
 */
class Lua54RewriteTest {
  @TempDir Path dir;

  @Test
  void aPolicyUsingLua54SyntaxLoadsAndItsHandlerComputesAsLua54Does() {
    try (PolicyEngine engine = Policies.load(dir, """
        local SLOTS <const> = 8
        kumo.on('get_egress_source', function(name)
          local slot = (#name * 7) // 3 & (SLOTS - 1)
          return kumo.make_egress_source { name = name, ehlo_domain = 's' .. slot .. '.example' }
        end)
        """)) {
      EgressSource source = engine.invoke(Hook.GET_EGRESS_SOURCE, "mta-source-1",
          Policies.NO_LOOKUP).value();
      // #"mta-source-1" = 12; 12 * 7 // 3 = 28; 28 & 7 = 4
      assertThat(source.ehloDomain()).hasValue("s4.example");
    }
  }

  @Test
  void aRequiredModuleAndLoadedTextAreRewrittenToo() {
    Policies.write(dir, "flags.lua", "local M = {}\n"
        + "function M.has(set, bit) return set & (1 << bit) ~= 0 end\n"
        + "return M\n");
    Policies.assertLoads(dir, "package.path = '?.lua;' .. package.path\n"
        + "local flags = require 'flags'\n"
        + "assert(flags.has(5, 2) and not flags.has(5, 1))\n"
        + "local f = assert(load('return ~0 >> 60, 9 // 2'))\n"
        + "local a, b = f()\n"
        + "assert(a == 15 and b == 4, tostring(a) .. ' ' .. tostring(b))\n"
        + "local g = assert(load('local x <close> = {}', '=chunk'))\n"
        + "local ok, err = pcall(g)\n"
        + "assert(not ok and err:find('chunk:1: variable .x. got a non%-closable value'), err)\n");
  }

  @Test
  void linesBytesCommentsAndStringsStayAsWritten() throws Exception {
    String source = "#!/usr/bin/env lua\n"
        + "local s = 'caf\u00e9 // & ~' -- a // b << c\n"
        + "local t = [==[\n ]] 1 << 2 \n]==]\n"
        + "local n = 2 ^ 10 // 3 | 1\n"
        + "return s, t, n\n";
    String rewritten = Lua54Rewrite.rewrite(source).orElseThrow();
    assertThat(rewritten.lines().count()).isEqualTo(source.lines().count());
    assertThat(rewritten).startsWith("#!/usr/bin/env lua\nlocal ")
        .contains("'caf\u00e9 // & ~' -- a // b << c\n")
        .contains("[==[\n ]] 1 << 2 \n]==]\n");
    assertThat(rewritten.lines().toList().get(5)).contains(".bor(").contains(".idiv(");
    Policies.assertLoads(dir, "local f = assert(load(" + luaString(source.substring(source.indexOf('\n') + 1))
        + "))\n"
        + "local s, t, n = f()\n"
        + "assert(s == 'caf\\195\\169 // & ~' and n == 341, tostring(n))\n"
        + "assert(t == ' ]] 1 << 2 \\n')\n");
  }

  /** KumoMTA's documented idiom: {@code local timer <close> = kumo.time.start_timer(...)}. */
  @Test
  void closeTakesTheKumoLibrarysTimersAndWritersAndNil() {
    Policies.assertLoads(dir, "local function timed()\n"
        + "  local timer <close> = kumo.time.start_timer('timed')\n"
        + "  local nothing <close> = nil\n"
        + "  local writer <close> = kumo.jsonl.new_writer { log_dir = '/nowhere' }\n"
        + "  writer:write_record { event = 'x' }\n"
        + "  local seconds = timer:done()\n"
        + "  assert(type(seconds) == 'number' and seconds >= 0, tostring(seconds))\n"
        + "  assert(timer:done() == nil, 'done answers once')\n"
        + "  return 'ran'\n"
        + "end\n"
        + "assert(timed() == 'ran')\n"
        + "assert(type(getmetatable(kumo.time.start_timer('t')).__close) == 'function')\n");
  }

  @Test
  void closeRefusesAValueItCouldNeverCloseWhereItIsAssigned() {
    assertThatThrownBy(() -> Policies.load(dir, "local ok = 1\n"
        + "local file <close> = setmetatable({}, { __close = function() end })\n"))
        .hasMessageContaining("policy.lua:2: variable 'file' is <close> with the policy's own"
            + " __close metamethod");
    assertThatThrownBy(() -> Policies.load(dir, "local t <close> = {}\n"))
        .hasMessageContaining("policy.lua:1: variable 't' got a non-closable value");
  }

  @Test
  void aChunkThatReplacesItsEnvironmentStillReachesTheOperators() {
    Policies.assertLoads(dir, "local f = assert(load('local _ENV = {} return 7 // 2 & 3'))\n"
        + "assert(f() == 3)\n");
  }

  @Test
  void aChunkWithoutNewerSyntaxIsLeftToLuaJ() throws Exception {
    assertThat(Lua54Rewrite.rewrite("local a = 1 ~= 2 and #'//' or 3 -- x // y\n")).isEmpty();
    assertThat(Lua54Rewrite.rewrite("local s = 'unfinished\n")).isEmpty();
  }

  @Test
  void aUtf8EscapeIsDecodedEvenWhereLuaJWouldCompileTheChunk() {
    Policies.assertLoads(dir, "local s = '\\u{48}\\u{20AC}'\n"
        + "assert(s == 'H\\226\\130\\172', s)\n");
    assertThatThrownBy(() -> Policies.load(dir, "local s = 'x'\nlocal t = '\\u{110000000}'\n"))
        .hasMessage("policy.lua:2: invalid UTF-8 escape \\u{110000000}");
  }

  @Test
  void deepNestingIsRefusedAsLuaRefusesItNotWithAStackOverflow() {
    int depth = 100_000;
    String deep = "return " + "(".repeat(depth) + "1 // 2" + ")".repeat(depth) + "\n";
    assertThatThrownBy(() -> Lua54Rewrite.rewrite(deep))
        .isInstanceOf(Lua54Rewrite.Unsupported.class)
        .hasMessage("chunk has too many syntax levels");
    String blocks = "do ".repeat(depth) + "local x = 1 & 1 " + "end ".repeat(depth);
    assertThatThrownBy(() -> Lua54Rewrite.rewrite(blocks))
        .isInstanceOf(Lua54Rewrite.Unsupported.class);
    String allowed = "return " + "(".repeat(50) + "1 // 2" + ")".repeat(50) + "\n";
    assertThatCode(() -> Lua54Rewrite.rewrite(allowed)).doesNotThrowAnyException();
  }

  @Test
  void randomTokenSoupEndsInARewriteOrAnUnsupportedAndNothingElse() {
    String[] pieces = {"local", "x", "=", "1", "//", "&", "|", "~", "<<", ">>", "(", ")", "{",
        "}", "[", "]", ",", ";", "function", "end", "if", "then", "else", "return", "'s'",
        "[[l]]", "--c\n", "\n", "<const>", "<", ">", ".", ":", "..", "...", "not", "-", "#",
        "do", "while", "for", "in", "repeat", "until", "'\\u{41}'", "0x1p4", "goto", "::"};
    java.util.Random random = new java.util.Random(20261202);
    int rewritten = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(30); n > 0; n--) {
        text.append(pieces[random.nextInt(pieces.length)]).append(' ');
      }
      try {
        if (Lua54Rewrite.rewrite(text.toString()).isPresent()) {
          rewritten++;
        }
      } catch (Lua54Rewrite.Unsupported expected) {
        assertThat(expected.line()).isPositive();
      }
    }
    assertThat(rewritten).as("some soups are valid Lua 5.4").isPositive();
  }

  private static String luaString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }
}
