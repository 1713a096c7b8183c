package io.riffle.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.service.config.RiffleConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A source's configuration: defaults, passthrough client properties, what cannot be overridden. */
class KafkaSourceSpecTest {
  @Test
  void passesClientPropertiesThroughButNeverAutoCommits() {
    KafkaSource.Spec s =
        KafkaSource.Spec.of(
            new RiffleConfig.Kafka("b:9092", Map.of()),
            "clicks",
            Map.of(
                "topic",
                "t",
                "model",
                "m",
                "deadLetterTopic",
                "t-dlq",
                "properties",
                Map.of(
                    "enable.auto.commit",
                    "true",
                    "max.poll.records",
                    50,
                    "auto.offset.reset",
                    "latest")));
    assertThat(s.topic()).isEqualTo("t");
    assertThat(s.model()).isEqualTo("m");
    assertThat(s.deadLetterTopic()).isEqualTo("t-dlq");
    assertThat(s.consumerProps())
        .containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("group.id", "riffle-clicks")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("max.poll.records", "50")
        .containsEntry("auto.offset.reset", "latest");
  }

  @Test
  void aSourcesOwnBootstrapAndGroupWin() {
    KafkaSource.Spec s =
        KafkaSource.Spec.of(
            new RiffleConfig.Kafka("b:9092", Map.of()),
            "x",
            Map.of("topic", "t", "model", "m", "bootstrapServers", "c:9093", "groupId", "g"));
    assertThat(s.consumerProps())
        .containsEntry("bootstrap.servers", "c:9093")
        .containsEntry("group.id", "g")
        .containsEntry("auto.offset.reset", "earliest");
    assertThat(s.deadLetterTopic()).isNull();
  }

  @Test
  void refusesIncompleteSources() {
    RiffleConfig.Kafka none = new RiffleConfig.Kafka(null, Map.of());
    assertThatThrownBy(() -> KafkaSource.Spec.of(none, "x", Map.of("topic", "t", "model", "m")))
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> KafkaSource.Spec.of(none, "x", Map.of("topic", "t")))
        .hasMessageContaining("topic and model");
    assertThatThrownBy(
            () ->
                KafkaSource.Spec.of(
                    new RiffleConfig.Kafka("b:1", Map.of()),
                    "x",
                    Map.of("topic", "t", "model", "m", "format", "avro")))
        .hasMessageContaining("only json");
  }
}
