package io.riffle.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.api.Example;
import io.riffle.api.ExampleBatch;
import io.riffle.api.ProblemType;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRuntime;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event-bus endpoints, and backpressure: a full queue answers 429 and queues nothing. */
class BusAndBackpressureTest {
  @TempDir Path dir;

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void eventBusIngestsJsonAndBatchesAndPredicts() throws Exception {
    try (Http h = Http.start(Http.config(dir))) {
      assertThat(h.put("/v1/models/b", "{\"kind\":\"binary\"}").status()).isEqualTo(201);
      EventBus eb = h.riffle.vertx().eventBus();
      JsonObject one =
          await(
                  eb.<JsonObject>request(
                      "riffle.examples.b",
                      new JsonObject()
                          .put("features", new JsonObject().put("a", "x"))
                          .put("label", 1)))
              .body();
      assertThat(one.getInteger("accepted")).isEqualTo(1);
      JsonObject arr =
          await(
                  eb.<JsonObject>request(
                      "riffle.examples.b",
                      new JsonArray()
                          .add(
                              new JsonObject()
                                  .put("features", new JsonObject().put("a", "y"))
                                  .put("label", 0))
                          .add(
                              new JsonObject()
                                  .put("features", new JsonObject().put("a", "y"))
                                  .put("label", 9))))
              .body();
      assertThat(arr.getInteger("accepted")).isEqualTo(1);
      assertThat(arr.getInteger("rejected")).isEqualTo(1);
      JsonObject batch =
          await(
                  eb.<JsonObject>request(
                      "riffle.examples.b",
                      new ExampleBatch(
                          List.of(
                              new Example("e1", Map.of("a", "z"), 1, null),
                              new Example("e2", Map.of("a", "z"), 1, 2.0)))))
              .body();
      assertThat(batch.getInteger("accepted")).isEqualTo(2);
      assertThat(h.get("/v1/models/b").json().get("examples").asLong()).isEqualTo(4);
      JsonObject p =
          await(
                  eb.<JsonObject>request(
                      "riffle.predict.b",
                      new JsonObject().put("features", new JsonObject().put("a", "z"))))
              .body();
      assertThat(p.getDouble("prediction")).isBetween(0.5, 1.0);
      ExecutionException bad =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () -> await(eb.request("riffle.examples.b", new JsonObject().put("features", 3))));
      assertThat(((ReplyException) bad.getCause()).failureCode()).isEqualTo(400);
    }
  }

  @Test
  void fullQueueAnswers429AndQueuesNothing() throws Exception {
    RiffleConfig c = Http.config(dir).withIngest(new RiffleConfig.Ingest(10, 256));
    try (Http h = Http.start(c)) {
      assertThat(h.put("/v1/models/q", "{\"kind\":\"binary\"}").status()).isEqualTo(201);
      ModelRuntime rt = h.riffle.models().require("q");
      CountDownLatch hold = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(1);
      // hold the learner so that queued examples stay queued
      var holding =
          h.riffle
              .models()
              .command(
                  rt,
                  new LearnerVerticle.OnWriter(
                      () -> {
                        held.countDown();
                        try {
                          hold.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }));
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      StringBuilder eight = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        eight.append("{\"features\":{\"a\":\"x\"},\"label\":1}\n");
      }
      var first = h.ndjsonAsync("/v1/models/q/examples", eight.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (rt.queueDepth() < 8 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(rt.queueDepth()).isEqualTo(8);
      Http.Response full = h.ndjson("/v1/models/q/examples", eight.toString());
      assertThat(full.status()).isEqualTo(429);
      assertThat(full.headers().firstValue("Retry-After")).contains("1");
      assertThat(full.json().get("type").asText()).isEqualTo(ProblemType.QUEUE_FULL.uri());
      assertThat(rt.queueDepth()).isEqualTo(8);
      hold.countDown();
      await(holding);
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(h.get("/v1/models/q").json().get("examples").asLong()).isEqualTo(8);
      assertThat(rt.queueDepth()).isZero();
      assertThat(h.get("/metrics").body())
          .contains(
              "riffle_examples_rejected_total{model=\"q\",reason=\"queue-full\",source=\"http\"} 8.0");
    }
  }

  @Test
  void shutdownDrainsQueuesAndWritesAFinalSnapshot() throws Exception {
    Http h = Http.start(Http.config(dir));
    assertThat(h.put("/v1/models/s", "{\"kind\":\"regression\"}").status()).isEqualTo(201);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      sb.append("{\"features\":{\"x\":")
          .append(i % 10)
          .append("},\"label\":")
          .append(i % 10 * 0.5)
          .append("}\n");
    }
    assertThat(h.ndjson("/v1/models/s/examples", sb.toString()).status()).isEqualTo(200);
    h.shutdown();
    assertThat(h.riffle.ready()).isFalse();
    try (Http again = Http.start(Http.config(dir))) {
      assertThat(again.get("/v1/models/s").json().get("examples").asLong()).isEqualTo(3000);
      assertThat(again.get("/v1/models/s/snapshots").json().get("snapshots").size())
          .isGreaterThanOrEqualTo(2);
    }
  }
}
