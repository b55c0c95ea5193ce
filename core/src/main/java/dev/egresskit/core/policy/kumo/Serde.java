package dev.egresskit.core.policy.kumo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.egresskit.core.policy.support.KumoApiException;
import java.util.List;

/**
 * {@code kumo.serde.*} and its legacy aliases {@code kumo.json_*} and {@code kumo.toml_*}:
 * parse, load and encode JSON, TOML and YAML. Compact JSON is serde_json's ({@code {"a":1}}),
 * pretty JSON indents by two spaces with {@code "a": 1}.
 */
final class Serde {
  private static final ObjectMapper JSON = new JsonMapper();
  private static final ObjectWriter JSON_PRETTY = JSON.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"))
      .withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("")
          .withArrayEmptySeparator("")));
  private static final ObjectMapper TOML = new TomlMapper();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private Serde() {}

  static void register(KumoLibrary.Builder b) {
    for (DataFiles.Format format : DataFiles.Format.values()) {
      String f = format.label();
      KumoFunction load = (args, ctx) -> DataFiles.load(ctx.files(),
          args.function().substring("kumo.".length()),
          args.string(0, "PATH"), format);
      KumoFunction parse = (args, ctx) -> {
        String text = args.string(0, "TEXT");
        return DataFiles.parse(text, DataFiles.inputName(text), format);
      };
      KumoFunction encode = (args, ctx) -> encode(args, format, false);
      b.real("serde." + f + "_load", load);
      b.real("serde." + f + "_parse", parse);
      b.real("serde." + f + "_encode", encode);
      if (format != DataFiles.Format.YAML) {
        KumoFunction pretty = (args, ctx) -> encode(args, format, true);
        b.real("serde." + f + "_encode_pretty", pretty);
        b.real(f + "_load", load);
        b.real(f + "_parse", parse);
        b.real(f + "_encode", encode);
        b.real(f + "_encode_pretty", pretty);
      }
    }
    b.real("serde.toml_encode_pretty_compact", (args, ctx) ->
        encode(args, DataFiles.Format.TOML, true));
  }

  /** Encodes a neutral value as compact JSON (used for memoize keys and digests too). */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(plain(value));
    } catch (JsonProcessingException e) {
      throw new KumoApiException("cannot encode as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Object encode(Args args, DataFiles.Format format, boolean pretty) {
    Object value = plain(args.get(0));
    try {
      return switch (format) {
        case JSON -> pretty ? JSON_PRETTY.writeValueAsString(value)
            : JSON.writeValueAsString(value);
        case TOML -> TOML.writeValueAsString(value);
        case YAML -> YAML.writeValueAsString(value);
      };
    } catch (JsonProcessingException e) {
      throw new KumoApiException(args.function() + ": cannot encode " + Values.describe(value)
          + " as " + format.label() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Functions cannot be encoded; say so rather than print a Java object. */
  private static Object plain(Object value) {
    if (value instanceof ScriptFunction) {
      throw new KumoApiException("a function cannot be encoded (allowed: strings, numbers,"
          + " booleans, lists and tables)");
    }
    if (value instanceof List<?> list) {
      list.forEach(Serde::plain);
    } else if (value instanceof java.util.Map<?, ?> map) {
      map.values().forEach(Serde::plain);
    }
    return value;
  }
}
