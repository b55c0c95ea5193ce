package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code package} and {@code require} as KumoMTA's Lua 5.4 has them, over the read rule. */
class LuaPackageTest {
  @TempDir Path root;

  private Path policyDir() {
    return root.resolve("policy");
  }

  private void runs(String lua) {
    runs(lua, Policies.SETTINGS);
  }

  private void runs(String lua, PolicySettings settings) {
    assertThatCode(() -> Policies.load(policyDir(), lua, settings).close())
        .doesNotThrowAnyException();
  }

  private PolicyException fails(String lua) {
    return fails(lua, Policies.SETTINGS);
  }

  private PolicyException fails(String lua, PolicySettings settings) {
    try (PolicyEngine engine = Policies.load(policyDir(), lua, settings)) {
      throw new AssertionError("the policy loaded: " + engine);
    } catch (PolicyException e) {
      return e;
    }
  }

  @Test
  void theDefaultPathIsKumoMtasAheadOfLuasOwn() {
    runs("assert(package.path == '" + LuaPackage.DEFAULT_PATH + "', package.path)\n"
        + "assert(package.path:find('/opt/kumomta/share/?.lua;', 1, true) == 1)\n"
        + "assert(package.cpath == '' and type(package.loaded) == 'table')\n"
        + "assert(package.loaded.kumo == kumo and package.loaded.string == string)\n");
  }

  @Test
  void anEditedPathFindsModulesWhoseNamesHaveDashesAndDots() {
    Policies.write(policyDir(), "assets/site-extras/names.lua",
        "local name, file = ...\n"
        + "return { greet = function(x) return 'hello ' .. x end, name = name, file = file }\n");
    runs("package.path = 'assets/?.lua;' .. package.path\n"
        + "local names = require 'site-extras.names'\n"
        + "assert(names.greet('a') == 'hello a')\n"
        + "assert(names.name == 'site-extras.names', names.name)\n"
        + "assert(names.file == 'assets/site-extras/names.lua', names.file)\n"
        + "local again, file = require('site-extras.names')\n"
        + "assert(again == names and file == nil)\n");
  }

  @Test
  void requireReturnsTheLoaderDataAndCachesInPackageLoaded() {
    Policies.write(policyDir(), "counter.lua", "loads = (loads or 0) + 1\nreturn {}\n");
    runs("local m, file = require 'counter'\n"
        + "assert(file == './counter.lua', tostring(file))\n"
        + "assert(package.loaded.counter == m and require('counter') == m and loads == 1)\n"
        + "package.loaded.counter = nil\n"
        + "assert(require('counter') ~= m and loads == 2)\n"
        + "package.loaded['given'] = { preset = true }\n"
        + "assert(require('given').preset)\n"
        + "package.preload['made'] = function(name) return { made = name } end\n"
        + "assert(require('made').made == 'made')\n");
  }

  @Test
  void aModuleThatReturnsNothingIsTrue() {
    Policies.write(policyDir(), "side.lua", "side_effect = 42\n");
    runs("assert(require('side') == true and side_effect == 42)\n");
  }

  @Test
  void builtInHelpersStandWhereKumoMtaInstallsThem() {
    runs("local g = require 'test-extras.greeting'\n"
        + "assert(g.origin == 'built-in' and g.name == 'test-extras.greeting')\n"
        + "assert(g.file == '/opt/kumomta/share/test-extras/greeting.lua', g.file)\n");
  }

  @Test
  void anOperatorsCopyEarlierOnThePathWinsOverTheBuiltIn() {
    Policies.write(policyDir(), "assets/test-extras/greeting.lua",
        "return { origin = 'operator' }\n");
    runs("package.path = 'assets/?.lua;' .. package.path\n"
        + "assert(require('test-extras.greeting').origin == 'operator')\n");
    // Without the edit the built-in comes first, as KumoMTA's installed copy would.
    runs("assert(require('test-extras.greeting').origin == 'built-in')\n");
  }

  @Test
  void aMappedShareFolderWinsOverTheBuiltIn() throws Exception {
    Path share = Files.createDirectories(root.resolve("share"));
    Policies.write(share, "test-extras/greeting.lua", "return { origin = 'mapped' }\n");
    PolicySettings mapped = Policies.SETTINGS.withFiles(new FileAccess(List.of(),
        List.of(FileAccess.PathMap.parse("/opt/kumomta/share=" + share))));
    runs("assert(require('test-extras.greeting').origin == 'mapped')\n", mapped);
  }

  @Test
  void aDeployedPolicyPathIsReadThroughAPathMap() {
    Policies.write(policyDir(), "helpers.lua", "return { deployed = true }\n");
    PolicySettings mapped = Policies.SETTINGS.withFiles(new FileAccess(List.of(),
        List.of(FileAccess.PathMap.parse("/opt/kumomta/etc/policy=" + policyDir()))));
    runs("package.path = '/opt/kumomta/etc/policy/?.lua'\n"
        + "assert(require('helpers').deployed)\n", mapped);
    assertThat(fails("package.path = '/opt/kumomta/etc/policy/?.lua'\nrequire 'helpers'\n")
        .getMessage())
        .isEqualTo("policy.lua:2: module 'helpers' not found:\n"
            + "\tno field package.preload['helpers']\n"
            + "\tno file '/opt/kumomta/etc/policy/helpers.lua' (outside the policy folder and the"
            + " --allow-read/--path-map directories)");
  }

  @Test
  void anAllowedDirectoryOnThePathIsRead() throws Exception {
    Path shared = Files.createDirectories(root.resolve("shared"));
    Policies.write(shared, "common.lua", "return 'shared'\n");
    PolicySettings allowed = Policies.SETTINGS.withFiles(
        new FileAccess(List.of(shared), List.of()));
    runs("package.path = '" + shared + "/?.lua;' .. package.path\n"
        + "assert(require('common') == 'shared')\n", allowed);
    assertThat(fails("package.path = '" + shared + "/?.lua;' .. package.path\n"
        + "require('common')\n").getMessage())
        .contains("no file '" + shared + "/common.lua' (outside the policy folder");
  }

  @Test
  void notFoundListsEveryPlaceTriedAsLuaDoes() {
    String message = fails("\nrequire 'nope'\n").getMessage();
    assertThat(message).startsWith("policy.lua:2: module 'nope' not found:\n"
        + "\tno field package.preload['nope']\n"
        + "\tno file '/opt/kumomta/share/nope.lua' (outside the policy folder");
    assertThat(message).contains("\tno file './nope.lua'\n\tno file './nope/init.lua'");
    assertThat(message.lines()).hasSize(12);
  }

  @Test
  void thePathCannotLeadOutOfTheFolder() throws Exception {
    Files.writeString(Files.createDirectories(root).resolve("secret.lua"), "return 'leaked'\n");
    for (String path : new String[] {"../?.lua", root + "/?.lua", "./../?.lua",
        "/etc/?", "/dev/?"}) {
      assertThat(fails("package.path = '" + path + "'\nreturn require('secret')\n")
          .getMessage()).as(path).contains("module 'secret' not found")
          .doesNotContain("leaked");
    }
    assertThat(fails("package.path = '/etc/?'\nrequire 'passwd'\n").getMessage())
        .contains("no file '/etc/passwd' (outside the policy folder");
    assertThat(fails("package.path = '/dev/?'\nrequire 'zero'\n").getMessage())
        .contains("no file '/dev/zero' (outside the policy folder");
  }

  @Test
  void aSymbolicLinkOutOfTheFolderIsNotFollowed() throws Exception {
    Files.writeString(Files.createDirectories(root).resolve("secret.lua"), "return 'leaked'\n");
    Files.createDirectories(policyDir());
    Files.createSymbolicLink(policyDir().resolve("lib"), root);
    assertThat(fails("return require('lib.secret')\n").getMessage())
        .contains("no file './lib/secret.lua' (a symbolic link out of the policy folder")
        .doesNotContain("leaked");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aFifoModuleIsRefusedWithoutBlocking() throws Exception {
    Files.createDirectories(policyDir());
    Process mkfifo = new ProcessBuilder("mkfifo", policyDir().resolve("pipe.lua").toString())
        .start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fails("require 'pipe'\n").getMessage())
        .contains("no file './pipe.lua' (not a regular file)");
  }

  @Test
  void aLoopOfRequiresIsReportedWithTheChain() {
    Policies.write(policyDir(), "a.lua", "require 'b'\n");
    Policies.write(policyDir(), "b.lua", "require 'a'\n");
    assertThat(fails("require 'a'\n").getMessage())
        .contains("require: module 'a' requires itself (a loop of require calls: a -> b -> a)");
  }

  @Test
  void errorsInAModuleNameItsFileAndLine() {
    Policies.write(policyDir(), "lib/broken.lua", "local x = = 1\n");
    Policies.write(policyDir(), "lib/raises.lua", "\nerror('bad module')\n");
    assertThat(fails("require 'lib.broken'\n").getMessage())
        .startsWith("policy.lua:1: error loading module 'lib.broken' from file"
            + " './lib/broken.lua':\n\tlib/broken.lua:1: unexpected symbol");
    assertThat(fails("require 'lib.raises'\n").getMessage())
        .isEqualTo("lib/raises.lua:2: bad module");
  }

  @Test
  void searchpathUsesTheSameRule() {
    Policies.write(policyDir(), "lib/x.lua", "return 1\n");
    runs("assert(package.searchpath('lib.x', './?.lua') == './lib/x.lua')\n"
        + "local none, tried = package.searchpath('y', './?.lua;/etc/?')\n"
        + "assert(none == nil and tried:find(\"no file './y.lua'\", 1, true), tried)\n"
        + "assert(tried:find(\"no file '/etc/y' (outside\", 1, true), tried)\n");
  }
}
