package dev.egresskit.core.validate;

import static dev.egresskit.core.validate.Specs.onlyProblem;
import static dev.egresskit.core.validate.Specs.pool;
import static dev.egresskit.core.validate.Specs.poolError;
import static dev.egresskit.core.validate.Specs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSpecsTest {

  @Test
  void entriesDefaultToAnEmptyListAndTtlToSixtySeconds() {
    assertThat(pool("name", "p")).isEqualTo(new EgressPool("p", List.of(), Duration.ofSeconds(60)));
    assertThat(pool("name", "p", "entries", Map.of()).entries()).isEmpty();
  }

  @Test
  void weightsDefaultToOneAndDuplicatesAreKept() {
    EgressPool p = pool("name", "p", "ttl", "5m", "entries", List.of(
        table("name", "a"), table("name", "b", "weight", 0L), table("name", "a", "weight", 3L)));
    assertThat(p.entries()).containsExactly(
        new PoolEntry("a", 1), new PoolEntry("b", 0), new PoolEntry("a", 3));
    assertThat(p.ttl()).hasSeconds(300);
  }

  @Test
  void fractionalAndNegativeWeightsAreRejected() {
    InvalidSpecException e = poolError("name", "p", "entries", List.of(
        table("name", "a", "weight", 1.5), table("name", "b", "weight", -1L),
        table("name", "c", "weight", 4_294_967_296L)));
    assertThat(e.problems()).extracting(Problem::field, Problem::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("entries[1].weight",
            "invalid type: floating point `1.5`, expected u32"),
        org.assertj.core.groups.Tuple.tuple("entries[2].weight",
            "invalid value: integer `-1`, expected u32"),
        org.assertj.core.groups.Tuple.tuple("entries[3].weight",
            "invalid value: integer `4294967296`, expected u32"));
  }

  @Test
  void poolAndEntryFieldsAreRequiredAndUnknownOnesRejected() {
    InvalidSpecException e = poolError("entries", List.of(table("weight", 2L, "wieght", 3L),
        "ip-1"), "sources", List.of());
    assertThat(e.problems()).extracting(Problem::field).containsExactly(
        "name", "entries[1].name", "entries[1].wieght", "entries[2]", "sources");
    assertThat(Specs.reasons(e)).containsExactly(
        "missing field `name`",
        "missing field `name`",
        "unknown field `wieght`, expected `name` or `weight`",
        "invalid type: string \"ip-1\", expected struct EgressPoolEntry",
        "unknown field `sources`, expected one of `name`, `entries`, `ttl`");
    assertThat(e.getMessage()).startsWith("make_egress_pool at policy.lua:7: 5 problems");
  }

  @Test
  void entriesMustBeAList() {
    assertThat(onlyProblem(poolError("name", "p", "entries", "a,b")).reason())
        .isEqualTo("invalid type: string \"a,b\", expected a sequence");
  }
}
