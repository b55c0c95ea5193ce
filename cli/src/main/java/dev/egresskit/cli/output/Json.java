package dev.egresskit.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/**
 * {@code --json} output: plain maps, lists, strings and numbers written with Jackson, pretty
 * printed (or one line per record for streams of events).
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private Json() {}

  /** Writes {@code value} as indented JSON followed by a newline. */
  public static void print(PrintWriter out, Object value) {
    out.println(write(MAPPER, value));
    out.flush();
  }

  /** Writes {@code value} as one line of JSON (for event streams such as sink sessions). */
  public static void printLine(PrintWriter out, Object value) {
    out.println(write(COMPACT, value));
    out.flush();
  }

  /** The object mapper, for tests that read the output back. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
