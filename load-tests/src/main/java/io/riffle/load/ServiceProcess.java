package io.riffle.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Riffle service jar ({@code service/target/riffle.jar}) running as a child process on a free
 * loopback port with a fresh data directory.
 *
 * <p>Call order: {@link #locateJar()} (empty when the jar is not built: callers skip), {@link
 * #start(Path, Duration)}, use {@link #baseUrl()}, then {@link #close()} (also run by a shutdown
 * hook, so a killed test JVM does not leave the service behind). The port is chosen by binding a
 * {@link ServerSocket} to port 0 and closing it (the service does not accept port 0), so another
 * process could take it in between; start then fails with the service's log tail.
 *
 * <p>Readiness: {@code GET /health/ready} is polled every 100 ms until it answers 200, the process
 * exits, or the deadline passes. The service's stdout and stderr go to {@code service.log} in the
 * data directory, which is deleted on close unless the start failed.
 */
public final class ServiceProcess implements AutoCloseable {
  /** System property naming the jar; overrides the search from the working directory. */
  public static final String JAR_PROPERTY = "riffle.jar";

  private static final Duration POLL = Duration.ofMillis(100);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path log;
  private final Thread hook;

  private ServiceProcess(Process process, int port, Path dataDir, Path log) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.log = log;
    this.hook = new Thread(process::destroyForcibly, "riffle-service-reaper");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The service jar: the {@value #JAR_PROPERTY} system property if set, else {@code
   * service/target/riffle.jar} in the working directory or any parent (Maven runs a module's tests
   * in the module directory). Empty if no such file exists.
   */
  public static Optional<Path> locateJar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("service").resolve("target").resolve("riffle.jar");
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Starts the located jar; fails if there is none. */
  public static ServiceProcess start(Duration readyDeadline) {
    return start(readyDeadline, null);
  }

  /** Starts the located jar with {@code config} (see {@link #start(Path, Duration, String)}). */
  public static ServiceProcess start(Duration readyDeadline, String config) {
    Path jar =
        locateJar()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no service jar: build service/target/riffle.jar or set -D"
                            + JAR_PROPERTY));
    return start(jar, readyDeadline, config);
  }

  /**
   * Starts {@code jar} with {@code RIFFLE_HTTP_PORT} set to a free port and {@code RIFFLE_DATA_DIR}
   * to a new temporary directory, and waits until it is ready.
   *
   * @throws IllegalStateException if it exits or is not ready by the deadline (it is then
   *     destroyed; the message holds the log's tail)
   */
  public static ServiceProcess start(Path jar, Duration readyDeadline) {
    return start(jar, readyDeadline, null);
  }

  /**
   * As {@link #start(Path, Duration)}, with {@code config} (YAML or JSON, or null for the embedded
   * defaults) written to {@code riffle.yaml} in the temporary directory and passed as {@code
   * --config}. The environment still sets the port and the data directory (environment overrides
   * win over the file), so the config need not name them.
   */
  public static ServiceProcess start(Path jar, Duration readyDeadline, String config) {
    try {
      Path dataDir = Files.createTempDirectory("riffle-load-");
      Path log = dataDir.resolve("service.log");
      int port = freePort();
      List<String> command =
          new ArrayList<>(List.of(javaBinary(), "-jar", jar.toAbsolutePath().toString()));
      if (config != null) {
        Path file = dataDir.resolve("riffle.yaml");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        command.add("--config");
        command.add(file.toString());
      }
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("RIFFLE_HTTP_PORT", Integer.toString(port));
      pb.environment().put("RIFFLE_DATA_DIR", dataDir.resolve("data").toString());
      // admin routes stay open: the scenarios create their own models
      pb.environment().remove("RIFFLE_ADMIN_TOKEN");
      ServiceProcess sp = new ServiceProcess(pb.start(), port, dataDir, log);
      try {
        sp.awaitReady(readyDeadline);
      } catch (RuntimeException e) {
        sp.destroy();
        throw e;
      }
      return sp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + jar, e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, no trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The port the service listens on. */
  public int port() {
    return port;
  }

  /** The service's combined stdout and stderr. */
  public Path log() {
    return log;
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the service (SIGTERM, then SIGKILL after 10 s) and deletes its data directory. */
  @Override
  public void close() {
    destroy();
    deleteRecursively(dataDir);
  }

  private void destroy() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or has run
    }
  }

  private void awaitReady(Duration deadline) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    long end = System.nanoTime() + deadline.toNanos();
    int lastStatus = -1;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited with status " + process.exitValue() + " before ready\n" + logTail());
      }
      try {
        HttpResponse<Void> r = client.send(ready, HttpResponse.BodyHandlers.discarding());
        lastStatus = r.statusCode();
        if (lastStatus == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      } catch (IOException e) {
        // reset or timeout while starting: poll again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the service", e);
      }
      if (System.nanoTime() - end > 0) {
        throw new IllegalStateException(
            "service not ready within "
                + deadline
                + " (last /health/ready status "
                + lastStatus
                + ")\n"
                + logTail());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the service", e);
      }
    }
  }

  /** The last 40 lines of the service log. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** The running JVM's java binary, else {@code java.home}'s. */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Files.isExecutable(Path.of(c)))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temp directory left behind is harmless
    }
  }
}
