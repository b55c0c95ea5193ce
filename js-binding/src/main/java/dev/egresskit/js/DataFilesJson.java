package dev.egresskit.js;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.egresskit.core.policy.support.KumoApiException;

/** Encodes plain maps, lists and scalars as JSON text for the bootstrap's {@code JSON.parse}. */
final class DataFilesJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DataFilesJson() {}

  /** The JSON text of a plain value. */
  static String encode(Object plainValue) {
    try {
      return JSON.writeValueAsString(plainValue);
    } catch (JsonProcessingException e) {
      throw new KumoApiException("the value cannot be handed to JavaScript: "
          + e.getOriginalMessage(), e);
    }
  }
}
