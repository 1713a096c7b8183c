package io.riffle.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riffle.api.Json;
import io.riffle.api.ModelSpecRequest;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.kafka.KafkaBroker;
import io.riffle.service.kafka.KafkaSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka sources managed at runtime over HTTP, delayed feedback records, the Kafka meters, and two
 * Riffle instances sharing one consumer group, all against a real in-JVM broker.
 */
class KafkaSourcesApiTest {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir Path dir;

  static RiffleConfig config(Path dir, Map<String, Map<String, Object>> sources) throws Exception {
    return Http.config(dir)
        .withModels(
            Map.of(
                "k",
                Json.mapper()
                    .readValue(
                        "{\"kind\":\"binary\",\"seed\":7,\"shards\":2}", ModelSpecRequest.class)))
        .withKafka(new RiffleConfig.Kafka(KAFKA.bootstrapServers(), sources));
  }

  static void send(String topic, int partition, String value) throws Exception {
    try (KafkaProducer<String, String> p = KAFKA.producer()) {
      p.send(new ProducerRecord<>(topic, partition, null, value)).get(30, TimeUnit.SECONDS);
    }
  }

  static JsonNode await(Http h, String path, Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode n = h.get(path).json();
    while (!ok.test(n) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      n = h.get(path).json();
    }
    assertThat(ok.test(n)).as("%s reached the expected state: %s", path, n).isTrue();
    return n;
  }

  static long examples(Http h) throws Exception {
    return h.get("/v1/models/k").json().get("examples").asLong();
  }

  @Test
  void sourcesAreManagedOverHttpPersistedAndCarryFeedback() throws Exception {
    KAFKA.createTopic("api1", 2);
    KafkaSourceTest.produce(KAFKA, "api1", 2, 0, 400);
    String body =
        "{\"topic\":\"api1\",\"model\":\"k\",\"groupId\":\"g-api1\",\"deadLetterTopic\":"
            + "\"api1-dlq\",\"properties\":{\"max.poll.records\":50,\"sasl.jaas.config\":\"x\"}}";
    try (Http h = Http.start(config(dir, Map.of()))) {
      assertThat(h.get("/v1/sources").json().get("sources").size()).isZero();
      // refusals change nothing
      Http.Response r = h.put("/v1/sources/s1", "{\"topic\":\"api1\"}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).endsWith("/missing-field");
      r = h.put("/v1/sources/s1", "{\"topic\":\"api1\",\"model\":\"nope\"}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).endsWith("/invalid-source");
      r =
          h.put(
              "/v1/sources/s1",
              "{\"topic\":\"api1\",\"model\":\"k\",\"properties\":{\"max.poll.records\":\"lots\"}}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).endsWith("/invalid-source");
      r = h.put("/v1/sources/s1", "{\"topic\":\"api1\",\"model\":\"k\",\"colour\":\"red\"}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(h.get("/v1/sources").json().get("sources").size()).isZero();
      assertThat(h.get("/v1/sources/s1").status()).isEqualTo(404);
      assertThat(h.get("/v1/sources/s1").json().get("type").asText()).endsWith("/unknown-source");

      r = h.put("/v1/sources/s1", body);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("origin").asText()).isEqualTo("api");
      assertThat(r.json().at("/properties/sasl.jaas.config").asText()).isEqualTo("***");
      JsonNode s =
          await(
              h,
              "/v1/sources/s1",
              n ->
                  n.get("consumed").asLong() == 400
                      && n.get("lag").asLong() == 0
                      && n.get("partitions").size() == 2
                      && n.at("/partitions/0/endOffset").asLong() == 200);
      assertThat(s.get("state").asText()).isEqualTo("running");
      assertThat(s.at("/partitions/1/nextOffset").asLong()).isEqualTo(200);
      assertThat(examples(h)).isEqualTo(400);
      String prom = h.get("/metrics").body();
      assertThat(prom)
          .containsPattern("riffle_kafka_records_consumed_total\\{[^}]*source=\"s1\"[^}]*} 400")
          .containsPattern("riffle_kafka_lag\\{[^}]*partition=\"1\"[^}]*} 0")
          .contains("riffle_kafka_dead_letters_total")
          .contains("riffle_kafka_pauses_total")
          .contains("riffle_kafka_paused_partitions");

      // delayed feedback over Kafka joins a prediction made over HTTP; a stale id is dead-lettered
      String id =
          h.post("/v1/models/k/predict", "{\"features\":{\"f\":\"pos\",\"g\":\"g1\"}}")
              .json()
              .get("predictionId")
              .asText();
      send("api1", 0, "{\"predictionId\":\"" + id + "\",\"label\":1}");
      send("api1", 1, "{\"predictionId\":\"no-such-id\",\"label\":1}");
      s = await(h, "/v1/sources/s1", n -> n.get("consumed").asLong() == 402);
      assertThat(s.get("deadLetters").asLong()).isEqualTo(1);
      assertThat(examples(h)).isEqualTo(401);
      var dlq = KAFKA.readAll("api1-dlq", 1, java.time.Duration.ofSeconds(30));
      assertThat(dlq).hasSize(1);
      assertThat(new String(dlq.get(0).headers().lastHeader(KafkaSource.ERROR_TYPE).value()))
          .isEqualTo("unknown-prediction");
      // the id was consumed: feedback again over HTTP is a conflict, not a second example
      assertThat(
              h.post("/v1/models/k/feedback", "{\"predictionId\":\"" + id + "\",\"label\":0}")
                  .status())
          .isEqualTo(409);
      h.shutdown();
    }

    // the source survives a restart and resumes where the snapshot ended
    try (Http h = Http.start(config(dir, Map.of()))) {
      JsonNode list = h.get("/v1/sources").json().get("sources");
      assertThat(list.size()).isEqualTo(1);
      assertThat(list.get(0).get("name").asText()).isEqualTo("s1");
      assertThat(examples(h)).isEqualTo(401);
      KafkaSourceTest.produce(KAFKA, "api1", 2, 400, 500);
      await(h, "/v1/models/k", n -> n.get("examples").asLong() >= 501);
      await(
          h,
          "/v1/sources/s1",
          n -> n.at("/partitions/0/endOffset").asLong() == 251 && n.get("lag").asLong() == 0);
      assertThat(h.get("/v1/sources/s1").json().get("consumed").asLong()).isEqualTo(100);
      assertThat(examples(h)).isEqualTo(501);

      Http.Response d = h.send("DELETE", "/v1/sources/s1", null, null);
      assertThat(d.status()).isEqualTo(204);
      assertThat(h.get("/v1/sources/s1").status()).isEqualTo(404);
      assertThat(h.send("DELETE", "/v1/sources/s1", null, null).status()).isEqualTo(404);
      assertThat(h.get("/metrics").body()).doesNotContain("source=\"s1\"");
      h.shutdown();
    }
    try (Http h = Http.start(config(dir, Map.of()))) {
      assertThat(h.get("/v1/sources").json().get("sources").size()).isZero();
    }
  }

  @Test
  void configuredSourceDeletedOverHttpStaysDeleted() throws Exception {
    KAFKA.createTopic("cfg1", 1);
    Map<String, Object> src = Map.of("topic", "cfg1", "model", "k", "groupId", "g-cfg1");
    RiffleConfig cfg = config(dir, Map.of("c1", src));
    try (Http h = Http.start(cfg)) {
      JsonNode s = h.get("/v1/sources/c1").json();
      assertThat(s.get("origin").asText()).isEqualTo("config");
      assertThat(h.send("DELETE", "/v1/sources/c1", null, null).status()).isEqualTo(204);
      h.shutdown();
    }
    try (Http h = Http.start(cfg)) {
      assertThat(h.get("/v1/sources/c1").status()).isEqualTo(404);
      // putting it back through the API makes it an API source again
      assertThat(h.put("/v1/sources/c1", "{\"topic\":\"cfg1\",\"model\":\"k\"}").status())
          .isEqualTo(201);
      h.shutdown();
    }
    try (Http h = Http.start(cfg)) {
      assertThat(h.get("/v1/sources/c1").json().get("origin").asText()).isEqualTo("api");
    }
  }

  @Test
  void twoInstancesInOneGroupLearnEachRecordOnceAndSnapshotOnRevocation(@TempDir Path other)
      throws Exception {
    int n1 = 2000;
    int n2 = 2000;
    KAFKA.createTopic("reb", 4);
    KafkaSourceTest.produce(KAFKA, "reb", 4, 0, n1);
    Map<String, Object> src =
        Map.of(
            "topic",
            "reb",
            "model",
            "k",
            "groupId",
            "g-reb",
            "properties",
            Map.of("max.poll.records", "100"));
    try (Http a = Http.start(config(dir, Map.of("src", src)))) {
      await(
          a,
          "/v1/sources/src",
          s -> s.get("consumed").asLong() == n1 && s.get("lag").asLong() == 0);
      assertThat(a.get("/v1/sources/src").json().get("partitions").size()).isEqualTo(4);
      try (Http b = Http.start(config(other, Map.of("src", src)))) {
        // the group rebalances: A gives partitions up (after a snapshot), B takes them
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode sa = a.get("/v1/sources/src").json();
        JsonNode sb = b.get("/v1/sources/src").json();
        while (!(sa.get("partitions").size() > 0
                && sb.get("partitions").size() > 0
                && sa.get("partitions").size() + sb.get("partitions").size() == 4)
            && System.nanoTime() < until) {
          Thread.onSpinWait();
          sa = a.get("/v1/sources/src").json();
          sb = b.get("/v1/sources/src").json();
        }
        assertThat(sa.get("partitions").size()).isPositive();
        assertThat(sb.get("partitions").size()).isPositive();
        assertThat(sa.get("partitions").size() + sb.get("partitions").size()).isEqualTo(4);
        assertThat(sa.get("revocationSnapshots").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.get("/v1/models/k/snapshots").json().get("snapshots").size())
            .isGreaterThanOrEqualTo(1);
        // B starts where A's snapshot ended: it relearns nothing of the first batch
        assertThat(examples(b)).isZero();
        KafkaSourceTest.produce(KAFKA, "reb", 4, n1, n1 + n2);
        await(
            b,
            "/v1/sources/src",
            s -> s.get("lag").asLong() == 0 && s.get("consumed").asLong() > 0);
        await(a, "/v1/sources/src", s -> s.get("lag").asLong() == 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (examples(a) + examples(b) < n1 + n2 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(examples(a) + examples(b)).isEqualTo(n1 + n2);
        assertThat(examples(b)).isPositive();
        assertThat(examples(a)).isGreaterThan(n1);
      }
    }
  }
}
