package dev.egresskit.lua;

import java.util.Arrays;
import org.luaj.vm2.LuaString;

/**
 * A growing byte string that refuses to pass {@link SandboxLimits#MAX_STRING_BYTES}, so a library
 * function building its result piece by piece fails before it allocates too much.
 */
final class BoundedBuffer {
  private final String function;
  private byte[] bytes = new byte[64];
  private int length;

  BoundedBuffer(String function) {
    this.function = function;
  }

  void append(LuaString s) {
    append(s.m_bytes, s.m_offset, s.m_length);
  }

  void append(byte[] from, int offset, int count) {
    reserve(count);
    System.arraycopy(from, offset, bytes, length, count);
    length += count;
  }

  void append(byte b) {
    reserve(1);
    bytes[length++] = b;
  }

  LuaString toLuaString() {
    return LuaString.valueUsing(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
  }

  private void reserve(int count) {
    long needed = (long) length + count;
    SandboxLimits.checkLength(function, needed);
    if (needed > bytes.length) {
      long grown = Math.max(needed, Math.min((long) bytes.length * 2,
          SandboxLimits.MAX_STRING_BYTES));
      bytes = Arrays.copyOf(bytes, (int) grown);
    }
  }
}
