package io.riffle.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a user runs it, in its own process: SIGKILL loses only what came after the
 * last snapshot and the restart restores that snapshot; SIGTERM drains and writes a final snapshot
 * so the restart resumes with every example.
 */
class ProcessRestartTest {
  @TempDir Path dir;
  final HttpClient client = HttpClient.newHttpClient();

  static Path jar() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path j = p.resolve("service/target/riffle.jar");
      if (Files.exists(j)) {
        return j;
      }
    }
    return null;
  }

  Process start(Path jar, int port) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString());
    pb.environment().put("RIFFLE_HTTP_PORT", Integer.toString(port));
    pb.environment().put("RIFFLE_DATA_DIR", dir.resolve("data").toString());
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("riffle-" + port + ".log").toFile());
    return pb.start();
  }

  String call(int port, String method, String path, String type, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return r.body();
  }

  void awaitReady(Process p, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("riffle exited early").isTrue();
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      p.waitFor(50, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("riffle not ready within 60 s");
  }

  static final Pattern EXAMPLES = Pattern.compile("\"version\":\\d+,\"examples\":(\\d+)");

  long examples(int port) throws Exception {
    Matcher m = EXAMPLES.matcher(call(port, "GET", "/v1/models/k", null, null));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String lines(int n, int salt) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"features\":{\"f\":\"v")
          .append((i * 31 + salt) % 97)
          .append("\"},\"label\":")
          .append(i % 2)
          .append("}\n");
    }
    return sb.toString();
  }

  @Test
  void killMinus9RestoresTheLastSnapshotAndSigtermLosesNothing() throws Exception {
    Path jar = jar();
    assumeTrue(jar != null, "service/target/riffle.jar not built");
    int port = freePort();
    Process p = start(jar, port);
    try {
      awaitReady(p, port);
      call(
          port,
          "PUT",
          "/v1/models/k",
          "application/json",
          "{\"kind\":\"binary\",\"shards\":2,\"posterior\":{\"method\":\"sgld\"},"
              + "\"snapshotEvery\":{\"examples\":1000000}}");
      call(port, "POST", "/v1/models/k/examples", "application/x-ndjson", lines(1000, 1));
      call(port, "POST", "/v1/models/k/snapshots", null, null);
      call(port, "POST", "/v1/models/k/examples", "application/x-ndjson", lines(500, 2));
      assertThat(examples(port)).isEqualTo(1500);
    } finally {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no hook runs
    }
    port = freePort();
    p = start(jar, port);
    try {
      awaitReady(p, port);
      assertThat(examples(port)).isEqualTo(1000); // the last snapshot, intact
      call(port, "POST", "/v1/models/k/examples", "application/x-ndjson", lines(700, 3));
      assertThat(examples(port)).isEqualTo(1700);
    } finally {
      p.destroy(); // SIGTERM: drain, final snapshot, exit
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    String log = Files.readString(dir.resolve("riffle-" + port + ".log"));
    assertThat(log).contains("shutting down").contains("Riffle stopped");
    port = freePort();
    p = start(jar, port);
    try {
      awaitReady(p, port);
      assertThat(examples(port)).isEqualTo(1700);
    } finally {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
