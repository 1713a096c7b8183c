package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.riffle.load.ServiceProcess;
import io.riffle.load.gen.Example;
import io.riffle.load.gen.StreamGenerator;
import io.riffle.load.gen.StreamSpec;
import io.riffle.load.gen.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Common ground of the Riffle scenarios.
 *
 * <p>Target: {@code -Driffle.url=http://127.0.0.1:8080}; without it the simulation starts {@code
 * service/target/riffle.jar} itself ({@link ServiceProcess}) and stops it in {@link #after()}.
 * {@link #before()} creates the model ({@code PUT /v1/models/{name}}, {@code riffle.model}) and
 * ingests {@code riffle.warmup} examples (default 2000) so predictions come from a trained model.
 *
 * <p>Shared properties: {@code riffle.seed} (1), {@code riffle.duration} seconds (60), {@code
 * riffle.maxFailedPct} (0: any failed request fails the run). A 429 from ingest is not a failure:
 * it is counted and printed at the end ({@link #THROTTLED}).
 */
public abstract class RiffleSimulation extends Simulation {
  /** 429 answers seen in this JVM's current run. */
  static final AtomicLong THROTTLED = new AtomicLong();

  private static ServiceProcess started;

  protected final String baseUrl;
  protected final String model;
  protected final long seed = (long) Settings.number("riffle.seed", 1);
  protected final Duration duration =
      Duration.ofMillis((long) (Settings.number("riffle.duration", 60) * 1000));
  private final int warmup = Settings.integer("riffle.warmup", 2000);

  protected RiffleSimulation(String defaultModel) {
    this.model = Settings.string("riffle.model", defaultModel);
    this.baseUrl = resolveBaseUrl();
  }

  private static synchronized String resolveBaseUrl() {
    String url = Settings.string("riffle.url", null);
    if (url != null) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
    if (started == null || !started.isAlive()) {
      started = ServiceProcess.start(Duration.ofSeconds(60));
    }
    return started.baseUrl();
  }

  protected HttpProtocolBuilder protocol() {
    return http.baseUrl(baseUrl)
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        .shareConnections();
  }

  /** Path of a model route, e.g. {@code route("predict")}. */
  protected String route(String action) {
    return "/v1/models/" + model + "/" + action;
  }

  /** The run fails when more than {@code riffle.maxFailedPct} percent of requests failed. */
  protected Assertion[] assertions() {
    double pct = Settings.number("riffle.maxFailedPct", 0);
    return new Assertion[] {global().failedRequests().percent().lte(pct)};
  }

  /** Counts a 429 saved as {@code status} by the preceding request. */
  protected static ChainBuilder countThrottled() {
    return CoreDsl.doIf(s -> s.getInt("status") == 429)
        .then(
            CoreDsl.exec(
                (Session s) -> {
                  THROTTLED.incrementAndGet();
                  return s;
                }));
  }

  /** The spec every scenario draws from: the default CTR stream with {@code riffle.seed}. */
  protected StreamSpec spec() {
    return StreamSpec.ctr(seed);
  }

  @Override
  public void before() {
    THROTTLED.set(0);
    HttpClient client = HttpClient.newHttpClient();
    send(
        client,
        HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models/" + model))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(modelConfig())),
        "create model " + model);
    if (warmup > 0) {
      // a different seed from the scenario's, so warm-up and load are different examples
      StreamGenerator g = new StreamGenerator(spec().withSeed(seed ^ 0x5eedL));
      for (int done = 0; done < warmup; ) {
        int n = Math.min(1000, warmup - done);
        List<Example> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(g.next());
        }
        send(
            client,
            HttpRequest.newBuilder(URI.create(baseUrl + route("examples")))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(WireJson.ndjson(batch))),
            "warm-up ingest");
        done += n;
      }
    }
  }

  /** Body of the model's PUT; a binary FTRL model with an SGLD posterior. */
  protected String modelConfig() {
    return "{\"kind\":\"binary\",\"bits\":18,\"shards\":2,"
        + "\"optimizer\":{\"name\":\"ftrl\",\"learning_rate\":0.1},"
        + "\"posterior\":{\"method\":\"sgld\"}}";
  }

  @Override
  public void after() {
    System.out.println("[riffle] " + getClass().getSimpleName() + ": 429 answers " + THROTTLED);
    synchronized (RiffleSimulation.class) {
      if (started != null) {
        started.close();
        started = null;
      }
    }
  }

  private static void send(HttpClient client, HttpRequest.Builder request, String what) {
    try {
      HttpResponse<String> r =
          client.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            what + " answered " + r.statusCode() + " (expected 2xx): " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }
}
