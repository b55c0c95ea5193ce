package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.support.KumoApiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisOptionsTest {

  private static RedisOptions parse(Map<String, Object> table) {
    return RedisOptions.parse("redis.open", table);
  }

  @Test
  void aSingleUrlIsOneNodeWithoutCluster() {
    RedisOptions options = parse(Map.of("node", "redis://127.0.0.1:7000/3"));
    assertThat(options.cluster()).isFalse();
    assertThat(options.nodes()).singleElement().satisfies(node -> {
      assertThat(node.host()).isEqualTo("127.0.0.1");
      assertThat(node.port()).isEqualTo(7000);
      assertThat(node.database()).isEqualTo(3);
      assertThat(node.resp3()).isFalse();
      assertThat(node.tls()).isFalse();
    });
  }

  @Test
  void aListOfUrlsIsAClusterWithEveryNodeInOrder() {
    RedisOptions options = parse(Map.of("node", List.of("redis://10.0.0.1:7000",
        "redis://10.0.0.2:7001", "rediss://[::1]:7002")));
    assertThat(options.cluster()).isTrue();
    assertThat(options.nodes()).extracting(RedisNode::display).containsExactly(
        "redis://10.0.0.1:7000", "redis://10.0.0.2:7001", "rediss://[::1]:7002");
    assertThat(options.nodes().get(2).host()).isEqualTo("::1");
  }

  @Test
  void aListOfOneUrlIsStillACluster() {
    assertThat(parse(Map.of("node", List.of("redis://127.0.0.1"))).cluster()).isTrue();
  }

  @Test
  void clusterTrueForcesAClusterClientForOneUrl() {
    RedisOptions options = parse(Map.of("node", "redis://127.0.0.1", "cluster", true));
    assertThat(options.cluster()).isTrue();
    assertThat(options.nodes().get(0).port()).isEqualTo(6379);
  }

  @Test
  void clusterFalseWithSeveralUrlsIsRefused() {
    assertThatThrownBy(() -> parse(Map.of("node", List.of("redis://a", "redis://b"),
        "cluster", false)))
        .hasMessage("redis.open: field 'cluster' is false but 'node' lists 2 URLs (a single-node"
            + " connection takes one URL; a cluster takes a list)");
  }

  @Test
  void everyDocumentedOptionIsAccepted() {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("node", "redis://127.0.0.1:6379");
    table.put("cluster", false);
    table.put("read_from_replicas", true);
    table.put("username", "policy");
    table.put("password", "pw");
    table.put("pool_size", 10L);
    table.put("connect_timeout", "2 seconds");
    table.put("response_timeout", 1L);
    table.put("wait_timeout", "30s");
    table.put("recycle_timeout", 0.5);
    RedisOptions options = parse(table);
    assertThat(options.readFromReplicas()).isTrue();
    assertThat(options.username()).contains("policy");
    assertThat(options.poolSize()).contains(10L);
    assertThat(options.connectTimeout()).contains(Duration.ofSeconds(2));
    assertThat(options.responseTimeout()).contains(Duration.ofSeconds(1));
    assertThat(options.waitTimeout()).contains(Duration.ofSeconds(30));
    assertThat(options.recycleTimeout()).contains(Duration.ofMillis(500));
  }

  @Test
  void anUnknownFieldIsNamedWithTheAllowedOnes() {
    assertThatThrownBy(() -> parse(Map.of("node", "redis://127.0.0.1", "nodes", "x")))
        .isInstanceOf(KumoApiException.class)
        .hasMessage("redis.open: unknown field 'nodes' (allowed: cluster, connect_timeout, node,"
            + " password, pool_size, read_from_replicas, recycle_timeout, response_timeout,"
            + " username, wait_timeout)");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("node", List.of("redis://ok", 5L));
    table.put("pool_size", 0L);
    table.put("connect_timeout", "soon");
    assertThatThrownBy(() -> parse(table))
        .hasMessageStartingWith("redis.open: 3 problems:\n  1) field 'node[2]' must be a redis URL"
            + " string, got a number\n  2) field 'pool_size' must be a whole number of at least 1,"
            + " got 0\n  3) field 'connect_timeout': invalid value: string \"soon\", expected a"
            + " duration");
  }

  @Test
  void aMissingNodeIsNamed() {
    assertThatThrownBy(() -> parse(Map.of()))
        .hasMessageStartingWith("redis.open: field 'node' is required");
  }

  @Test
  void aUrlWithAnotherSchemeNamesTheAllowedFormWithoutItsPassword() {
    assertThatThrownBy(() -> parse(Map.of("node", "http://user:hunter2@127.0.0.1:6379")))
        .hasMessage("redis.open: field 'node': 'http://user:***@127.0.0.1:6379' is not a usable"
            + " redis URL: the scheme 'http' is not supported; allowed form: " + RedisNode.FORM)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void urlCredentialsAreReadAndNeverShown() {
    RedisNode node = RedisNode.parse("redis://policy:p%40ss%3Aword@127.0.0.1:6380/2?protocol=resp3");
    assertThat(node.username()).contains("policy");
    assertThat(node.password()).hasValueSatisfying(p -> assertThat(p.value())
        .isEqualTo("p@ss:word"));
    assertThat(node.resp3()).isTrue();
    assertThat(node.toString()).isEqualTo("redis://policy@127.0.0.1:6380/2");
    RedisOptions options = parse(Map.of("node", "redis://:secret-one@127.0.0.1",
        "password", "secret-two"));
    assertThat(options.toString()).doesNotContain("secret-one").doesNotContain("secret-two")
        .contains("<redacted>");
    assertThat(options.passwordFor(options.nodes().get(0)).map(p -> p.value()))
        .contains("secret-two");
  }

  @Test
  void badUrlPartsAreNamed() {
    assertThatThrownBy(() -> RedisNode.parse("redis://127.0.0.1/x"))
        .hasMessageContaining("the database 'x' is not a number");
    assertThatThrownBy(() -> RedisNode.parse("redis://127.0.0.1/?protocol=resp4"))
        .hasMessageContaining("protocol 'resp4' is not supported (allowed: resp2, resp3)");
    assertThatThrownBy(() -> RedisNode.parse("redis:///0"))
        .hasMessageContaining("it has no host name");
    assertThatThrownBy(() -> RedisNode.parse("redis://127.0.0.1/?db=1"))
        .hasMessageContaining("the query parameter 'db' is not supported");
    assertThat(RedisNode.parse("rediss://h#insecure").insecure()).isTrue();
  }

  @Test
  void equalOptionsShareOneKeyAndDifferentOnesDoNot() {
    RedisOptions a = parse(Map.of("node", "redis://127.0.0.1:6379", "password", "x"));
    RedisOptions b = parse(Map.of("node", "redis://127.0.0.1:6379", "password", "x"));
    RedisOptions c = parse(Map.of("node", "redis://127.0.0.1:6379", "password", "y"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.password()).isEqualTo(Optional.of(new dev.egresskit.core.model.Secret.Inline("x")));
  }
}
