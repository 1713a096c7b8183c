package io.riffle.bench;

import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FeatureHasher#hash} on a CTR-like example: 8 categorical fields, 4 numeric, a bag of 20
 * tokens, a 29-token text field with bigrams, two pairwise interactions and the bias (92 features
 * before merging).
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar FeatureHashing}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FeatureHashingBenchmark {
  private FeatureHasher hasher;
  private Map<String, Object> example;
  private final SparseVector out = new SparseVector();

  @Setup(Level.Trial)
  public void setUp() {
    HashingSpec spec =
        HashingSpec.defaults()
            .withBits(22)
            .withTextField("title", 2)
            .withInteraction("site", "device")
            .withInteraction("hour", "site");
    hasher = new FeatureHasher(spec);
    example = new HashMap<>();
    String[] cats = {"site", "device", "country", "os", "browser", "campaign", "slot", "lang"};
    for (int i = 0; i < cats.length; i++) {
      example.put(cats[i], "value-" + (i * 7919));
    }
    example.put("hour", 13);
    example.put("price", 0.35);
    example.put("age_days", 412);
    example.put("ctr_7d", 0.0123);
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tags.add("tag" + (i * 31 % 17));
    }
    example.put("tags", tags);
    example.put(
        "title",
        "The quick brown fox jumps over the lazy dog while Zürich's cafés serve 42 espressos"
            + " and the night market in Taipei opens late on a rainy Thursday evening");
  }

  @Benchmark
  public SparseVector hash() {
    return hasher.hash(example, out);
  }
}
