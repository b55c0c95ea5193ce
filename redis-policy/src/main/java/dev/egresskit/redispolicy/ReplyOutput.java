package dev.egresskit.redispolicy;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Redis reply as the language-neutral value a policy gets, mapped as KumoMTA maps it:
 * nil → {@code null}; integer → {@link Long}; bulk and status strings → {@link String} (text,
 * decoded as UTF-8) except {@code OK} → {@code true}; double → {@link Double};
 * boolean → {@link Boolean}; big number → its digits as a {@link String}; array, set and push →
 * {@code List}; map (RESP3) → {@code Map} keyed by the keys' text. An error reply, anywhere in
 * the reply, fails the command (Lettuce raises it as a
 * {@link io.lettuce.core.RedisCommandExecutionException}).
 *
 * <p>KumoMTA turns only the <em>status</em> reply {@code +OK} into {@code true}; Lettuce's
 * decoder hands status and bulk strings over alike, so a whole reply that reads {@code OK} is
 * taken as the status unless the command returns stored text ({@link StoredValueCommands}),
 * where a stored value {@code "OK"} stays a string. {@code OK} inside an array stays a string.
 *
 * <p>Aggregates are assembled by counting: each announces its size, and is complete when that
 * many elements (a nested aggregate counting as one) have arrived.
 */
final class ReplyOutput extends CommandOutput<byte[], byte[], Object> {
  /** An aggregate being filled. */
  private static final class Open {
    final List<Object> items;
    final boolean map;
    long remaining;

    Open(long count, boolean map) {
      this.items = new ArrayList<>((int) Math.min(count, 1024));
      this.map = map;
      this.remaining = count;
    }
  }

  private final Deque<Open> open = new ArrayDeque<>();
  private final boolean okIsStatus;

  /**
   * @param okIsStatus whether a whole reply {@code OK} is the status reply (→ {@code true});
   *                   false for commands that return stored text
   */
  ReplyOutput(boolean okIsStatus) {
    super(ByteArrayCodec.INSTANCE, null);
    this.okIsStatus = okIsStatus;
  }

  @Override
  public void set(ByteBuffer bytes) {
    String text = bytes == null ? null : text(bytes);
    add(okIsStatus && open.isEmpty() && "OK".equals(text) ? Boolean.TRUE : text);
  }

  @Override
  public void setSingle(ByteBuffer bytes) {
    // Only status replies come here (if a Lettuce version routes them apart).
    String status = bytes == null ? null : text(bytes);
    add(open.isEmpty() && "OK".equals(status) ? Boolean.TRUE : status);
  }

  @Override
  public void setBigNumber(ByteBuffer bytes) {
    add(bytes == null ? null : text(bytes));
  }

  @Override
  public void set(long integer) {
    add(integer);
  }

  @Override
  public void set(double number) {
    add(number);
  }

  @Override
  public void set(boolean value) {
    add(value);
  }

  @Override
  public void multi(int count) {
    start(count, false);
  }

  @Override
  public void multiArray(int count) {
    start(count, false);
  }

  @Override
  public void multiSet(int count) {
    start(count, false);
  }

  @Override
  public void multiPush(int count) {
    start(count, false);
  }

  @Override
  public void multiMap(int count) {
    // Lettuce announces a map by its number of pairs.
    start(count < 0 ? count : 2L * count, true);
  }

  private void start(long count, boolean map) {
    if (count < 0) {
      add(null); // RESP2's null array (*-1)
      return;
    }
    Open aggregate = new Open(count, map);
    if (count == 0) {
      add(finish(aggregate));
      return;
    }
    open.push(aggregate);
  }

  private void add(Object value) {
    Object current = value;
    while (true) {
      Open top = open.peek();
      if (top == null) {
        output = current;
        return;
      }
      top.items.add(current);
      if (--top.remaining > 0) {
        return;
      }
      open.pop();
      current = finish(top);
    }
  }

  private static Object finish(Open aggregate) {
    if (!aggregate.map) {
      return Collections.unmodifiableList(aggregate.items);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < aggregate.items.size(); i += 2) {
      map.put(String.valueOf(aggregate.items.get(i)), aggregate.items.get(i + 1));
    }
    return Collections.unmodifiableMap(map);
  }

  private static String text(ByteBuffer bytes) {
    return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
  }
}
