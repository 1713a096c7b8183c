package io.riffle.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riffle.api.Json;
import io.riffle.api.ModelSpecRequest;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.kafka.KafkaBroker;
import io.riffle.service.kafka.KafkaSource;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Kafka sources against a real in-JVM broker: every record learned once, offsets in the model. */
class KafkaSourceTest {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir Path dir;

  static RiffleConfig config(Path dir, String topic, String dlq) throws Exception {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("topic", topic);
    source.put("model", "k");
    source.put("groupId", "g-" + topic);
    source.put("format", "json");
    if (dlq != null) {
      source.put("deadLetterTopic", dlq);
    }
    source.put("properties", Map.of("max.poll.records", "100"));
    return Http.config(dir)
        .withModels(
            Map.of(
                "k",
                Json.mapper()
                    .readValue("{\"kind\":\"binary\",\"seed\":7}", ModelSpecRequest.class)))
        .withKafka(new RiffleConfig.Kafka(KAFKA.bootstrapServers(), Map.of("src", source)));
  }

  /** Example {@code i}: a feature that predicts the label, and a weaker noisy one. */
  static String example(int i) {
    int label = (i * 7919) % 3 == 0 ? 1 : 0;
    String f = label == 1 ? "pos" : "neg";
    String g = "g" + (i % 5);
    return "{\"features\":{\"f\":\"" + f + "\",\"g\":\"" + g + "\"},\"label\":" + label + "}";
  }

  static void produce(String topic, int partitions, int from, int to) throws Exception {
    try (KafkaProducer<String, String> p = KAFKA.producer()) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, example(i)));
      }
      p.flush();
    }
  }

  static long examples(Http h) throws Exception {
    return h.get("/v1/models/k").json().get("examples").asLong();
  }

  static long awaitExamples(Http h, LongPredicate ok, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long n = examples(h);
    while (!ok.test(n) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      n = examples(h);
    }
    return n;
  }

  /** The model's offsets map, read on the writer thread. */
  static Map<String, Object> offsets(Http h) throws Exception {
    ModelRuntime rt = h.riffle.models().require("k");
    Map<String, Object> out = new ConcurrentHashMap<>();
    h.riffle
        .models()
        .command(rt, new LearnerVerticle.OnWriter(() -> out.putAll(rt.model().offsets())))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void learnsEveryRecordOnceAcrossFourPartitions() throws Exception {
    int n = 2000;
    KAFKA.createTopic("ex4", 4);
    produce("ex4", 4, 0, n);
    try (Http h = Http.start(config(dir, "ex4", null))) {
      long got = awaitExamples(h, c -> c >= n, 60);
      assertThat(got).isEqualTo(n);
      Map<String, Object> off = offsets(h);
      for (int p = 0; p < 4; p++) {
        assertThat(((Number) off.get(KafkaSource.key("ex4", p))).longValue()).isEqualTo(n / 4);
      }
      assertThat(examples(h)).isEqualTo(n);
      JsonNode m = h.get("/v1/models/k/metrics").json();
      assertThat(m.at("/all/examples").asLong()).isEqualTo(n);
      assertThat(m.at("/all/loss").asDouble()).isGreaterThan(0).isLessThan(Math.log(2));
      assertThat(m.at("/rolling/auc").asDouble()).isGreaterThan(0.9);
      assertThat(h.get("/metrics").body())
          .contains("riffle_examples_ingested_total")
          .contains("source=\"kafka\"");
    }
  }
}
