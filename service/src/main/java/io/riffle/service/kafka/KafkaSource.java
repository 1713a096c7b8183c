package io.riffle.service.kafka;

import io.micrometer.core.instrument.Counter;
import io.riffle.api.ApiException;
import io.riffle.api.Example;
import io.riffle.api.Examples;
import io.riffle.api.Json;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.ingest.IngestPipeline;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRegistry;
import io.riffle.service.model.ModelRuntime;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka source: a vertx-kafka-client consumer (auto commit off) on one topic feeding one model.
 *
 * <p>The verticle polls; each poll's records are grouped by partition, every value is parsed as an
 * {@link Example} (a bad one goes to the dead-letter topic with {@code riffle.error.*} and {@code
 * riffle.source.*} headers and is counted; its partition goes on), and each partition's good ones
 * are submitted in order through {@link IngestPipeline} with the partition's next offset attached:
 * the learner puts {@code kafka/<topic>/<partition>} into the model's {@code offsets()} right after
 * learning that batch, on the writer thread, so every snapshot holds exactly the offsets of what it
 * learned. The next poll starts when the batch is learned (at most one poll's records in flight).
 *
 * <p>On start the offsets of the (restored) model are read on the writer thread; on assignment a
 * partition seeks there (absent: the consumer's committed offset or {@code auto.offset.reset},
 * default {@code earliest}); records below the recorded offset are skipped. A full queue pauses the
 * partition, retries with back-off and resumes it once the batch is taken.
 */
public final class KafkaSource extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);

  /** Dead-letter header: the problem type slug. */
  public static final String ERROR_TYPE = "riffle.error.type";

  /** Dead-letter header: the problem detail. */
  public static final String ERROR_DETAIL = "riffle.error.detail";

  /** Dead-letter header: the record's topic. */
  public static final String SOURCE_TOPIC = "riffle.source.topic";

  /** Dead-letter header: the record's partition. */
  public static final String SOURCE_PARTITION = "riffle.source.partition";

  /** Dead-letter header: the record's offset. */
  public static final String SOURCE_OFFSET = "riffle.source.offset";

  /** Metrics source tag of Kafka ingest. */
  public static final String SOURCE = "kafka";

  /**
   * A configured source.
   *
   * @param name the source's name
   * @param topic the topic read
   * @param model the model fed
   * @param deadLetterTopic where bad records go (or null: counted and logged only)
   * @param consumerProps the consumer's client properties
   */
  public record Spec(
      String name,
      String topic,
      String model,
      String deadLetterTopic,
      Map<String, String> consumerProps) {

    /** The source {@code name} of {@code kafka} (see {@link RiffleConfig.Kafka}). */
    public static Spec of(RiffleConfig.Kafka kafka, String name, Map<String, Object> s) {
      String topic = str(s.get("topic"));
      String model = str(s.get("model"));
      if (topic == null || model == null) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ": topic and model are required");
      }
      Object format = s.get("format");
      if (format != null && !"json".equalsIgnoreCase(format.toString())) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ".format: only json is supported, got " + format);
      }
      String bootstrap = str(s.get("bootstrapServers"));
      if (bootstrap == null) {
        bootstrap = kafka.bootstrapServers();
      }
      if (bootstrap == null) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ": no bootstrapServers (nor kafka.bootstrapServers)");
      }
      String group = str(s.get("groupId"));
      Map<String, String> props = new LinkedHashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put("group.id", group != null ? group : "riffle-" + name);
      props.put("auto.offset.reset", "earliest");
      if (s.get("properties") instanceof Map<?, ?> extra) {
        extra.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
      }
      // the model's snapshots hold the offsets; Kafka's committed offsets are never used to resume
      props.put("enable.auto.commit", "false");
      props.put("key.deserializer", ByteArrayDeserializer.class.getName());
      props.put("value.deserializer", ByteArrayDeserializer.class.getName());
      return new Spec(name, topic, model, str(s.get("deadLetterTopic")), Map.copyOf(props));
    }

    private static String str(Object o) {
      return o == null || o.toString().isBlank() ? null : o.toString();
    }
  }

  private final Spec spec;
  private final ModelRegistry models;
  private final IngestPipeline ingest;
  private final RiffleMetrics metrics;
  private final Counter deadLetters;
  private final int maxChunk;

  /** Next offset to learn, by partition (event-loop only). */
  private final Map<Integer, Long> next = new HashMap<>();

  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private volatile boolean stopped;

  /**
   * A source.
   *
   * @param maxChunk most examples submitted at once (at most the model queue's capacity, so a full
   *     queue always drains enough to take the next chunk)
   */
  public KafkaSource(
      Spec spec, ModelRegistry models, IngestPipeline ingest, RiffleMetrics metrics, int maxChunk) {
    this.spec = spec;
    this.maxChunk = Math.max(1, maxChunk);
    this.models = models;
    this.ingest = ingest;
    this.metrics = metrics;
    this.deadLetters =
        Counter.builder("riffle.kafka.dead.letters")
            .description("Kafka records that could not be learned, sent to the dead-letter topic")
            .tag("source", spec.name())
            .tag("model", spec.model())
            .register(metrics.registry());
  }

  /** The offsets-map key of a partition. */
  public static String key(String topic, int partition) {
    return "kafka/" + topic + "/" + partition;
  }

  /** Records sent to the dead-letter topic (or counted there when none is configured). */
  public double deadLetterCount() {
    return deadLetters.count();
  }

  @Override
  public void start(Promise<Void> started) {
    ModelRuntime rt;
    try {
      rt = models.require(spec.model());
    } catch (ApiException e) {
      started.fail(
          new IllegalArgumentException(
              "kafka source " + spec.name() + ": no model " + spec.model(), e));
      return;
    }
    Map<String, Object> restored = new ConcurrentHashMap<>();
    models
        .<Long>command(
            rt,
            new LearnerVerticle.OnWriter(
                () -> {
                  restored.putAll(rt.model().offsets());
                }))
        .compose(
            v -> {
              String prefix = "kafka/" + spec.topic() + "/";
              restored.forEach(
                  (k, o) -> {
                    if (k.startsWith(prefix) && o instanceof Number n) {
                      next.put(Integer.parseInt(k.substring(prefix.length())), n.longValue());
                    }
                  });
              return vertx.executeBlocking(this::createProducer);
            })
        .compose(
            p -> {
              producer = p;
              consumer = KafkaConsumer.create(vertx, spec.consumerProps());
              consumer.exceptionHandler(
                  e -> LOG.warn("kafka source {}: consumer error", spec.name(), e));
              consumer.partitionsAssignedHandler(this::assigned);
              return consumer.subscribe(spec.topic());
            })
        .onSuccess(
            v -> {
              LOG.info(
                  "kafka source {}: {} -> model {} (resuming at {})",
                  spec.name(),
                  spec.topic(),
                  spec.model(),
                  next);
              pollLoop();
            })
        .<Void>mapEmpty()
        .onComplete(started);
  }

  private KafkaProducer<byte[], byte[]> createProducer() {
    if (spec.deadLetterTopic() == null) {
      return null;
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", spec.consumerProps().get("bootstrap.servers"));
    p.put("acks", "all");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private void assigned(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Long n = next.get(tp.getPartition());
      if (n != null) {
        consumer.seek(tp, n);
      }
    }
  }

  private void pollLoop() {
    if (stopped) {
      return;
    }
    consumer
        .poll(Duration.ofMillis(200))
        .compose(this::handle)
        .onComplete(
            ar -> {
              if (ar.failed() && !stopped) {
                LOG.warn("kafka source {}: poll failed", spec.name(), ar.cause());
                vertx.setTimer(500, t -> pollLoop());
              } else {
                pollLoop();
              }
            });
  }

  private Future<Void> handle(KafkaConsumerRecords<byte[], byte[]> polled) {
    if (stopped || polled.isEmpty()) {
      return Future.succeededFuture();
    }
    ConsumerRecords<byte[], byte[]> records = polled.records();
    List<Future<Void>> parts = new ArrayList<>();
    for (org.apache.kafka.common.TopicPartition tp : records.partitions()) {
      parts.add(partition(tp.partition(), records.records(tp)));
    }
    return Future.all(parts).mapEmpty();
  }

  private Future<Void> partition(int partition, List<ConsumerRecord<byte[], byte[]>> records) {
    long from = next.getOrDefault(partition, -1L);
    List<Example> good = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    Map<Long, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
    long last = -1;
    ModelRuntime rt = models.require(spec.model());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.offset() < from) {
        continue; // learned before (a seek not yet applied, or a redelivery)
      }
      last = r.offset();
      try {
        byte[] v = r.value();
        Example e =
            Examples.validate(
                Json.read(v == null ? new byte[0] : v, 0, v == null ? 0 : v.length, Example.class));
        rt.label(e.label());
        good.add(e);
        lines.add(r.offset());
        byOffset.put(r.offset(), r);
      } catch (ApiException e) {
        deadLetter(r, e.type().slug(), e.getMessage());
      }
    }
    if (last < 0) {
      return Future.succeededFuture();
    }
    // chunks no larger than the queue can ever take, in order; each records the offset after its
    // last example (the last chunk: after the poll's last record, dead letters included)
    Future<Void> chain = Future.succeededFuture();
    int size = good.size();
    for (int from0 = 0; from0 < Math.max(1, size); from0 += maxChunk) {
      int from1 = from0;
      int to = Math.min(size, from0 + maxChunk);
      long nextOffset = to >= size ? last + 1 : lines.get(to - 1) + 1;
      List<Example> part = good.subList(from1, to);
      long[] ls = lines.subList(from1, to).stream().mapToLong(Long::longValue).toArray();
      chain =
          chain.compose(
              v -> {
                Map<String, Object> off = Map.of(key(spec.topic(), partition), nextOffset);
                Promise<Void> done = Promise.promise();
                attempt(partition, part, ls, byOffset, off, nextOffset, done, 50, false);
                return done.future();
              });
    }
    return chain;
  }

  private void attempt(
      int partition,
      List<Example> good,
      long[] lines,
      Map<Long, ConsumerRecord<byte[], byte[]>> byOffset,
      Map<String, Object> off,
      long nextOffset,
      Promise<Void> done,
      long backoff,
      boolean paused) {
    if (stopped) {
      done.tryComplete();
      return;
    }
    TopicPartition tp = new TopicPartition(spec.topic(), partition);
    ingest
        .submit(spec.model(), good, lines, List.of(), SOURCE, off)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                next.put(partition, nextOffset);
                for (Problem.LineError e : ar.result().errors()) {
                  ConsumerRecord<byte[], byte[]> r = byOffset.get(e.line());
                  if (r != null) {
                    deadLetter(r, e.type(), e.detail());
                  }
                }
                if (paused) {
                  consumer.resume(tp);
                }
                done.complete();
              } else if (ar.cause() instanceof ApiException e
                  && e.type() == ProblemType.QUEUE_FULL) {
                if (!paused) {
                  consumer.pause(tp);
                }
                vertx.setTimer(
                    backoff,
                    t ->
                        attempt(
                            partition,
                            good,
                            lines,
                            byOffset,
                            off,
                            nextOffset,
                            done,
                            Math.min(1000, backoff * 2),
                            true));
              } else {
                if (!stopped) {
                  LOG.warn(
                      "kafka source {}: partition {} batch failed; retrying",
                      spec.name(),
                      partition,
                      ar.cause());
                }
                vertx.setTimer(
                    1000,
                    t ->
                        attempt(
                            partition, good, lines, byOffset, off, nextOffset, done, 1000, paused));
              }
            });
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String type, String detail) {
    deadLetters.increment();
    metrics.rejected(spec.model(), SOURCE, type, 1);
    if (producer == null) {
      LOG.warn(
          "kafka source {}: {}-{}@{} rejected ({}): {}",
          spec.name(),
          r.topic(),
          r.partition(),
          r.offset(),
          type,
          detail);
      return;
    }
    RecordHeaders h = new RecordHeaders();
    h.add(ERROR_TYPE, bytes(type));
    h.add(ERROR_DETAIL, bytes(detail));
    h.add(SOURCE_TOPIC, bytes(r.topic()));
    h.add(SOURCE_PARTITION, bytes(Integer.toString(r.partition())));
    h.add(SOURCE_OFFSET, bytes(Long.toString(r.offset())));
    producer.send(
        new ProducerRecord<>(spec.deadLetterTopic(), null, r.key(), r.value(), h),
        (md, e) -> {
          if (e != null) {
            LOG.error("kafka source {}: dead-letter send failed", spec.name(), e);
          }
        });
  }

  private static byte[] bytes(String s) {
    return String.valueOf(s).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void stop(Promise<Void> stoppedPromise) {
    stopped = true;
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.close();
    c.transform(
            v ->
                vertx.<Void>executeBlocking(
                    () -> {
                      if (producer != null) {
                        producer.close(Duration.ofSeconds(5));
                      }
                      return null;
                    }))
        .onComplete(stoppedPromise);
  }
}
