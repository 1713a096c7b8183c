package io.riffle.service.ingest;

import io.riffle.api.ApiException;
import io.riffle.api.Example;
import io.riffle.api.Examples;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.LearnBatch;
import io.riffle.service.model.LearnResult;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRegistry;
import io.riffle.service.model.ModelRuntime;
import io.riffle.store.features.SparseVector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one path every source (HTTP, event bus, Kafka) hands its parsed examples to: validate, hash
 * (on the caller's thread), reserve room in the model's queue (all or nothing: a full queue is a
 * {@code queue-full} problem and nothing is queued), then send learner messages of at most {@code
 * batchSize} examples. A bad example is rejected alone, with its line and reason, and counted.
 */
public final class IngestPipeline {
  /** Most per-line errors reported in one response (all are counted). */
  public static final int MAX_REPORTED_ERRORS = 100;

  private final ModelRegistry models;
  private final RiffleMetrics metrics;
  private final int batchSize;
  private volatile boolean closed;

  public IngestPipeline(ModelRegistry models, RiffleMetrics metrics, int batchSize) {
    this.models = models;
    this.metrics = metrics;
    this.batchSize = batchSize;
  }

  /** Stops intake: every later call fails with {@code shutting-down}. */
  public void close() {
    closed = true;
  }

  /**
   * The outcome of one ingest call.
   *
   * @param accepted examples learned
   * @param rejected examples refused
   * @param errors the first {@value #MAX_REPORTED_ERRORS} refusals
   * @param version the model version after learning
   */
  public record Result(int accepted, int rejected, List<Problem.LineError> errors, long version) {
    /** As a JSON-ready map. */
    public Map<String, Object> toMap() {
      return Map.of(
          "accepted", accepted, "rejected", rejected, "errors", errors, "version", version);
    }
  }

  /**
   * Ingests {@code examples} into {@code model}.
   *
   * @param lines line number of each example (or null: 1-based index)
   * @param priorErrors refusals already found by the caller (e.g. lines that did not parse)
   */
  public Future<Result> submit(
      String model,
      List<Example> examples,
      long[] lines,
      List<Problem.LineError> priorErrors,
      String source) {
    return submit(model, examples, lines, priorErrors, source, null);
  }

  /**
   * Ingests {@code examples} into {@code model} and, on the learner thread right after the last of
   * them is learned (before any snapshot can be taken), puts {@code offsetsAfter} into the model's
   * {@code offsets()}; so a snapshot holds exactly the source offsets of what it learned. When no
   * example is valid the offsets are still recorded, in queue order.
   *
   * @param offsetsAfter entries for the model's offsets map, or null
   */
  public Future<Result> submit(
      String model,
      List<Example> examples,
      long[] lines,
      List<Problem.LineError> priorErrors,
      String source,
      Map<String, Object> offsetsAfter) {
    try {
      if (closed) {
        throw new ApiException(ProblemType.SHUTTING_DOWN, "the service is shutting down");
      }
      ModelRuntime rt = models.require(model);
      List<Problem.LineError> errors = new ArrayList<>(priorErrors);
      for (Problem.LineError e : priorErrors) {
        metrics.rejected(model, source, e.type(), 1);
      }
      int n = examples.size();
      SparseVector[] xs = new SparseVector[n];
      double[] labels = new double[n];
      double[] weights = new double[n];
      long[] ls = new long[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        long line = lines == null ? i + 1 : lines[i];
        try {
          Example e = Examples.validate(examples.get(i));
          double label = rt.label(e.label());
          SparseVector x = rt.vector(e.features());
          xs[k] = x;
          labels[k] = label;
          weights[k] = e.weightOrDefault();
          ls[k] = line;
          k++;
        } catch (ApiException e) {
          errors.add(new Problem.LineError(line, e.type().slug(), e.getMessage()));
          metrics.rejected(model, source, e.type().slug(), 1);
        }
      }
      return learn(rt, xs, labels, weights, ls, k, source, errors, offsetsAfter);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  /** Learns one already hashed example (delayed feedback). */
  public Future<Result> submitHashed(
      ModelRuntime rt, SparseVector x, double label, double weight, String source) {
    return submitHashed(
        rt,
        new SparseVector[] {x},
        new double[] {label},
        new double[] {weight},
        new long[] {1},
        1,
        source,
        List.of(),
        null);
  }

  /**
   * Learns {@code k} already hashed and validated examples (a Kafka source hashes on its own event
   * loop) and records {@code offsetsAfter} as {@link #submit(String, List, long[], List, String,
   * Map)} does; the queue is reserved for all {@code k} or nothing ({@code queue-full}).
   */
  public Future<Result> submitHashed(
      ModelRuntime rt,
      SparseVector[] xs,
      double[] labels,
      double[] weights,
      long[] lines,
      int k,
      String source,
      List<Problem.LineError> errors,
      Map<String, Object> offsetsAfter) {
    if (closed) {
      return Future.failedFuture(
          new ApiException(ProblemType.SHUTTING_DOWN, "the service is shutting down"));
    }
    try {
      return learn(
          rt, xs, labels, weights, lines, k, source, new ArrayList<>(errors), offsetsAfter);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Result> learn(
      ModelRuntime rt,
      SparseVector[] xs,
      double[] labels,
      double[] weights,
      long[] lines,
      int k,
      String source,
      List<Problem.LineError> errors,
      Map<String, Object> offsetsAfter) {
    if (k == 0) {
      if (offsetsAfter != null) {
        Map<String, Object> off = Map.copyOf(offsetsAfter);
        return models
            .<Long>command(rt, new LearnerVerticle.OnWriter(() -> rt.model().offsets().putAll(off)))
            .map(examples -> new Result(0, errors.size(), cap(errors), examples));
      }
      return Future.succeededFuture(
          new Result(0, errors.size(), cap(errors), rt.model().examples()));
    }
    if (!rt.reserve(k)) {
      metrics.rejected(rt.name(), source, ProblemType.QUEUE_FULL.slug(), k);
      throw new ApiException(
          ProblemType.QUEUE_FULL,
          "model " + rt.name() + " has " + rt.queueDepth() + " examples queued; retry later");
    }
    metrics.ingested(rt.name(), source, k);
    List<Future<LearnResult>> parts = new ArrayList<>();
    for (int off = 0; off < k; off += batchSize) {
      int m = Math.min(batchSize, k - off);
      SparseVector[] bx = new SparseVector[m];
      double[] bl = new double[m];
      double[] bw = new double[m];
      long[] bn = new long[m];
      System.arraycopy(xs, off, bx, 0, m);
      System.arraycopy(labels, off, bl, 0, m);
      System.arraycopy(weights, off, bw, 0, m);
      System.arraycopy(lines, off, bn, 0, m);
      boolean last = off + m >= k;
      parts.add(
          models.command(
              rt, new LearnBatch(bx, bl, bw, bn, m, source, last ? offsetsAfter : null)));
    }
    return Future.all(parts)
        .map(
            all -> {
              int accepted = 0;
              long version = 0;
              for (Future<LearnResult> f : parts) {
                LearnResult r = f.result();
                accepted += r.learned();
                errors.addAll(r.errors());
                version = Math.max(version, r.version());
              }
              return new Result(accepted, errors.size(), cap(errors), version);
            });
  }

  private static List<Problem.LineError> cap(List<Problem.LineError> errors) {
    return errors.size() <= MAX_REPORTED_ERRORS
        ? errors
        : List.copyOf(errors.subList(0, MAX_REPORTED_ERRORS));
  }
}
