package io.riffle.service.model;

import io.riffle.store.features.SparseVector;
import java.util.Map;

/**
 * Hashed, validated examples on their way to a model's learner: the unit of the learner's queue.
 * Built by the ingest pipeline on the caller's thread and handed over (never shared).
 *
 * @param xs canonical hashed vectors
 * @param labels labels, validated against the model kind
 * @param weights importance weights
 * @param lines the request's line (or index) of each example, for error reports
 * @param n number of examples
 * @param source where they came from (metrics tag: http, bus, kafka, feedback)
 * @param offsetsAfter entries the learner puts into the model's {@code offsets()} right after
 *     learning this batch, on the writer thread and before any snapshot (a source's next offsets,
 *     e.g. {@code kafka/<topic>/<partition>}), or null
 */
public record LearnBatch(
    SparseVector[] xs,
    double[] labels,
    double[] weights,
    long[] lines,
    int n,
    String source,
    Map<String, Object> offsetsAfter) {

  /** A batch that records no offsets. */
  public LearnBatch(
      SparseVector[] xs, double[] labels, double[] weights, long[] lines, int n, String source) {
    this(xs, labels, weights, lines, n, source, null);
  }
}
