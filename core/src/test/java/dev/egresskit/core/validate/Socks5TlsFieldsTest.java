package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.AT;
import static dev.egresskit.core.validate.Specs.onlyProblem;
import static dev.egresskit.core.validate.Specs.source;
import static dev.egresskit.core.validate.Specs.sourceError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.core.spec.Problem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code socks5_proxy_tls} and {@code socks5_proxy_tls_ca}, EgressKit's own fields. */
class Socks5TlsFieldsTest {

  @Test
  void tlsWithACaFileIsReadIntoTheRouteAndShownInTheView() {
    var s = source("name", "a", "socks5_proxy_server", "proxy.example.com:1080",
        "socks5_proxy_tls", true, "socks5_proxy_tls_ca", "certs/proxy.pem");
    Route.Socks5 route = (Route.Socks5) s.route();
    assertThat(route.tls()).isPresent();
    assertThat(route.tls().get().caFile()).contains(Path.of("certs/proxy.pem"));

    Map<String, Object> view = SourceViews.sourceView(s);
    assertThat(view).containsEntry("socks5_proxy_tls", true)
        .containsEntry("socks5_proxy_tls_ca", "certs/proxy.pem");
  }

  @Test
  void tlsAloneTrustsTheJdkStore() {
    var s = source("name", "a", "socks5_proxy_server", "proxy.example.com:1080",
        "socks5_proxy_tls", true);
    assertThat(((Route.Socks5) s.route()).tls()).contains(Socks5Tls.JDK_TRUST);
    assertThat(SourceViews.sourceView(s)).containsEntry("socks5_proxy_tls", true)
        .doesNotContainKey("socks5_proxy_tls_ca");
  }

  @Test
  void falseOrAbsentIsPlainTcpAndNotShown() {
    for (Object[] fields : new Object[][] {
        {"name", "a", "socks5_proxy_server", "127.0.0.1:1080", "socks5_proxy_tls", false},
        {"name", "a", "socks5_proxy_server", "127.0.0.1:1080"}}) {
      var s = source(fields);
      assertThat(((Route.Socks5) s.route()).tls()).isEmpty();
      assertThat(SourceViews.sourceView(s)).doesNotContainKey("socks5_proxy_tls");
    }
  }

  @Test
  void aNonBooleanIsAnErrorNamingTheFieldAndTheAllowedForm() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_server", "127.0.0.1:1080",
        "socks5_proxy_tls", "yes"));
    assertThat(p.field()).isEqualTo("socks5_proxy_tls");
    assertThat(p.reason()).isEqualTo("invalid type: string \"yes\", expected a boolean");
    assertThat(p.allowed()).startsWith("true or false (default false)");
    assertThat(p.location()).isEqualTo(AT);
  }

  @Test
  void aCaThatIsNotAPathStringIsAnError() {
    Problem wrongType = onlyProblem(sourceError("name", "a", "socks5_proxy_server",
        "127.0.0.1:1080", "socks5_proxy_tls", true, "socks5_proxy_tls_ca", 5L));
    assertThat(wrongType.field()).isEqualTo("socks5_proxy_tls_ca");
    assertThat(wrongType.allowed()).contains("PEM file");

    Problem empty = onlyProblem(sourceError("name", "a", "socks5_proxy_server",
        "127.0.0.1:1080", "socks5_proxy_tls", true, "socks5_proxy_tls_ca", ""));
    assertThat(empty.reason()).contains("an empty string is not a file path");
  }

  @Test
  void tlsWithoutASocksServerIsAnError() {
    Problem p = onlyProblem(sourceError("name", "a", "socks5_proxy_tls", true));
    assertThat(p.field()).isEqualTo("socks5_proxy_tls");
    assertThat(p.reason()).contains("socks5_proxy_server is not");
  }

  @Test
  void aCaWithoutTlsTrueIsAnError() {
    for (Object[] fields : new Object[][] {
        {"name", "a", "socks5_proxy_server", "127.0.0.1:1080", "socks5_proxy_tls_ca", "ca.pem"},
        {"name", "a", "socks5_proxy_server", "127.0.0.1:1080", "socks5_proxy_tls", false,
            "socks5_proxy_tls_ca", "ca.pem"}}) {
      Problem p = onlyProblem(sourceError(fields));
      assertThat(p.field()).isEqualTo("socks5_proxy_tls_ca");
      assertThat(p.reason()).contains("socks5_proxy_tls is not true");
      assertThat(p.allowed()).isEqualTo(
          "set socks5_proxy_tls = true, or remove socks5_proxy_tls_ca");
    }
  }

  @Test
  void theOneFieldProbesKnowBothFields() {
    assertThat(SourceFields.known("socks5_proxy_tls")).isTrue();
    assertThat(SourceFields.known("socks5_proxy_tls_ca")).isTrue();
    assertThat(SourceFields.problems("socks5_proxy_tls", true, AT)).isEmpty();
    assertThat(SourceFields.problems("socks5_proxy_tls", 1L, AT)).hasSize(1);
    assertThat(SourceFields.problems("socks5_proxy_tls_ca", "ca.pem", AT)).isEmpty();
    assertThat(SourceFields.problems("socks5_proxy_tls_ca", Optional.empty(), AT)).hasSize(1);
  }
}
