package io.riffle.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.service.config.RiffleConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real Riffle on a free loopback port and a JDK HTTP client talking to it (test support). */
final class Http implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final Riffle riffle;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  private Http(Riffle r) {
    this.riffle = r;
    this.base = "http://127.0.0.1:" + r.port();
  }

  static Http start(RiffleConfig config) throws Exception {
    return new Http(
        Riffle.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
  }

  static RiffleConfig config(Path dir) {
    return RiffleConfig.defaults().with(0, dir.toString()).withModels(Map.of());
  }

  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }
  }

  Response send(String method, String path, String contentType, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers());
  }

  Response get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  Response post(String path, String json) throws Exception {
    return send("POST", path, "application/json", json);
  }

  Response put(String path, String json) throws Exception {
    return send("PUT", path, "application/json", json);
  }

  Response ndjson(String path, String lines) throws Exception {
    return send("POST", path, "application/x-ndjson", lines);
  }

  /** Posts NDJSON without waiting for the answer (a request that stays queued). */
  java.util.concurrent.CompletableFuture<HttpResponse<String>> ndjsonAsync(
      String path, String lines) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(lines))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Graceful stop (final snapshots). */
  void shutdown() throws Exception {
    riffle.shutdown().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (riffle.vertx() != null) {
      try {
        riffle.halt().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already closed
      }
    }
  }
}
