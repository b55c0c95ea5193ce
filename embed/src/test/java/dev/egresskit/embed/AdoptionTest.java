package dev.egresskit.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn install} puts every module with code in the local repository, and the BOM pins
 * exactly those: a module added later without a BOM entry, or one that skips install, fails here.
 */
class AdoptionTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT =
      Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
  private static final Pattern PINNED = Pattern.compile(
      "<groupId>dev\\.egresskit</groupId><artifactId>([^<]+)</artifactId>"
          + "<version>\\$\\{project\\.version}</version>");

  @Test
  void everyInstalledModuleIsPinnedByTheBomAndOnlyTheTestOnlyModuleSkipsInstall()
      throws IOException {
    List<String> installed = new ArrayList<>();
    List<String> skipping = new ArrayList<>();
    Matcher module = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (module.find()) {
      String name = module.group(1);
      if (name.equals("bom")) {
        continue;
      }
      String pom = Files.readString(ROOT.resolve(name).resolve("pom.xml"));
      Matcher artifact = ARTIFACT.matcher(pom);
      assertThat(artifact.find()).as(name + "/pom.xml artifactId").isTrue();
      if (pom.contains("<maven.install.skip>true</maven.install.skip>")) {
        skipping.add(name);
      } else {
        installed.add(artifact.group(1));
      }
    }
    List<String> pinned = new ArrayList<>();
    Matcher pin = PINNED.matcher(Files.readString(ROOT.resolve("bom/pom.xml")));
    while (pin.find()) {
      pinned.add(pin.group(1));
    }

    // interop holds tests only: no jar, nothing to install.
    assertThat(skipping).containsExactly("interop");
    assertThat(pinned).containsExactlyInAnyOrderElementsOf(installed);
    assertThat(installed).contains("egresskit-embed", "egresskit-mail", "egresskit-core");
  }
}
