package io.riffle.service.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import io.riffle.api.ApiException;
import io.riffle.api.Json;
import io.riffle.api.ProblemType;
import io.riffle.api.SourceRequest;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.ingest.IngestPipeline;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.ModelRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sources of one Riffle: those of the configuration file ({@code kafka.sources}) and
 * those added at runtime through {@code PUT/DELETE /v1/sources/{name}}, one {@link KafkaSource}
 * verticle each.
 *
 * <p>Runtime changes are persisted in {@code <dataDir>/sources.json} (written to a temporary file,
 * forced to disk and renamed over the old one) and applied over the configuration file on every
 * start: a source put through the API replaces a configured one of the same name, and a configured
 * source deleted through the API stays deleted. Changes are applied one at a time; replacing a
 * source stops the old consumer first (its partitions are snapshotted and committed on revocation,
 * see {@link KafkaSource}), so the new one resumes exactly where the old one ended.
 */
public final class KafkaSources {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSources.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final List<String> SECRET_HINTS =
      List.of("password", "secret", "jaas", "token", "credential");

  /** The persisted file: runtime sources and the configured ones deleted at runtime. */
  record Persisted(Map<String, Map<String, Object>> sources, List<String> removed) {
    Persisted {
      sources = sources == null ? new TreeMap<>() : new TreeMap<>(sources);
      removed = removed == null ? new ArrayList<>() : new ArrayList<>(removed);
    }
  }

  /** A source as served: where it came from, its body, its verticle (or why it has none). */
  private static final class Entry {
    final String name;
    final String origin;
    final Map<String, Object> body;
    KafkaSource.Spec spec;
    KafkaSource verticle;
    String deployment;
    String error;

    Entry(String name, String origin, Map<String, Object> body) {
      this.name = name;
      this.origin = origin;
      this.body = body;
    }
  }

  private final Vertx vertx;
  private final RiffleConfig config;
  private final ModelRegistry models;
  private final IngestPipeline ingest;
  private final RiffleMetrics metrics;
  private final Path file;
  private final int chunk;
  private final Map<String, Entry> entries = new java.util.concurrent.ConcurrentHashMap<>();
  private Persisted persisted = new Persisted(null, null);
  private Future<?> tail = Future.succeededFuture();
  private volatile boolean closed;

  public KafkaSources(
      Vertx vertx,
      RiffleConfig config,
      ModelRegistry models,
      IngestPipeline ingest,
      RiffleMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.models = models;
    this.ingest = ingest;
    this.metrics = metrics;
    this.file = Path.of(config.dataDir()).resolve("sources.json");
    this.chunk = Math.min(config.ingest().batchSize(), config.ingest().queueCapacity());
  }

  /** Deploys the configured and persisted sources (after the models are restored). */
  public Future<Void> start() {
    // a broken configuration file fails start-up; a persisted source that no longer starts is
    // listed as failed instead, so an operator can fix or delete it through the API
    Map<String, Entry> wanted = new LinkedHashMap<>();
    config
        .kafka()
        .sources()
        .forEach(
            (name, s) -> {
              Entry e = new Entry(name, "config", new LinkedHashMap<>(s));
              e.spec = KafkaSource.Spec.of(config.kafka(), name, s);
              wanted.put(name, e);
            });
    return vertx
        .executeBlocking(this::load)
        .compose(
            p -> {
              persisted = p;
              p.removed().forEach(wanted::remove);
              p.sources()
                  .forEach(
                      (name, body) -> {
                        Entry e = new Entry(name, "api", body);
                        try {
                          e.spec = KafkaSource.Spec.of(config.kafka(), name, body);
                        } catch (IllegalArgumentException x) {
                          e.error = x.getMessage();
                        }
                        wanted.put(name, e);
                      });
              Future<Void> chain = Future.succeededFuture();
              for (Entry e : wanted.values()) {
                entries.put(e.name, e);
                chain = chain.compose(v -> deploy(e).otherwiseEmpty());
              }
              return chain;
            });
  }

  private Persisted load() throws IOException {
    if (!Files.exists(file)) {
      return new Persisted(null, null);
    }
    return Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Persisted>() {});
  }

  private Void save(Persisted p) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("sources.json.tmp");
    byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(p);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return null;
  }

  private Future<Void> deploy(Entry e) {
    if (e.spec == null) {
      LOG.error("kafka source {}: not started: {}", e.name, e.error);
      return Future.failedFuture(e.error);
    }
    KafkaSource v = new KafkaSource(e.spec, models, ingest, metrics, chunk);
    e.verticle = v;
    return vertx
        .deployVerticle(v)
        .map(
            id -> {
              e.deployment = id;
              e.error = null;
              return (Void) null;
            })
        .onFailure(
            x -> {
              e.error = String.valueOf(x.getMessage());
              LOG.error("kafka source {}: start failed", e.name, x);
            });
  }

  private Future<Void> undeploy(Entry e) {
    if (e == null || e.deployment == null) {
      return Future.succeededFuture();
    }
    String id = e.deployment;
    e.deployment = null;
    return vertx.undeploy(id).otherwiseEmpty();
  }

  /** Runs {@code op} after every earlier change has finished. */
  private synchronized <T> Future<T> serial(java.util.function.Supplier<Future<T>> op) {
    Future<T> f = tail.transform(ar -> op.get());
    tail = f;
    return f;
  }

  /**
   * Creates or replaces source {@code name}; the future's value says whether it replaced one.
   * Refusals are {@code invalid-source} (a missing or unknown model, no brokers, a bad client
   * property) and change nothing.
   */
  public Future<Boolean> put(String name, SourceRequest request) {
    if (!NAME.matcher(name).matches()) {
      return Future.failedFuture(
          new ApiException(
              ProblemType.INVALID_SOURCE,
              "source name '" + name + "' must match " + NAME.pattern()));
    }
    KafkaSource.Spec spec;
    Map<String, Object> body;
    try {
      request.validate();
      body = request.toMap();
      spec = KafkaSource.Spec.of(config.kafka(), name, body);
      new ConsumerConfig(new LinkedHashMap<String, Object>(spec.consumerProps()));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(new ApiException(ProblemType.INVALID_SOURCE, e.getMessage()));
    }
    if (models.get(spec.model()).isEmpty()) {
      return Future.failedFuture(
          new ApiException(
              ProblemType.INVALID_SOURCE,
              "model '" + spec.model() + "' does not exist; create it before its source"));
    }
    return serial(
        () -> {
          if (closed) {
            return Future.failedFuture(
                new ApiException(ProblemType.SHUTTING_DOWN, "the service is shutting down"));
          }
          Entry old = entries.get(name);
          Persisted next = new Persisted(persisted.sources(), persisted.removed());
          next.sources().put(name, body);
          next.removed().remove(name);
          Entry e = new Entry(name, "api", body);
          e.spec = spec;
          return vertx
              .executeBlocking(() -> save(next))
              .compose(
                  v -> {
                    persisted = next;
                    return undeploy(old);
                  })
              .compose(
                  v -> {
                    entries.put(name, e);
                    LOG.info(
                        "kafka source {}: {} through the API ({} -> model {})",
                        name,
                        old == null ? "created" : "replaced",
                        spec.topic(),
                        spec.model());
                    return deploy(e)
                        .recover(
                            x ->
                                Future.failedFuture(
                                    new ApiException(
                                        ProblemType.INVALID_SOURCE,
                                        "source saved but did not start: " + x.getMessage())));
                  })
              .map(old != null);
        });
  }

  /** Stops and forgets source {@code name} ({@code unknown-source} when there is none). */
  public Future<Void> delete(String name) {
    return serial(
        () -> {
          Entry old = entries.get(name);
          if (old == null) {
            return Future.failedFuture(unknown(name));
          }
          Persisted next = new Persisted(persisted.sources(), persisted.removed());
          next.sources().remove(name);
          if (config.kafka().sources().containsKey(name) && !next.removed().contains(name)) {
            next.removed().add(name);
          }
          return vertx
              .executeBlocking(() -> save(next))
              .compose(
                  v -> {
                    persisted = next;
                    entries.remove(name);
                    LOG.info("kafka source {}: deleted through the API", name);
                    return undeploy(old);
                  });
        });
  }

  private static ApiException unknown(String name) {
    return new ApiException(ProblemType.UNKNOWN_SOURCE, "no source '" + name + "'");
  }

  /** Every source, by name. */
  public List<Map<String, Object>> list() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : new TreeSet<>(entries.keySet())) {
      Entry e = entries.get(name);
      if (e != null) {
        out.add(info(e));
      }
    }
    return out;
  }

  /** Source {@code name} with its partitions and counters. */
  public Map<String, Object> get(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw unknown(name);
    }
    return info(e);
  }

  /** The running source verticle {@code name}, if any (tests). */
  public java.util.Optional<KafkaSource> source(String name) {
    Entry e = entries.get(name);
    return java.util.Optional.ofNullable(e == null || e.deployment == null ? null : e.verticle);
  }

  private static Map<String, Object> info(Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name);
    m.put("origin", e.origin);
    KafkaSource.Spec s = e.spec;
    m.put("topic", s != null ? s.topic() : e.body.get("topic"));
    m.put("model", s != null ? s.model() : e.body.get("model"));
    if (s != null) {
      m.put("groupId", s.groupId());
      m.put("format", "json");
      m.put("deadLetterTopic", s.deadLetterTopic());
      m.put("bootstrapServers", s.consumerProps().get("bootstrap.servers"));
    }
    Map<String, Object> props = new TreeMap<>();
    if (e.body.get("properties") instanceof Map<?, ?> p) {
      p.forEach((k, v) -> props.put(String.valueOf(k), redact(String.valueOf(k), v)));
    }
    m.put("properties", props);
    if (e.deployment != null && e.verticle != null) {
      m.putAll(e.verticle.status());
    } else {
      m.put("state", KafkaSource.State.FAILED.wire());
      m.put("error", e.error);
    }
    return m;
  }

  private static Object redact(String key, Object value) {
    String k = key.toLowerCase(Locale.ROOT);
    for (String hint : SECRET_HINTS) {
      if (k.contains(hint)) {
        return "***";
      }
    }
    return value;
  }

  /** Stops every consumer (each snapshots and commits its partitions as they are revoked). */
  public Future<Void> close() {
    closed = true;
    return serial(
        () -> {
          List<Future<Void>> all = new ArrayList<>();
          for (Entry e : entries.values()) {
            all.add(undeploy(e));
          }
          return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
        });
  }

  /** Marks every source as crashing: stopping them takes no snapshot and commits nothing. */
  public void halt() {
    closed = true;
    for (Entry e : entries.values()) {
      if (e.verticle != null) {
        e.verticle.halt();
      }
    }
  }
}
