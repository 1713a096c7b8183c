package io.riffle.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the service with its HTTP contract's shapes but no learning, run as {@code java
 * -jar} by the tests, so {@link ServiceProcess} and the Gatling scenarios are exercised before the
 * real jar exists. Reads {@code RIFFLE_HTTP_PORT}; answers {@code /health/ready} 200 only after
 * {@code RIFFLE_FAKE_READY_DELAY_MS} (default 300) so readiness polling is tested; predict on the
 * model {@code broken} answers 500, so a test can see a failed run fail.
 */
public final class FakeRiffle {
  private static final AtomicLong IDS = new AtomicLong();

  private FakeRiffle() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv("RIFFLE_HTTP_PORT"));
    long readyAt =
        System.nanoTime()
            + Long.parseLong(System.getenv().getOrDefault("RIFFLE_FAKE_READY_DELAY_MS", "300"))
                * 1_000_000;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/health/ready", ex -> reply(ex, System.nanoTime() - readyAt >= 0 ? 200 : 503, "{}"));
    server.createContext("/v1/models/", FakeRiffle::model);
    // echoes the file named by --config, so ServiceProcessTest can see what the launcher passed
    String config = args.length == 2 && args[0].equals("--config") ? args[1] : null;
    server.createContext(
        "/fake/config",
        ex ->
            reply(
                ex,
                config == null ? 404 : 200,
                config == null ? "{}" : Files.readString(Path.of(config), StandardCharsets.UTF_8)));
    server.start();
  }

  private static void model(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String body;
    try (InputStream in = ex.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String method = ex.getRequestMethod();
    if (method.equals("PUT") && path.matches("/v1/models/[^/]+")) {
      reply(ex, 200, "{\"kind\":\"binary\"}");
    } else if (path.endsWith("/examples")) {
      long lines = body.lines().filter(l -> !l.isBlank()).count();
      reply(ex, 200, "{\"accepted\":" + lines + ",\"rejected\":0,\"errors\":[]}");
    } else if (path.equals("/v1/models/broken/predict")) {
      reply(ex, 500, "{\"title\":\"broken on purpose\"}");
    } else if (path.endsWith("/predict")) {
      reply(
          ex,
          200,
          "{\"prediction\":0.5,\"uncertainty\":{\"mean\":0.5,\"std\":0.1,\"quantiles\":[0.4,0.6]},"
              + "\"version\":1,\"predictionId\":\"p"
              + IDS.incrementAndGet()
              + "\"}");
    } else if (path.endsWith("/rank")) {
      int a = body.indexOf("\"actions\":[{\"id\":\"");
      String chosen = a < 0 ? "none" : body.substring(a + 18, body.indexOf('"', a + 18));
      reply(
          ex,
          200,
          "{\"chosen\":\""
              + chosen
              + "\",\"actions\":[],\"predictionId\":\"r"
              + IDS.incrementAndGet()
              + "\"}");
    } else if (path.endsWith("/feedback")) {
      reply(ex, body.contains("\"predictionId\"") ? 200 : 400, "{\"accepted\":1}");
    } else {
      reply(ex, 404, "{}");
    }
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
