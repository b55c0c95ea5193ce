package dev.egresskit.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.grammar.Thresholds;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.RawSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Round trips of the formatters, and the error contract: for any input string the parsers throw
 * nothing but {@link IllegalArgumentException}, and {@link EgressSpecs} nothing but
 * {@link InvalidSpecException}.
 */
class ParserPropertiesTest {

  @Property(tries = 500)
  void formattedDurationsParseBack(@ForAll @LongRange(min = 0, max = 400L * 31_557_600L) long secs,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
    Duration d = Duration.ofSeconds(secs, nanos);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Property(tries = 500)
  void formattedAddressesParseBack(@ForAll("addresses") InetAddress address) {
    InetAddress parsed = IpLiterals.parse(IpLiterals.format(address));
    assertThat(parsed).isEqualTo(address);
    assertThat(parsed.getClass()).isEqualTo(address.getClass());
  }

  @Property(tries = 500)
  void formattedProxyServersParseBack(@ForAll("addresses") InetAddress address,
      @ForAll @IntRange(min = 0, max = 65535) int port) {
    ProxyServer server = new ProxyServer.IpLiteral(address, port);
    assertThat(ProxyServers.parse(ProxyServers.format(server))).isEqualTo(server);
  }

  @Property(tries = 300)
  void formattedHostNameProxyServersParseBack(@ForAll("hostNames") String host,
      @ForAll @IntRange(min = 0, max = 65535) int port) {
    ProxyServer server = new ProxyServer.HostName(host, port);
    assertThat(ProxyServers.parse(ProxyServers.format(server))).isEqualTo(server);
  }

  @Property(tries = 1000)
  void parsersThrowOnlyIllegalArgumentException(@ForAll("texts") String text) {
    onlyIllegalArgument(() -> Durations.parse(text));
    onlyIllegalArgument(() -> Durations.fromValue(text));
    onlyIllegalArgument(() -> IpLiterals.parse(text));
    onlyIllegalArgument(() -> ProxyServers.parse(text));
    onlyIllegalArgument(() -> Thresholds.parse(text));
  }

  @Property(tries = 500)
  void egressSpecsThrowOnlyInvalidSpecException(@ForAll("texts") String text,
      @ForAll("sourceFields") String field) {
    RawSpec spec = new RawSpec(Specs.table("name", "a", field, text), Specs.AT);
    try {
      EgressSpecs.toSource(spec);
    } catch (InvalidSpecException expected) {
      assertThat(expected.problems()).isNotEmpty();
    }
    RawSpec nested = new RawSpec(Map.of("name", "a", "suspend_when_unplumbed",
        Map.of("duration", text, "trigger", Map.of("Threshold", text))), Specs.AT);
    try {
      EgressSpecs.toSource(nested);
    } catch (InvalidSpecException expected) {
      assertThat(expected.problems()).isNotEmpty();
    }
  }

  private static void onlyIllegalArgument(Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> sourceFields() {
    return Arbitraries.of(EgressSpecs.SOURCE_FIELDS);
  }

  /** Arbitrary strings, biased toward the characters the grammars care about. */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> grammarish = Arbitraries.strings()
        .withChars("0123456789abcdefmMhsµ.:/[]%_-, \t+local")
        .ofMaxLength(24);
    return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40), grammarish);
  }

  @Provide
  Arbitrary<InetAddress> addresses() {
    Arbitrary<InetAddress> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4)
        .map(b -> IpLiterals.toAddress(b, 0));
    // Bias IPv6 toward zero groups so that :: compression and mapped forms are exercised.
    Arbitrary<Integer> group = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.just(0xffff),
        Arbitraries.integers().between(0, 0xffff));
    Arbitrary<InetAddress> v6 = group.list().ofSize(8).map(groups -> {
      byte[] b = new byte[16];
      for (int i = 0; i < 8; i++) {
        b[2 * i] = (byte) (groups.get(i) >>> 8);
        b[2 * i + 1] = (byte) (int) groups.get(i);
      }
      return IpLiterals.toAddress(b, 0);
    });
    return Arbitraries.oneOf(v4, v6);
  }

  @Provide
  Arbitrary<String> hostNames() {
    Arbitrary<String> label = Combinators.combine(
        Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofLength(1),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', '_')
            .ofMaxLength(20)).as((a, b) -> a + b);
    return label.list().ofMinSize(1).ofMaxSize(5).map(labels -> String.join(".", labels));
  }
}
