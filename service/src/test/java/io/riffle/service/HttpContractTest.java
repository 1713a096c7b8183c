package io.riffle.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riffle.api.ProblemType;
import io.riffle.service.config.RiffleConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error type through real HTTP (and that a refused request changes nothing), concurrent
 * ingest and predict on several models, the Prometheus exposition and the OpenAPI document.
 */
class HttpContractTest {
  @TempDir static Path dir;
  static Http h;
  static final String TOKEN = "s3cret";
  static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

  @BeforeAll
  static void start() throws Exception {
    RiffleConfig c =
        Http.config(dir).withAdminToken(TOKEN).withFeedback(new RiffleConfig.Feedback(1000, 0.5));
    c =
        new RiffleConfig(
            new RiffleConfig.Http("127.0.0.1", 0, 2, 64L * 1024),
            c.dataDir(),
            TOKEN,
            c.snapshots(),
            c.ingest(),
            c.feedback(),
            c.models(),
            c.kafka());
    h = Http.start(c);
    Http.Response r =
        h.send(
            "PUT",
            "/v1/models/m",
            "application/json",
            "{\"kind\":\"binary\",\"shards\":2,\"posterior\":{\"method\":\"sgld\"}}",
            AUTH);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  private static void problem(Http.Response r, ProblemType t) {
    assertThat(r.status()).as(r.body()).isEqualTo(t.status());
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("type").asText()).isEqualTo(t.uri());
    assertThat(p.get("status").asInt()).isEqualTo(t.status());
    assertThat(p.get("detail").asText()).isNotBlank();
  }

  private static long examples() throws Exception {
    return h.get("/v1/models/m").json().get("examples").asLong();
  }

  @Test
  void everyErrorTypeAndNothingChanges() throws Exception {
    long before = examples();
    String ex = "/v1/models/m/examples";
    problem(h.post(ex, "{\"features\": {"), ProblemType.MALFORMED_JSON);
    problem(h.post(ex, "{\"features\":{\"a\":{\"b\":1}},\"label\":1}"), ProblemType.WRONG_TYPE);
    problem(h.post(ex, "{\"features\":\"x\",\"label\":1}"), ProblemType.WRONG_TYPE);
    problem(h.post(ex, "{\"features\":{\"a\":NaN},\"label\":1}"), ProblemType.NON_FINITE_NUMBER);
    problem(h.post(ex, "{\"features\":{\"a\":1e999},\"label\":1}"), ProblemType.NON_FINITE_NUMBER);
    problem(h.post(ex, "{\"features\":{\"a\":1},\"label\":3}"), ProblemType.LABEL_OUT_OF_RANGE);
    problem(h.post(ex, "{\"features\":{\"a\":1}}"), ProblemType.MISSING_FIELD);
    problem(
        h.post(ex, "{\"features\":{\"a\":1},\"label\":1,\"lable\":1}"),
        ProblemType.INVALID_REQUEST);
    problem(
        h.post("/v1/models/nope/examples", "{\"features\":{},\"label\":1}"),
        ProblemType.UNKNOWN_MODEL);
    problem(h.post("/v1/models/nope/predict", "{\"features\":{}}"), ProblemType.UNKNOWN_MODEL);
    problem(h.send("POST", ex, "text/csv", "a,b"), ProblemType.UNSUPPORTED_MEDIA_TYPE);
    problem(
        h.ndjson(ex, "{\"features\":{\"a\":\"" + "x".repeat(70_000) + "\"},\"label\":1}"),
        ProblemType.PAYLOAD_TOO_LARGE);
    problem(h.put("/v1/models/x", "{\"kind\":\"binary\"}"), ProblemType.UNAUTHORIZED);
    problem(
        h.send(
            "PUT",
            "/v1/models/x",
            "application/json",
            "{\"kind\":\"binary\"}",
            "Authorization",
            "Bearer wrong"),
        ProblemType.UNAUTHORIZED);
    problem(
        h.send("PUT", "/v1/models/x", "application/json", "{\"kind\":\"tree\"}", AUTH),
        ProblemType.INVALID_SPEC);
    problem(
        h.send(
            "PUT",
            "/v1/models/x",
            "application/json",
            "{\"kind\":\"binary\",\"optimizer\":{\"name\":\"ftrl\",\"learning_rate\":-1}}",
            AUTH),
        ProblemType.INVALID_SPEC);
    Http.Response tf =
        h.send(
            "PUT",
            "/v1/models/x",
            "application/json",
            "{\"kind\":\"binary\",\"text\":[\"body\"],\"textWeighting\":\"tfidf\"}",
            AUTH);
    problem(tf, ProblemType.INVALID_SPEC);
    assertThat(tf.json().get("detail").asText()).contains("count, log, binary");
    problem(h.send("DELETE", "/v1/models/m", null, null), ProblemType.UNAUTHORIZED);
    problem(
        h.post("/v1/models/m/predict", "{\"features\":{\"a\":1},\"samples\":-1}"),
        ProblemType.INVALID_REQUEST);
    problem(
        h.post("/v1/models/m/feedback", "{\"predictionId\":\"nope\",\"label\":1}"),
        ProblemType.UNKNOWN_PREDICTION);
    problem(h.get("/v1/nothing"), ProblemType.NOT_FOUND);
    problem(
        h.send("POST", "/v1/models/m/snapshots/99/restore", null, null, AUTH),
        ProblemType.UNKNOWN_SNAPSHOT);
    // NDJSON: bad lines are rejected alone
    Http.Response r =
        h.ndjson(
            ex,
            "{\"features\":{\"a\":\"x\"},\"label\":1}\n{oops\n\n{\"features\":{\"a\":\"y\"},\"label\":0}\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).isEqualTo(2);
    assertThat(r.json().get("rejected").asInt()).isEqualTo(1);
    assertThat(r.json().at("/errors/0/line").asInt()).isEqualTo(2);
    assertThat(r.json().at("/errors/0/type").asText()).isEqualTo("malformed-json");
    assertThat(examples()).isEqualTo(before + 2);
    // a refused request leaves every weight finite and the connection pool alive
    JsonNode p = h.post("/v1/models/m/predict", "{\"features\":{\"a\":\"x\"}}").json();
    assertThat(p.get("prediction").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void delayedFeedbackJoinsOnceAndExpires() throws Exception {
    String id =
        h.post("/v1/models/m/predict", "{\"features\":{\"k\":\"v\"}}")
            .json()
            .get("predictionId")
            .asText();
    long before = examples();
    Http.Response f =
        h.post("/v1/models/m/feedback", "{\"predictionId\":\"" + id + "\",\"label\":1}");
    assertThat(f.status()).as(f.body()).isEqualTo(200);
    assertThat(examples()).isEqualTo(before + 1);
    problem(
        h.post("/v1/models/m/feedback", "{\"predictionId\":\"" + id + "\",\"label\":1}"),
        ProblemType.FEEDBACK_ALREADY_GIVEN);
    String old =
        h.post("/v1/models/m/predict", "{\"features\":{\"k\":\"w\"}}")
            .json()
            .get("predictionId")
            .asText();
    // the TTL is 0.5 s: poll the live route until it has surely passed, then the id is gone
    long expiry = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
    while (System.nanoTime() < expiry) {
      assertThat(h.get("/health/live").status()).isEqualTo(200);
    }
    problem(
        h.post("/v1/models/m/feedback", "{\"predictionId\":\"" + old + "\",\"label\":0}"),
        ProblemType.PREDICTION_EXPIRED);
  }

  @Test
  void snapshotRollbackReplaceAndDelete() throws Exception {
    assertThat(
            h.send("PUT", "/v1/models/r", "application/json", "{\"kind\":\"binary\"}", AUTH)
                .status())
        .isEqualTo(201);
    String ten = "{\"features\":{\"a\":\"x\"},\"label\":1}\n".repeat(10);
    assertThat(h.ndjson("/v1/models/r/examples", ten).json().get("accepted").asInt()).isEqualTo(10);
    Http.Response snap = h.post("/v1/models/r/snapshots", null);
    assertThat(snap.status()).isEqualTo(201);
    long v = snap.json().get("version").asLong();
    double p10 =
        h.post("/v1/models/r/predict", "{\"features\":{\"a\":\"x\"}}")
            .json()
            .get("prediction")
            .asDouble();
    h.ndjson("/v1/models/r/examples", ten);
    assertThat(h.get("/v1/models/r").json().get("examples").asLong()).isEqualTo(20);
    assertThat(h.get("/v1/models/r/snapshots").json().get("snapshots").size()).isEqualTo(2);
    problem(
        h.send("POST", "/v1/models/r/snapshots/" + v + "/restore", null, null),
        ProblemType.UNAUTHORIZED);
    Http.Response back =
        h.send("POST", "/v1/models/r/snapshots/" + v + "/restore", null, null, AUTH);
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(back.json().get("examples").asLong()).isEqualTo(10);
    assertThat(
            h.post("/v1/models/r/predict", "{\"features\":{\"a\":\"x\"}}")
                .json()
                .get("prediction")
                .asDouble())
        .isEqualTo(p10);
    Http.Response replaced =
        h.send("PUT", "/v1/models/r", "application/json", "{\"kind\":\"regression\"}", AUTH);
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().get("examples").asLong()).isZero();
    assertThat(replaced.json().at("/spec/kind").asText()).isEqualTo("regression");
    assertThat(h.send("DELETE", "/v1/models/r", null, null, AUTH).status()).isEqualTo(204);
    problem(h.get("/v1/models/r"), ProblemType.UNKNOWN_MODEL);
    assertThat(h.get("/v1/models").json().get("models").findValuesAsText("name"))
        .doesNotContain("r");
  }

  @Test
  void multiclassDenseAndBatchPredictions() throws Exception {
    assertThat(
            h.send(
                    "PUT",
                    "/v1/models/mc",
                    "application/json",
                    "{\"kind\":\"multiclass\",\"classes\":[\"cat\",\"dog\",\"bird\"],"
                        + "\"posterior\":{\"method\":\"sgld\"}}",
                    AUTH)
                .status())
        .isEqualTo(201);
    StringBuilder sb = new StringBuilder();
    String[] names = {"cat", "dog", "bird"};
    for (int i = 0; i < 300; i++) {
      sb.append("{\"features\":{\"sound\":\"s")
          .append(i % 3)
          .append("\"},\"label\":\"")
          .append(names[i % 3])
          .append("\"}\n");
    }
    assertThat(h.ndjson("/v1/models/mc/examples", sb.toString()).json().get("accepted").asInt())
        .isEqualTo(300);
    problem(
        h.post("/v1/models/mc/examples", "{\"features\":{\"sound\":\"s0\"},\"label\":\"cow\"}"),
        ProblemType.LABEL_OUT_OF_RANGE);
    JsonNode p =
        h.post("/v1/models/mc/predict", "{\"features\":{\"sound\":\"s1\"},\"samples\":16}").json();
    assertThat(p.get("class").asText()).isEqualTo("dog");
    assertThat(p.get("prediction")).hasSize(3);
    assertThat(p.get("uncertainty")).hasSize(3);

    assertThat(
            h.send(
                    "PUT",
                    "/v1/models/dn",
                    "application/json",
                    "{\"kind\":\"dense\",\"dim\":4,\"loss\":\"squared\"}",
                    AUTH)
                .status())
        .isEqualTo(201);
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      double x = (i % 10) / 10.0;
      d.append("{\"features\":{\"vector\":[")
          .append(x)
          .append(",1,0,0]},\"label\":")
          .append(2 * x)
          .append("}\n");
    }
    assertThat(h.ndjson("/v1/models/dn/examples", d.toString()).json().get("accepted").asInt())
        .isEqualTo(200);
    problem(
        h.post("/v1/models/dn/predict", "{\"features\":{\"vector\":[1,2]}}"),
        ProblemType.INVALID_FEATURE);
    JsonNode batch =
        h.post(
                "/v1/models/dn/predict",
                "{\"instances\":[{\"vector\":[0.1,1,0,0]},{\"vector\":[0.9,1,0,0]}]}")
            .json();
    assertThat(batch.get("predictions")).hasSize(2);
    assertThat(batch.at("/predictions/1/prediction").asDouble())
        .isGreaterThan(batch.at("/predictions/0/prediction").asDouble());
  }

  @Test
  void rankChoosesAnActionAndLearnsFromIt() throws Exception {
    JsonNode r =
        h.post(
                "/v1/models/m/rank",
                "{\"context\":{\"user\":\"u1\"},\"actions\":[{\"id\":\"a\",\"features\":{\"item\":\"a\"}},"
                    + "{\"id\":\"b\",\"features\":{\"item\":\"b\"}}]}")
            .json();
    assertThat(r.get("chosen").asText()).isIn("a", "b");
    assertThat(r.get("actions")).hasSize(2);
    long before = examples();
    assertThat(
            h.post(
                    "/v1/models/m/feedback",
                    "{\"predictionId\":\"" + r.get("predictionId").asText() + "\",\"label\":1}")
                .status())
        .isEqualTo(200);
    assertThat(examples()).isEqualTo(before + 1);
  }

  @Test
  void concurrentIngestAndPredictOnSeveralModels() throws Exception {
    for (String m : List.of("c1", "c2", "c3")) {
      assertThat(
              h.send(
                      "PUT",
                      "/v1/models/" + m,
                      "application/json",
                      "{\"kind\":\""
                          + (m.equals("c3") ? "regression" : "binary")
                          + "\",\"shards\":2}",
                      AUTH)
                  .status())
          .isEqualTo(201);
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Integer>> fs = new ArrayList<>();
    for (String m : List.of("c1", "c2", "c3")) {
      fs.add(
          pool.submit(
              () -> {
                int ok = 0;
                for (int b = 0; b < 10; b++) {
                  StringBuilder sb = new StringBuilder();
                  for (int i = 0; i < 100; i++) {
                    sb.append("{\"features\":{\"f\":\"v")
                        .append(i % 7)
                        .append("\",\"x\":")
                        .append(i / 100.0)
                        .append("},\"label\":")
                        .append(i % 2)
                        .append("}\n");
                  }
                  Http.Response r = h.ndjson("/v1/models/" + m + "/examples", sb.toString());
                  assertThat(r.status()).as(r.body()).isEqualTo(200);
                  ok += r.json().get("accepted").asInt();
                }
                return ok;
              }));
      fs.add(
          pool.submit(
              () -> {
                int ok = 0;
                for (int i = 0; i < 100; i++) {
                  Http.Response r =
                      h.post("/v1/models/" + m + "/predict", "{\"features\":{\"f\":\"v1\"}}");
                  assertThat(r.status()).isEqualTo(200);
                  assertThat(Double.isFinite(r.json().get("prediction").asDouble())).isTrue();
                  ok++;
                }
                return ok;
              }));
    }
    for (Future<Integer> f : fs) {
      assertThat(f.get(120, TimeUnit.SECONDS)).isIn(1000, 100);
    }
    pool.shutdown();
    for (String m : List.of("c1", "c2", "c3")) {
      assertThat(h.get("/v1/models/" + m).json().get("examples").asLong()).isEqualTo(1000);
    }
  }

  private static final Pattern SAMPLE =
      Pattern.compile(
          "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? "
              + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

  @Test
  void prometheusTextParsesAndNamesRiffleMeters() throws Exception {
    h.post("/v1/models/m/predict", "{\"features\":{\"a\":\"x\"}}");
    h.ndjson("/v1/models/m/examples", "{\"features\":{\"a\":\"x\"},\"label\":1}");
    Http.Response r = h.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    for (String line : r.body().split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        assertThat(line).matches("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
      } else {
        assertThat(SAMPLE.matcher(line).matches()).as(line).isTrue();
      }
    }
    assertThat(r.body())
        .contains("riffle_examples_ingested_total{model=\"m\"")
        .contains("riffle_predict_latency_seconds_bucket{")
        .contains("riffle_queue_depth{model=\"m\"}")
        .contains("riffle_progressive_loss{model=\"m\"}")
        .contains("vertx_http_server_requests_total")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void openapiIsAValidOpenApi3Document() throws Exception {
    Http.Response r = h.get("/openapi.yaml");
    assertThat(r.status()).isEqualTo(200);
    // vertx-openapi validates the document against the OpenAPI 3 meta-schema, then refuses media
    // types its request validator does not handle (problem+json, x-ndjson, yaml): those are
    // renamed here so that what the test checks is the structural validation
    String body =
        r.body()
            .replace("application/problem+json", "application/json")
            .replace("application/x-ndjson", "text/plain")
            .replace("application/yaml", "text/plain");
    Map<?, ?> doc =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readValue(body, Map.class);
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract c =
          OpenAPIContract.from(vertx, new JsonObject(Http.JSON.writeValueAsString(doc)))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(c.operations()).hasSizeGreaterThanOrEqualTo(16);
    } finally {
      vertx.close();
    }
  }
}
