package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.onlyProblem;
import static dev.egresskit.core.validate.Specs.pool;
import static dev.egresskit.core.validate.Specs.source;
import static dev.egresskit.core.validate.Specs.sourceError;
import static dev.egresskit.core.validate.Specs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.Route;
import dev.egresskit.core.spec.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 21, point 2: every string field that reaches a wire or a log, audited. What can never be
 * valid on the wire is one single-field problem with the usual text; nothing a working KumoMTA
 * policy could use is refused.
 */
class WireSafeFieldsTest {

  @ParameterizedTest
  @ValueSource(strings = {"mta1.example.com\r\nRSET", "mta1\n", "mta1\u0000", "\u001bmta1",
      "mta\u007f1", "mta\u00851", "mta1\texample.com"})
  void anEhloNameWithAControlCharacterIsOneProblem(String ehlo) {
    Problem p = onlyProblem(sourceError("name", "a", "ehlo_domain", ehlo));
    assertThat(p.field()).isEqualTo("ehlo_domain");
    assertThat(p.reason()).startsWith("invalid value: string ")
        .contains("expected an EHLO name that can be sent on the wire: control character U+")
        .endsWith("(EgressKit rule)");
    assertThat(p.value()).isPresent();
    assertThat(p.value().get()).doesNotContain("\r", "\n");
    assertThat(p.allowed()).contains("without control characters or white space");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mta1 example.com", " mta1", "mta1\u00a0", "mta1\u2028",
      "mta1\u3000"})
  void anEhloNameWithWhiteSpaceIsOneProblem(String ehlo) {
    Problem p = onlyProblem(sourceError("name", "a", "ehlo_domain", ehlo));
    assertThat(p.field()).isEqualTo("ehlo_domain");
    assertThat(p.reason()).contains(": white space U+");
  }

  @Test
  void anEmptyEhloNameIsOneProblem() {
    Problem p = onlyProblem(sourceError("name", "a", "ehlo_domain", ""));
    assertThat(p.reason()).contains("the name is empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mta1.example.com", "[10.0.0.1]", "[IPv6:2001:db8::1]", "10.0.0.1",
      "2001:db8::1", "localhost", "mta_1.example.com", "bücher.example", "x"})
  void everyEhloNameThatCanBeSentIsKept(String ehlo) {
    assertThat(source("name", "a", "ehlo_domain", ehlo).ehloDomain()).contains(ehlo);
  }

  @Test
  void aWireProblemJoinsTheOtherFieldProblemsInOneList() {
    assertThat(sourceError("name", "a", "ehlo_domain", "a\nb", "remote_port", 0L).problems())
        .extracting(Problem::field).containsExactly("ehlo_domain", "remote_port");
  }

  @Test
  void aSocks5UserNameOfUpTo255BytesIsKeptAndALongerOneIsOneProblem() {
    String longest = "é".repeat(127) + "x"; // 255 bytes in UTF-8
    Route.Socks5 route = (Route.Socks5) source("name", "a", "socks5_proxy_server", "10.0.0.1:1080",
        "socks5_proxy_username", longest, "socks5_proxy_password", table("key_data", "p"))
        .route();
    assertThat(route.credentials().orElseThrow().username()).isEqualTo(longest);

    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "10.0.0.1:1080",
        "socks5_proxy_username", longest + "y", "socks5_proxy_password", table("key_data", "p")));
    assertThat(p.field()).isEqualTo("socks5_proxy_username");
    assertThat(p.reason()).contains("expected a user name of at most 255 bytes in UTF-8")
        .contains("this one has 256");
  }

  @Test
  void anEmptySocks5UserNameIsSentAsKumoMtaSendsIt() {
    Route.Socks5 route = (Route.Socks5) source("name", "a", "socks5_proxy_server", "10.0.0.1:1080",
        "socks5_proxy_username", "", "socks5_proxy_password", table("key_data", "p")).route();
    assertThat(route.credentials().orElseThrow().username()).isEmpty();
  }

  @Test
  void aSocks5UserNameWithControlCharactersIsKeptForRfc1929CarriesAnyOctet() {
    Route.Socks5 route = (Route.Socks5) source("name", "a", "socks5_proxy_server", "10.0.0.1:1080",
        "socks5_proxy_username", "mta\t1", "socks5_proxy_password", table("key_data", "p"))
        .route();
    assertThat(route.credentials().orElseThrow().username()).isEqualTo("mta\t1");
  }

  @Test
  void namesNeverGoOnTheWireSoAnyStringIsKept() {
    assertThat(source("name", "ip-1\r\nforged").name()).isEqualTo("ip-1\r\nforged");
    assertThat(pool("name", "p\u001b[31m", "entries", List.of(table("name", "s\n1"))).entries())
        .extracting(e -> e.name()).containsExactly("s\n1");
  }
}
