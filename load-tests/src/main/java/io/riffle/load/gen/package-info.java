/**
 * A deterministic synthetic stream of CTR-like examples for load tests and accuracy checks.
 *
 * <p>{@link io.riffle.load.gen.StreamSpec} describes the stream (categorical fields with Zipf
 * distributed values, numeric fields, the hidden ground truth and an optional concept drift);
 * {@link io.riffle.load.gen.StreamGenerator} draws {@link io.riffle.load.gen.Example}s from it,
 * each carrying the probability its label was drawn with; {@link io.riffle.load.gen.GroundTruth} is
 * the hidden logistic model; {@link io.riffle.load.gen.WireJson} writes the service's NDJSON wire
 * format and Kafka record bytes; {@link io.riffle.load.gen.GenerateMain} is the command-line front
 * end.
 *
 * <p>Everything here is plain JDK: the package may be used from any module's tests and from the
 * shaded benchmarks jar.
 */
package io.riffle.load.gen;
