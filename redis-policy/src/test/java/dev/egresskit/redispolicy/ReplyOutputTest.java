package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The calls Lettuce's decoder makes for each reply shape, and the value a policy gets. */
class ReplyOutputTest {

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void scalarsMapAsKumoMtaMapsThem() {
    ReplyOutput ok = new ReplyOutput(true);
    ok.setSingle(bytes("OK"));
    assertThat(ok.get()).isEqualTo(true);
    ReplyOutput pong = new ReplyOutput(true);
    pong.setSingle(bytes("PONG"));
    assertThat(pong.get()).isEqualTo("PONG");
    ReplyOutput nil = new ReplyOutput(true);
    nil.set((ByteBuffer) null);
    assertThat(nil.get()).isNull();
    ReplyOutput integer = new ReplyOutput(true);
    integer.set(42L);
    assertThat(integer.get()).isEqualTo(42L);
    ReplyOutput big = new ReplyOutput(true);
    big.setBigNumber(bytes("123456789012345678901234567890"));
    assertThat(big.get()).isEqualTo("123456789012345678901234567890");
  }

  @Test
  void okIsTrueAsAWholeStatusReplyButStaysTextForStoredValuesAndInsideArrays() {
    ReplyOutput status = new ReplyOutput(true);
    status.set(bytes("OK"));
    assertThat(status.get()).isEqualTo(true);
    ReplyOutput stored = new ReplyOutput(false);
    stored.set(bytes("OK"));
    assertThat(stored.get()).isEqualTo("OK");
    ReplyOutput nested = new ReplyOutput(true);
    nested.multiArray(1);
    nested.set(bytes("OK"));
    assertThat(nested.get()).isEqualTo(List.of("OK"));
    assertThat(StoredValueCommands.mayReturnStoredText(words("get", "k"))).isTrue();
    assertThat(StoredValueCommands.mayReturnStoredText(words("SET", "k", "v", "GET"))).isTrue();
    assertThat(StoredValueCommands.mayReturnStoredText(words("SET", "k", "v", "EX", "5")))
        .isFalse();
    assertThat(StoredValueCommands.mayReturnStoredText(words("FLUSHDB"))).isFalse();
  }

  private static List<byte[]> words(String... words) {
    return Arrays.stream(words).map(w -> w.getBytes(StandardCharsets.UTF_8)).toList();
  }

  @Test
  void nestedArraysKeepTheirShapeAndNilPositions() {
    ReplyOutput out = new ReplyOutput(true);
    out.multiArray(3);
    out.set(bytes("a"));
    out.multiArray(2);
    out.set(1L);
    out.set((ByteBuffer) null);
    out.set(bytes("c"));
    assertThat(out.get()).isEqualTo(List.of("a", Arrays.asList(1L, null), "c"));
  }

  @Test
  void emptyAndNullArrays() {
    ReplyOutput empty = new ReplyOutput(true);
    empty.multiArray(0);
    assertThat(empty.get()).isEqualTo(List.of());
    ReplyOutput none = new ReplyOutput(true);
    none.multiArray(-1);
    assertThat(none.get()).isNull();
    ReplyOutput nestedEmpty = new ReplyOutput(true);
    nestedEmpty.multiArray(2);
    nestedEmpty.multiArray(0);
    nestedEmpty.set(bytes("x"));
    assertThat(nestedEmpty.get()).isEqualTo(List.of(List.of(), "x"));
  }

  @Test
  void aResp3MapIsKeyedByText() {
    ReplyOutput out = new ReplyOutput(true);
    out.multiMap(2);
    out.set(bytes("weight"));
    out.set(bytes("5"));
    out.set(bytes("ehlo"));
    out.set(bytes("mx.example"));
    assertThat(out.get()).isEqualTo(Map.of("weight", "5", "ehlo", "mx.example"));
  }
}
