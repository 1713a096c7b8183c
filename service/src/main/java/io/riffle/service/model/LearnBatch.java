package io.riffle.service.model;

import io.riffle.store.features.SparseVector;

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
 */
public record LearnBatch(
    SparseVector[] xs, double[] labels, double[] weights, long[] lines, int n, String source) {}
