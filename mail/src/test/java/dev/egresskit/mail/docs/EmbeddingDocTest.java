package dev.egresskit.mail.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.embed.EgressKit;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/embedding.md} shows exactly the tagged regions of {@link EmbeddingExamples}, and
 * they work: each runs here with the page's own Lua policy against our SMTP sink.
 */
class EmbeddingDocTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path PAGE = ROOT.resolve("docs/embedding.md");
  private static final Path SOURCE = Path.of("src/test/java/dev/egresskit/mail/docs/"
      + "EmbeddingExamples.java");
  private static final Pattern REGION =
      Pattern.compile("(?s)// tag::(\\w+)\\[\\]\\n(.*?)\\n[ ]*// end::\\1\\[\\]");
  private static final Pattern EXAMPLE =
      Pattern.compile("(?s)<!-- example: (\\w+) -->\\n```java\\n(.*?)\\n```");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java$");
  private static final Pattern LUA_BLOCK = Pattern.compile("(?s)```lua\\n(.*?)```");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private SmtpSink sink;
  private Path policy;

  @BeforeEach
  void start() throws IOException {
    sink = SmtpSink.builder().build().start();
    Matcher lua = LUA_BLOCK.matcher(Files.readString(PAGE));
    assertThat(lua.find()).as("the page's policy").isTrue();
    policy = Files.writeString(dir.resolve("policy.lua"), lua.group(1));
  }

  @AfterEach
  void stop() {
    sink.close();
  }

  @Test
  void everyJavaBlockOfThePageIsARegionOfTheExamplesVerbatim() throws IOException {
    String page = Files.readString(PAGE);
    Map<String, String> shown = new LinkedHashMap<>();
    Matcher example = EXAMPLE.matcher(page);
    while (example.find()) {
      shown.put(example.group(1), example.group(2));
    }
    Map<String, String> regions = new LinkedHashMap<>();
    Matcher region = REGION.matcher(Files.readString(SOURCE));
    while (region.find()) {
      regions.put(region.group(1), dedent(region.group(2)));
    }

    String readme = regions.remove("readme");
    assertThat(regions.keySet()).containsExactly("facade", "netty", "socket", "mail");
    assertThat(shown).isEqualTo(regions);
    assertThat(Files.readString(ROOT.resolve("README.md")))
        .as("README's library example").contains("```java\n" + readme + "\n```");
    assertThat(JAVA_BLOCK.matcher(page).results().count()).as("java blocks without a marker")
        .isEqualTo(shown.size());
  }

  @Test
  void theFacadeExampleResolvesASourceAndPicksFromThePool() {
    assertThat(EmbeddingExamples.facade(policy))
        .containsExactly("mta1.example.com", "ip-2", "ip-1");
  }

  @Test
  void theConnectionExamplesTalkToTheServerFromTheSourceAddress() throws Exception {
    String host = sink.address().getAddress().getHostAddress();
    int port = sink.address().getPort();
    try (EgressKit kit = EgressKit.builder().policy(policy).build()) {
      assertThat(EmbeddingExamples.nettyBanner(kit, host, port)).startsWith("220 ");
      List<String> socket = EmbeddingExamples.blockingSocket(kit, host, port);
      assertThat(socket.get(0)).startsWith("220 ");
      assertThat(socket.get(1)).startsWith("250-");
      assertThat(socket.get(2)).startsWith("127.0.0.2:");
    }

    List<SinkSession> seen = sink.awaitSessions(2, WAIT);
    assertThat(seen).extracting(s -> s.peer().getAddress().getHostAddress())
        .containsOnly("127.0.0.2");
    assertThat(seen).extracting(s -> s.ehlo().orElse("-")).contains("mta1.example.com");
  }

  @Test
  void theJakartaMailExampleSendsThroughThePoolWithEachSourcesEhloName() throws Exception {
    String host = sink.address().getAddress().getHostAddress();
    try (EgressKit kit = EgressKit.builder().policy(policy).build()) {
      EmbeddingExamples.jakartaMail(kit, host, sink.address().getPort());
      EmbeddingExamples.jakartaMail(kit, host, sink.address().getPort());
    }

    List<SinkSession> seen = sink.awaitSessions(2, WAIT);
    assertThat(seen).extracting(s -> s.peer().getAddress().getHostAddress() + " "
        + s.ehlo().orElseThrow()).containsExactlyInAnyOrder("127.0.0.3 mta2.example.com",
        "127.0.0.2 mta1.example.com");
    assertThat(seen.get(0).messages()).singleElement().satisfies(m -> assertThat(m.content())
        .contains("Subject: Hello through an egress source"));
  }

  @Test
  void theReadmeExampleSendsAMessageThroughThePool() throws Exception {
    String rfc822 = "From: a@example.com\r\nTo: b@example.net\r\nSubject: readme\r\n\r\nhi\r\n";
    EmbeddingExamples.readme(policy, sink.address().getAddress().getHostAddress(),
        sink.address().getPort(), new java.io.ByteArrayInputStream(
            rfc822.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

    SinkSession seen = sink.awaitSessions(1, WAIT).get(0);
    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.3");
    assertThat(seen.ehlo()).contains("mta2.example.com");
    assertThat(seen.messages()).singleElement()
        .satisfies(m -> assertThat(m.content()).contains("Subject: readme"));
  }

  private static String dedent(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return String.join("\n", lines.stream()
        .map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).toList());
  }
}
