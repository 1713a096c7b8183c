package io.riffle.service;

import io.riffle.service.config.RiffleConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar riffle.jar [--config riffle.yaml]}: starts Riffle on the file named by {@code
 * --config} or {@code RIFFLE_CONFIG} (or on the embedded defaults), with environment overrides (see
 * {@link RiffleConfig}). SIGTERM (and Ctrl-C) stop it gracefully.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    String file = System.getenv("RIFFLE_CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        System.err.println("usage: java -jar riffle.jar [--config riffle.yaml]");
        System.exit(2);
      }
    }
    RiffleConfig config;
    try {
      config = RiffleConfig.load(file == null ? null : Path.of(file), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("riffle: " + e.getMessage());
      System.exit(2);
      return;
    }
    Riffle riffle;
    try {
      riffle = Riffle.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.error("start-up failed", e.getCause());
      System.exit(1);
      return;
    }
    long up = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    LOG.info("ready {} ms after JVM start", up);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    riffle
                        .shutdown()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(120, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.error("graceful shutdown did not finish", e);
                  }
                },
                "riffle-shutdown"));
  }
}
