package io.riffle.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code PUT /v1/sources/{name}}: a Kafka topic feeding a model. The same fields make
 * up a source under {@code kafka.sources.<name>} in the configuration file.
 *
 * @param topic the topic read (required)
 * @param model the model fed (required; it must exist when the source is created)
 * @param groupId the consumer group (default {@code riffle-<name>})
 * @param format the record format; only {@code json} (one example or one delayed-feedback record
 *     per record value)
 * @param deadLetterTopic where records that cannot be learned go, with headers naming the error and
 *     their origin (absent: they are counted and logged only)
 * @param bootstrapServers the brokers (default: the service's {@code kafka.bootstrapServers})
 * @param properties Kafka consumer client properties passed through ({@code enable.auto.commit} is
 *     always false and the deserializers are Riffle's)
 */
public record SourceRequest(
    String topic,
    String model,
    String groupId,
    String format,
    String deadLetterTopic,
    String bootstrapServers,
    Map<String, Object> properties) {

  /** Checks the shape; returns this. */
  public SourceRequest validate() {
    if (topic == null || topic.isBlank()) {
      throw new ApiException(ProblemType.MISSING_FIELD, "a source needs a 'topic'");
    }
    if (model == null || model.isBlank()) {
      throw new ApiException(ProblemType.MISSING_FIELD, "a source needs a 'model'");
    }
    if (format != null && !format.equalsIgnoreCase("json")) {
      throw new ApiException(
          ProblemType.INVALID_SOURCE, "format '" + format + "' is not supported; use json");
    }
    if (properties != null) {
      for (Map.Entry<String, Object> e : properties.entrySet()) {
        if (e.getValue() instanceof Map || e.getValue() instanceof java.util.List) {
          throw new ApiException(
              ProblemType.INVALID_SOURCE,
              "properties." + e.getKey() + " must be a string, number or boolean");
        }
      }
    }
    return this;
  }

  /** As the map a {@code kafka.sources.<name>} entry of the configuration file holds. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", topic);
    m.put("model", model);
    put(m, "groupId", groupId);
    put(m, "format", format);
    put(m, "deadLetterTopic", deadLetterTopic);
    put(m, "bootstrapServers", bootstrapServers);
    if (properties != null && !properties.isEmpty()) {
      m.put("properties", new LinkedHashMap<>(properties));
    }
    return m;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
