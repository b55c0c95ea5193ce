package dev.egresskit.core.policy.kumo;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.io.IOException;
import java.util.Map;

/**
 * The data formats of {@code kumo.serde} (and the legacy {@code kumo.json_load},
 * {@code kumo.toml_load}), parsed as KumoMTA parses them, for every binding:
 * <ul>
 *   <li>JSON: {@code /* *\/}, {@code //} and {@code #} comments are stripped first; a repeated
 *       key keeps its last value; trailing content ({@code trailing characters at line L column
 *       C}) and empty input ({@code EOF while parsing a value at line 1 column 0}) are errors;</li>
 *   <li>TOML: a repeated key is an error, empty input is an empty table, a date-time becomes
 *       {@code {["$__toml_private_datetime"] = "..."}};</li>
 *   <li>YAML.</li>
 * </ul>
 * Errors read {@code parsing <name> as json: <message>}, KumoMTA's form. Files are read through
 * the policy's read rule ({@link PolicyFiles}) on every call.
 */
public final class DataFiles {
  /** The formats. */
  public enum Format {
    JSON("json"), TOML("toml"), YAML("yaml");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    /** The lower-case name KumoMTA's messages use. */
    public String label() {
      return label;
    }
  }

  // Mappers are thread-safe once configured; shared by every interpreter.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();
  private static final ObjectMapper TOML = TomlMapper.builder()
      .enable(TomlReadFeature.PARSE_JAVA_TIME)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private DataFiles() {}

  /**
   * Reads and parses a data file.
   *
   * @param function the {@code kumo} function, for the read rule's error text
   * @param path     the path as the script wrote it
   * @throws KumoApiException if the read rule refuses the path or the text does not parse
   */
  public static Object load(PolicyFiles files, String function, String path, Format format) {
    return parse(files.readText(function, path), path, format);
  }

  /**
   * Parses text.
   *
   * @param name the name in the error text: the file, or for {@code *_parse} the text itself
   * @throws KumoApiException {@code parsing <name> as <format>: <message>}
   */
  public static Object parse(String text, String name, Format format) {
    try {
      return switch (format) {
        case JSON -> json(text);
        case TOML -> toml(text);
        case YAML -> Values.normalize(YAML.readValue(text, Object.class));
      };
    } catch (JsonProcessingException e) {
      throw new KumoApiException("parsing " + name + " as " + format.label() + ": "
          + message(e), e);
    } catch (Syntax e) {
      throw new KumoApiException("parsing " + name + " as " + format.label() + ": "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new KumoApiException("parsing " + name + " as " + format.label() + ": " + e, e);
    }
  }

  /** The name a {@code *_parse} error shows for its input: the text, shortened when long. */
  public static String inputName(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }

  private static Object toml(String text) throws IOException {
    if (text.isBlank()) {
      return Map.of();
    }
    Object value = TOML.readValue(text, Object.class);
    return value == null ? Map.of() : Values.normalize(value);
  }

  private static Object json(String text) throws IOException {
    String stripped = JsonComments.strip(text);
    try (JsonParser parser = JSON.createParser(stripped)) {
      if (parser.nextToken() == null) {
        throw new Syntax("EOF while parsing a value at " + endOf(stripped));
      }
      Object value = JSON.readValue(parser, Object.class);
      int end = (int) parser.currentLocation().getCharOffset();
      while (end < stripped.length() && Character.isWhitespace(stripped.charAt(end))) {
        end++;
      }
      if (end < stripped.length()) {
        throw new Syntax("trailing characters at " + endOf(stripped.substring(0, end + 1)));
      }
      return Values.normalize(value);
    }
  }

  /** serde_json's position of the end of input: the last line and its length. */
  private static String endOf(String text) {
    int line = 1;
    int column = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 0;
      } else {
        column++;
      }
    }
    return "line " + line + " column " + column;
  }

  private static String message(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? ""
        : " at line " + at.getLineNr() + " column " + at.getColumnNr();
    return e.getOriginalMessage() + where;
  }

  /** A syntax error worded as serde_json words it. */
  private static final class Syntax extends IOException {
    private static final long serialVersionUID = 1L;

    Syntax(String message) {
      super(message);
    }
  }
}
