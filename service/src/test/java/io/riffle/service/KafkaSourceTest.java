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
import java.util.List;
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
    return config(dir, topic, dlq, "g-" + topic);
  }

  static RiffleConfig config(Path dir, String topic, String dlq, String group) throws Exception {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("topic", topic);
    source.put("model", "k");
    source.put("groupId", group);
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
    produce(KAFKA, topic, partitions, from, to);
  }

  static void produce(KafkaBroker kafka, String topic, int partitions, int from, int to)
      throws Exception {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
      for (int i = from; i < to; i++) {
        sent.add(p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, example(i))));
      }
      p.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS); // a record the broker refused fails the test here
      }
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

  static final String[] PROBES = {
    "{\"features\":{\"f\":\"pos\",\"g\":\"g1\"}}",
    "{\"features\":{\"f\":\"neg\",\"g\":\"g3\"}}",
    "{\"features\":{\"g\":\"g4\"}}"
  };

  static double[] predictions(Http h) throws Exception {
    double[] out = new double[PROBES.length];
    for (int i = 0; i < PROBES.length; i++) {
      Http.Response r = h.post("/v1/models/k/predict", PROBES[i]);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      out[i] = r.json().get("prediction").asDouble();
    }
    return out;
  }

  @Test
  void crashAfterSnapshotResumesFromTheSnapshotsOffsetsAndMatchesAnUninterruptedRun(
      @TempDir Path ref) throws Exception {
    int n = 2000;
    KAFKA.createTopic("crash", 1);
    produce("crash", 1, 0, 1200);
    Http h = Http.start(config(dir, "crash", null, "g-crash"));
    try {
      assertThat(awaitExamples(h, c -> c >= 1200, 60)).isEqualTo(1200);
      Http.Response snap = h.post("/v1/models/k/snapshots", null);
      assertThat(snap.status()).as(snap.body()).isBetween(200, 201);
      assertThat(snap.json().get("examples").asLong()).isEqualTo(1200);
      produce("crash", 1, 1200, n);
      // learned past the snapshot: what the crash loses and the restart must learn again, once
      assertThat(awaitExamples(h, c -> c > 1500, 60)).isGreaterThan(1500);
    } finally {
      h.riffle.halt().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    double[] resumed;
    try (Http again = Http.start(config(dir, "crash", null, "g-crash"))) {
      assertThat(awaitExamples(again, c -> c >= n, 60)).isEqualTo(n);
      assertThat(offsets(again)).containsEntry(KafkaSource.key("crash", 0), (long) n);
      resumed = predictions(again);
      assertThat(examples(again)).isEqualTo(n);
    }
    try (Http straight = Http.start(config(ref, "crash", null, "g-crash-ref"))) {
      assertThat(awaitExamples(straight, c -> c >= n, 60)).isEqualTo(n);
      assertThat(predictions(straight)).containsExactly(resumed);
    }
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicWithHeadersAndTheRestIsLearned() throws Exception {
    KAFKA.createTopic("poison", 1);
    KAFKA.createTopic("poison-dlq", 1);
    String[] values = {
      example(0),
      "{\"features\": {",
      example(1),
      "{\"features\":{\"f\":\"pos\"},\"label\":9}",
      example(2),
      "{\"features\":{\"f\":\"pos\"},\"label\":1,\"nope\":true}",
      null,
      example(3)
    };
    try (KafkaProducer<String, String> p = KAFKA.producer()) {
      for (int i = 0; i < values.length; i++) {
        p.send(new ProducerRecord<>("poison", 0, "k" + i, values[i]));
      }
      p.flush();
    }
    try (Http h = Http.start(config(dir, "poison", "poison-dlq"))) {
      assertThat(awaitExamples(h, c -> c >= 4, 60)).isEqualTo(4);
      var dead = KAFKA.readAll("poison-dlq", 4, java.time.Duration.ofSeconds(30));
      assertThat(dead).hasSize(4);
      assertThat(dead.stream().map(r -> header(r, KafkaSource.SOURCE_OFFSET)))
          .containsExactly("1", "3", "5", "6");
      for (var r : dead) {
        assertThat(header(r, KafkaSource.SOURCE_TOPIC)).isEqualTo("poison");
        assertThat(header(r, KafkaSource.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(r, KafkaSource.ERROR_TYPE)).isNotBlank();
        assertThat(header(r, KafkaSource.ERROR_DETAIL)).isNotBlank();
      }
      assertThat(dead.get(0).value()).isEqualTo(values[1]);
      assertThat(offsets(h)).containsEntry(KafkaSource.key("poison", 0), (long) values.length);
      assertThat(h.get("/metrics").body()).contains("riffle_kafka_dead_letters_total");
      assertThat(examples(h)).isEqualTo(4);
    }
  }

  @Test
  void aFullQueuePausesAndRetriesWithoutLosingOrDuplicating() throws Exception {
    int n = 400;
    KAFKA.createTopic("tight", 4);
    RiffleConfig c =
        config(dir, "tight", null).withIngest(new RiffleConfig.Ingest(8, 4)); // chunks of 4
    try (Http h = Http.start(c)) {
      ModelRuntime rt = h.riffle.models().require("k");
      java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
      h.riffle
          .models()
          .command(
              rt,
              new LearnerVerticle.OnWriter(
                  () -> {
                    try {
                      hold.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      java.util.concurrent.CompletableFuture<?> http;
      try {
        // HTTP traffic fills the queue behind the held learner, then the records arrive
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 8; i++) {
          lines.append(example(i)).append('\n');
        }
        http = h.ndjsonAsync("/v1/models/k/examples", lines.toString());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rt.queueDepth() < 8 && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        assertThat(rt.queueDepth()).isEqualTo(8);
        produce("tight", 4, 0, n);
        // the learner is held: the queue fills and the source meets queue-full (and retries)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String queueFull =
            "riffle_examples_rejected_total\\{[^}]*reason=\"queue-full\"[^}]*source=\"kafka\"";
        while (!java.util.regex.Pattern.compile(queueFull).matcher(h.get("/metrics").body()).find()
            && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(h.get("/metrics").body()).containsPattern(queueFull);
        assertThat(rt.queueDepth()).isLessThanOrEqualTo(8);
      } finally {
        hold.countDown();
      }
      http.get(30, TimeUnit.SECONDS);
      assertThat(awaitExamples(h, x -> x >= n + 8, 60)).isEqualTo(n + 8);
      Map<String, Object> off = offsets(h);
      for (int p = 0; p < 4; p++) {
        assertThat(((Number) off.get(KafkaSource.key("tight", p))).longValue()).isEqualTo(n / 4);
      }
      assertThat(rt.queueDepth()).isZero();
      assertThat(examples(h)).isEqualTo(n + 8);
    }
  }

  private static String header(
      org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
