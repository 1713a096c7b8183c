package io.riffle.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Riffle's own meters (dotted Micrometer names, rendered by Prometheus as {@code riffle_*}), all
 * tagged by a bounded set: model name, source ({@code http}, {@code bus}, {@code kafka}, {@code
 * feedback}) and problem type. Per-model meters are removed when the model is deleted.
 */
public final class RiffleMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<String, List<Meter>> perModel = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public RiffleMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Examples accepted into a model's queue. */
  public void ingested(String model, String source, int n) {
    counter("riffle.examples.ingested", "examples accepted for learning", model, source, null)
        .increment(n);
  }

  /** Examples refused, by reason (problem type slug). */
  public void rejected(String model, String source, String reason, int n) {
    counter("riffle.examples.rejected", "examples refused", model, source, reason).increment(n);
  }

  private Counter counter(String name, String desc, String model, String source, String reason) {
    String key = name + '|' + model + '|' + source + '|' + reason;
    return counters.computeIfAbsent(
        key,
        k -> {
          Counter.Builder b =
              Counter.builder(name).description(desc).tag("model", model).tag("source", source);
          if (reason != null) {
            b.tag("reason", reason);
          }
          Counter c = b.register(registry);
          perModel.computeIfAbsent(model, m -> new ArrayList<>()).add(c);
          return c;
        });
  }

  /** The learn-latency timer of a model (time to learn one learner message). */
  public Timer learnTimer(String model) {
    return track(
        model,
        Timer.builder("riffle.learn.latency")
            .description("time for the learner to learn one queued batch of examples")
            .tag("model", model)
            .publishPercentileHistogram()
            .register(registry));
  }

  /** The predict-latency timer of a model; {@code mode} is point or samples. */
  public Timer predictTimer(String model, String mode) {
    return track(
        model,
        Timer.builder("riffle.predict.latency")
            .description("time to compute one prediction request")
            .tag("model", model)
            .tag("mode", mode)
            .publishPercentileHistogram()
            .register(registry));
  }

  /** Snapshot write time of a model. */
  public Timer snapshotTimer(String model) {
    return track(
        model,
        Timer.builder("riffle.snapshot.duration")
            .description("time to write one snapshot")
            .tag("model", model)
            .register(registry));
  }

  /**
   * Records the end of a refinement job: {@code riffle_refinements_total{model,method,status}}
   * (status promoted, rejected or failed), {@code riffle_refinement_duration_seconds{model,method}}
   * and {@code riffle_refinement_examples_replayed_total{model}} (examples the live model learned
   * during a promoted job, replayed onto the challenger).
   */
  public void refinementEnded(
      String model, String method, String status, long durationMs, long replayed) {
    // the outcome counter last: a reader that sees it sees the duration and replay meters too
    track(
            model,
            Timer.builder("riffle.refinement.duration")
                .description("wall time of one refinement job, start to decision")
                .tag("model", model)
                .tag("method", method)
                .register(registry))
        .record(java.time.Duration.ofMillis(durationMs));
    Counter r =
        track(
            model,
            Counter.builder("riffle.refinement.examples.replayed")
                .description("examples learned during promoted refinements, replayed onto them")
                .tag("model", model)
                .register(registry));
    r.increment(replayed);
    String key = "riffle.refinements|" + model + '|' + method + '|' + status;
    counters
        .computeIfAbsent(
            key,
            k ->
                track(
                    model,
                    Counter.builder("riffle.refinements")
                        .description("refinement jobs ended, by outcome")
                        .tag("model", model)
                        .tag("method", method)
                        .tag("status", status)
                        .register(registry)))
        .increment();
  }

  /** A per-model gauge. */
  public <T> void gauge(
      String model, String name, String desc, String unit, T obj, ToDoubleFunction<T> f) {
    track(
        model,
        Gauge.builder(name, obj, f)
            .description(desc)
            .baseUnit(unit)
            .tag("model", model)
            .register(registry));
  }

  private <M extends Meter> M track(String model, M meter) {
    List<Meter> list = perModel.computeIfAbsent(model, m -> new ArrayList<>());
    synchronized (list) {
      if (!list.contains(meter)) {
        list.add(meter);
      }
    }
    return meter;
  }

  /** Removes every meter of {@code model}. */
  public void removeModel(String model) {
    List<Meter> list = perModel.remove(model);
    if (list != null) {
      synchronized (list) {
        list.forEach(registry::remove);
      }
    }
    counters.keySet().removeIf(k -> k.split("\\|", -1)[1].equals(model));
  }

  /** Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
