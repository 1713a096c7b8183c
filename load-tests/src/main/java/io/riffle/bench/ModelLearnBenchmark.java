package io.riffle.bench;

import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of learning one example through {@link Model}: hash, score, learn.
 *
 * <h2>Model</h2>
 *
 * Logistic loss ({@code ModelKindSpec.of("logistic")}), FTRL at its defaults (the {@link ModelSpec}
 * default optimizer), {@value #BITS} hash bits (2^22 rows), one shard, float32, and either no
 * posterior or the SGLD posterior with {@link PosteriorSpec#defaults()} (and the default replay
 * window, 64 MiB, which is the posterior's data).
 *
 * <h2>Examples</h2>
 *
 * A pool of {@value #POOL} distinct examples generated in {@code @Setup} by {@link #examples}:
 * {@code features} fields (10 or 100), 70% categorical and 30% numeric. Categorical field {@code k}
 * draws its value from {@code 10^(1 + k mod 5)} values (10 to 100,000), as a fresh {@code String}
 * per example, so the hasher reads new string data every time; numeric values are boxed {@code
 * Double}s. Field names are shared {@code String}s (a JSON parser such as Jackson interns them).
 * Each example is a {@link HashMap}, hashed with the bias feature, so it has {@code features + 1}
 * hashed rows (fewer on a collision, which at 2^22 rows is rare). Labels come from a fixed hidden
 * logistic model of a few fields, about 25% positive. The pool touches 14,649 distinct rows with 10
 * fields (their weights and FTRL state fit in cache) and 199,219 with 100 (they do not).
 *
 * <h2>Benchmarks (score: ns per example, {@code avgt})</h2>
 *
 * <ul>
 *   <li>{@link #learn}: {@link Model#learn(Map, double, double)}: validate, hash, score, one FTRL
 *       step (and one SGLD step with the posterior), progressive metrics. The end-to-end cost.
 *   <li>{@link #learnHashed}: {@link Model#learnOne} on the same examples hashed in advance: the
 *       learn path without the hashing.
 *   <li>{@link #hash}: {@link FeatureHasher#hash} alone (no model), over the same pool or over a
 *       pool of 64 examples that stays in cache ({@code pool} parameter).
 * </ul>
 *
 * <h2>Steady state</h2>
 *
 * Before measuring, {@code @Setup} learns every pool example once (so most rows carry optimizer
 * state) and, with the posterior, keeps learning until the replay window has evicted examples: the
 * window is full, its size {@code N} has stopped growing, and the chain re-anchors every {@code
 * N/8} steps (every 64 steps while {@code N} is small, each an O(2^22)-row pass, which would
 * otherwise dominate a short run). The window then holds 524,288 examples with 10 features and
 * 65,536 with 100; filling it takes 15-20 s of setup.
 *
 * <p>Allocation: {@code -prof gc} and, exact per thread, {@link LearnAllocCheck}.
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar ModelLearnBenchmark -prof gc}; see
 * {@code docs/benchmarks.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ModelLearnBenchmark {

  /** Hash bits: 2^22 rows. */
  public static final int BITS = 22;

  /** Distinct examples in the pool (a power of two, so the index wraps with a mask). */
  public static final int POOL = 1 << 13;

  /** Share of numeric fields. */
  static final double NUMERIC_SHARE = 0.3;

  /** Seed of the example generator. */
  static final long SEED = 20240611L;

  /** Upper bound on the examples learned in setup while filling the replay window. */
  static final int MAX_FILL = 4_000_000;

  /** The spec benchmarked: logistic, FTRL defaults, 2^22 rows, one shard, optional posterior. */
  public static ModelSpec spec(boolean posterior) {
    ModelSpec s =
        ModelSpec.of(ModelKindSpec.of("logistic"))
            .withHashing(HashingSpec.defaults().withBits(BITS))
            .withShards(1)
            .withOptimizer("ftrl", Map.of());
    return posterior ? s.withPosterior(PosteriorSpec.defaults()) : s;
  }

  /** Field names: {@code c0, c1, ...} categorical, then {@code n0, n1, ...} numeric. */
  static String[] fieldNames(int features) {
    int numeric = (int) Math.round(features * NUMERIC_SHARE);
    String[] names = new String[features];
    for (int k = 0; k < features; k++) {
      names[k] = k < features - numeric ? "c" + k : "n" + (k - (features - numeric));
    }
    return names;
  }

  /**
   * {@code n} distinct examples with {@code features} fields each; {@code labels[i]} receives the
   * label (0 or 1) of example {@code i}.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object>[] examples(int features, int n, double[] labels, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] names = fieldNames(features);
    int categorical = features - (int) Math.round(features * NUMERIC_SHARE);
    Map<String, Object>[] out = new Map[n];
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new HashMap<>();
      double z = -1.5;
      for (int k = 0; k < features; k++) {
        if (k < categorical) {
          int card = (int) Math.pow(10, 1 + k % 5);
          int v = rnd.nextInt(card);
          m.put(names[k], "v" + v); // a fresh String per example
          if (k < 3) {
            z += (v % 5 - 2) * 0.4; // the hidden model: three categorical fields ...
          }
        } else {
          double x = rnd.nextDouble() * 2 - 1;
          m.put(names[k], x);
          if (k == categorical) {
            z += 1.5 * x; // ... and one numeric field
          }
        }
      }
      labels[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      out[i] = m;
    }
    return out;
  }

  /** A model in its steady state and the pool of examples, raw and hashed. */
  @State(Scope.Thread)
  public static class Learner {
    /** Fields per example (before the bias). */
    @Param({"10", "100"})
    public int features;

    /** With the SGLD posterior ({@link PosteriorSpec#defaults()}). */
    @Param({"false", "true"})
    public boolean posterior;

    Model model;
    Map<String, Object>[] examples;
    SparseVector[] hashed;
    double[] labels;
    int next;

    /** Examples learned in setup. */
    long prelearned;

    /** Builds the pool and trains the model to its steady state (not measured). */
    @Setup(Level.Trial)
    public void setup() {
      labels = new double[POOL];
      examples = examples(features, POOL, labels, SEED);
      model = new Model("bench", spec(posterior));
      FeatureHasher h = new FeatureHasher(model.spec().hashing());
      hashed = new SparseVector[POOL];
      for (int i = 0; i < POOL; i++) {
        hashed[i] = h.hash(examples[i], new SparseVector(features + 1));
      }
      long n = 0;
      for (int i = 0; i < POOL; i++) {
        model.learnOne(hashed[i], labels[i], 1.0);
        n++;
      }
      if (posterior) {
        while (model.window().evictedCount() == 0 && n < MAX_FILL) {
          int i = (int) (n & (POOL - 1));
          model.learnOne(hashed[i], labels[i], 1.0);
          n++;
        }
      }
      prelearned = n;
      next = 0;
    }
  }

  /** A pool of examples and a hasher, without a model. */
  @State(Scope.Thread)
  public static class Hashing {
    /** Fields per example (before the bias). */
    @Param({"10", "100"})
    public int features;

    /**
     * Examples in the pool (a power of two): {@value #POOL}, as {@link #learn} uses, whose maps
     * (about 80 bytes per field) do not stay in cache with 100 fields; or 64, whose maps do, as an
     * example just parsed from the wire would be.
     */
    @Param({"64", "8192"})
    public int pool;

    FeatureHasher hasher;
    Map<String, Object>[] examples;
    final SparseVector out = new SparseVector();
    int next;

    /** Builds the pool (not measured). */
    @Setup(Level.Trial)
    public void setup() {
      if (Integer.bitCount(pool) != 1) {
        throw new IllegalArgumentException("pool=" + pool + " must be a power of two");
      }
      examples = examples(features, pool, new double[pool], SEED);
      hasher = new FeatureHasher(spec(false).hashing());
      for (Map<String, Object> e : examples) {
        hasher.hash(e, out);
      }
      next = 0;
    }
  }

  /** Hash, score and learn the next pooled example. Score: ns per example. */
  @Benchmark
  public double learn(Learner s) {
    int i = s.next++ & (POOL - 1);
    return s.model.learn(s.examples[i], s.labels[i], 1.0);
  }

  /** Score and learn the next pooled example, hashed in advance. Score: ns per example. */
  @Benchmark
  public double learnHashed(Learner s) {
    int i = s.next++ & (POOL - 1);
    return s.model.learnOne(s.hashed[i], s.labels[i], 1.0);
  }

  /** Hash the next pooled example. Score: ns per example. */
  @Benchmark
  public SparseVector hash(Hashing s) {
    int i = s.next++ & (s.pool - 1);
    return s.hasher.hash(s.examples[i], s.out);
  }
}
