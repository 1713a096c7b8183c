/**
 * JMH benchmarks of Riffle's hot paths (optimizer steps, feature hashing, dense scoring, the model
 * learn path), exact allocation checks ({@link io.riffle.bench.AllocCheck}, {@link
 * io.riffle.bench.LearnAllocCheck}), snapshot timing ({@link io.riffle.bench.SnapshotTiming}) and,
 * later, the replay load generator. Run with {@code java -jar load-tests/target/benchmarks.jar};
 * see {@code docs/benchmarks.md}.
 */
package io.riffle.bench;
