/**
 * JMH benchmarks of Riffle's hot paths (optimizer steps now; hashing and scoring later) and, later,
 * the replay load generator. Run with {@code java -jar load-tests/target/benchmarks.jar}.
 */
package io.riffle.bench;
