package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisArgsTest {

  private static List<String> words(Object... args) {
    return RedisArgs.words("redis query", Arrays.asList(args)).stream()
        .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void argumentsBecomeWordsAsKumoMtaWritesThem() {
    assertThat(words("INCRBY", "my-key", 2L)).containsExactly("INCRBY", "my-key", "2");
    assertThat(words("SET", "k", 2.5, true, false)).containsExactly("SET", "k", "2.5", "1", "0");
  }

  @Test
  void nilIsLeftOutAndTablesAreFlattened() {
    assertThat(words("HSET", "h", null, List.of("a", 1L), Map.of("z", "2", "b", 3L)))
        .containsExactly("HSET", "h", "a", "1", "b", "3", "z", "2");
  }

  @Test
  void aMissingCommandNameIsNamed() {
    assertThatThrownBy(() -> words())
        .hasMessage("redis query: the first argument must be a Redis command name such as 'GET'"
            + " or 'HGETALL', got nothing");
    assertThatThrownBy(() -> words(5L, "k"))
        .hasMessageEndingWith("got a number");
  }

  @Test
  void aValueRedisCannotTakeIsNamed() {
    assertThatThrownBy(() -> words("SET", "k", Double.NaN))
        .hasMessage("redis query: argument #3 is NaN, which Redis cannot take (allowed: a finite"
            + " number)");
  }
}
