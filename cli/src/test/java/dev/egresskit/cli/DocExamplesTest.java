package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.policy.PolicyLint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every Lua and JavaScript example in {@code README.md} and {@code docs/} through the real
 * CLI, so a documented example cannot rot.
 *
 * <p>An HTML comment before a group of code blocks says what to check; it applies until the
 * next comment or heading:
 * <pre>
 * &lt;!-- doc-test: resolve=ip-1,ip-2 pool=p json text error="substring" lint=1 --&gt;
 * </pre>
 * {@code resolve}/{@code pool}: the names to resolve with {@code egresskit resolve}; they must
 * succeed, unless {@code error} is given (then the run must exit 2 and its errors contain the
 * text). {@code json}: the next {@code ```json} block is the {@code --json} view of the single
 * resolved source or pool. {@code text}: the next {@code ```text} block is the table output.
 * {@code lint}: how many discarded-build warnings the script has (default 0). A
 * {@code ```json file=NAME} block is written next to the policy as a data file. Blocks with no
 * comment in scope must load and have no warnings.
 */
class DocExamplesTest {
  private static final Pattern DIRECTIVE = Pattern.compile("<!--\\s*doc-test:(.*?)-->");
  private static final Pattern PAIR = Pattern.compile("(\\w+)(?:=(\"[^\"]*\"|\\S+))?");

  @TempDir Path temp;

  /** One fenced block. */
  record Block(Path file, int line, String info, String text) {
    String language() {
      return info.split("\\s+")[0];
    }
  }

  /** A directive and the blocks it applies to. */
  record Group(Map<String, String> directive, List<Block> blocks) {}

  @TestFactory
  Stream<DynamicTest> everyLuaAndJavaScriptExampleInTheDocsRuns() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<DynamicTest> tests = new ArrayList<>();
    int scripts = 0;
    for (Path file : files) {
      for (Group group : groups(file)) {
        for (Block block : group.blocks()) {
          if (block.language().equals("lua") || block.language().equals("js")) {
            scripts++;
            String name = root.relativize(file) + ":" + block.line() + " (" + block.language()
                + ")";
            tests.add(DynamicTest.dynamicTest(name, () -> run(group, block)));
          }
        }
      }
    }
    assertThat(scripts).as("Lua/JS examples found in the docs").isGreaterThan(20);
    return tests.stream();
  }

  private void run(Group group, Block script) throws Exception {
    Path dir = Files.createTempDirectory(temp, "doc");
    for (Block block : group.blocks()) {
      Matcher file = Pattern.compile("file=(\\S+)").matcher(block.info());
      if (file.find()) {
        Files.writeString(dir.resolve(file.group(1)), block.text(), StandardCharsets.UTF_8);
      }
    }
    Path policy = dir.resolve("policy." + script.language());
    Files.writeString(policy, script.text(), StandardCharsets.UTF_8);
    Map<String, String> d = group.directive();

    int expectedWarnings = Integer.parseInt(d.getOrDefault("lint", "0"));
    assertThat(PolicyLint.scan("policy." + script.language(), script.text(),
        script.language().equals("lua")).warnings()).as("lint warnings").hasSize(expectedWarnings);

    List<String> args = new ArrayList<>(List.of("--policy", policy.toString()));
    if (d.containsKey("resolve")) {
      args.addAll(List.of(d.get("resolve").split(",")));
    }
    if (d.containsKey("pool")) {
      args.addAll(List.of("--pool", d.get("pool")));
    }
    if (!d.containsKey("resolve") && !d.containsKey("pool")) {
      Cli.Result check = Cli.run(concat("check", args));
      assertThat(check.exitCode()).as(check.toString()).isZero();
      return;
    }
    if (d.containsKey("error")) {
      Cli.Result result = Cli.run(concat("resolve", args));
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).as(result.toString()).contains(d.get("error"));
      return;
    }
    Cli.Result text = Cli.run(concat("resolve", args));
    assertThat(text.exitCode()).as(text.toString()).isZero();
    if (d.containsKey("text")) {
      assertThat(normalise(text.out())).isEqualTo(normalise(expected(group, "text").text()));
    }
    if (d.containsKey("json")) {
      args.add("--json");
      Cli.Result json = Cli.run(concat("resolve", args));
      assertThat(json.exitCode()).as(json.toString()).isZero();
      JsonNode out = Json.mapper().readTree(json.out());
      JsonNode actual = d.containsKey("pool") ? out.get("pools").get(0) : out.get("sources").get(0);
      assertThat(actual).isEqualTo(Json.mapper().readTree(expected(group, "json").text()));
    }
  }

  private static Block expected(Group group, String language) {
    return group.blocks().stream()
        .filter(b -> b.info().equals(language))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ```" + language + " block after the"
            + " directive " + group.directive()));
  }

  private static String[] concat(String command, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    return all.toArray(String[]::new);
  }

  private static String normalise(String text) {
    return text.lines().map(String::stripTrailing).reduce((a, b) -> a + "\n" + b).orElse("")
        .strip();
  }

  /** Splits a markdown file into directive groups of fenced blocks. */
  static List<Group> groups(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Group> groups = new ArrayList<>();
    Group current = new Group(Map.of(), new ArrayList<>());
    groups.add(current);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher directive = DIRECTIVE.matcher(line);
      if (directive.find()) {
        current = new Group(parse(directive.group(1)), new ArrayList<>());
        groups.add(current);
      } else if (line.startsWith("#")) {
        current = new Group(Map.of(), new ArrayList<>());
        groups.add(current);
      } else if (line.startsWith("```") && line.length() > 3) {
        String info = line.substring(3).trim();
        int start = i + 1;
        StringBuilder text = new StringBuilder();
        for (i = start; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        current.blocks().add(new Block(file, start, info, text.toString()));
      } else if (line.startsWith("```")) {
        // An unlabelled block: skip to its end.
        for (i = i + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          // skip
        }
      }
    }
    return groups;
  }

  private static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = PAIR.matcher(text);
    while (m.find()) {
      String value = m.group(2);
      if (value != null && value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(m.group(1), value == null ? "" : value);
    }
    return out;
  }
}
