package io.riffle.bench;

import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.PolarGaussianSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * Cost of one optimizer step through {@link Updater}, sparse and dense, float32 weights and state.
 *
 * <h2>Sparse: {@link #sparseStep}</h2>
 *
 * One lazy sparse update ({@code up.begin(0)} then {@code up.step(...)}) of {@code touched} unique
 * rows of a hashed single-output model of {@value #ROWS} rows ({@code width = 1}). The rows of a
 * step are drawn uniformly at random (unique within the step, in draw order, not sorted), so each
 * touched row is a cache miss on the weight array and on every state array, as in a real hashed
 * model. A pool of {@value #POOL} batches (rows and gradients) is generated in {@link Sparse#setup}
 * and the measured method only advances an index into it: no allocation and no random-number cost
 * in the measurement.
 *
 * <p>The score is <b>ns per step</b> ({@code AverageTime}, {@code ns/op}). ns per touched row is
 * {@code score / touched}; {@link BenchReport} prints it. {@code @OperationsPerInvocation} is not
 * used because it takes a compile-time constant and {@code touched} is a {@code @Param}; dividing
 * afterwards keeps the per-step number (which includes the fixed cost of {@code begin}) visible.
 *
 * <h2>Dense: {@link #denseStep}</h2>
 *
 * {@code up.update(0, w, st, g)} over a dense parameter of {@value #DENSE_N} float32 elements with
 * a float64 gradient ({@code double[]}, the type {@code Optimizer.step} takes). The score is
 * throughput in steps per second. Every step streams each array once, so the bytes moved per step
 * are
 *
 * <pre>
 *   bytes/step = N * ( 2 * 4 * (1 + S)   weights and S state arrays, float32, read + write
 *                    + 8 )               gradient, float64, read only
 *   GB/s       = bytes/step * steps/s / 1e9
 * </pre>
 *
 * <p>with {@code N = }{@value #DENSE_N} and {@code S = optimizer.stateNames().size()} (SGD with
 * momentum: 1, FTRL: 2, i.e. 24 and 32 bytes per element). {@link #denseBytesPerStep} computes it
 * and {@link BenchReport} applies it to a JMH {@code -rf json} result.
 *
 * <h2>Optimizers</h2>
 *
 * The {@code opt} parameter is an {@link OptimizerRegistry} name; the defaults are the optimizers
 * registered today. Any other registered optimizer runs with {@code -p opt=sgd,nag,adam,...}; its
 * configuration is {@link #PRESETS} (SGD-family momentum 0.9, FTRL and the rest at MXNet defaults).
 * Every updater gets a seeded {@link PolarGaussianSource}, which SGLD needs and the others ignore.
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar OptimizerStepBenchmark -prof gc}; see
 * {@code docs/benchmarks.md}.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OptimizerStepBenchmark {

  /** Rows of the sparse (hashed) model: 2^22. */
  public static final int ROWS = 1 << 22;

  /** Elements of the dense parameter: 2^20. */
  public static final int DENSE_N = 1 << 20;

  /** Pre-generated sparse batches (a power of two, so the index wraps with a mask). */
  public static final int POOL = 1 << 14;

  /** Precision of weights and state in both benchmarks. */
  public static final Precision PRECISION = Precision.FLOAT32;

  /** Bytes per gradient element ({@code double[]}). */
  public static final int GRAD_BYTES = Double.BYTES;

  /**
   * Hyperparameters per optimizer; a key is passed only if the optimizer declares it, so an entry
   * for an optimizer that is not registered yet, or that names a parameter differently, is
   * harmless. Optimizers not listed run with their defaults.
   */
  public static final Map<String, Map<String, Object>> PRESETS =
      Map.of(
          "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9),
          "nag", Map.of("learning_rate", 0.1, "momentum", 0.9),
          "lars", Map.of("learning_rate", 0.1, "momentum", 0.9),
          "lbsgd", Map.of("learning_rate", 0.1, "momentum", 0.9),
          "dcasgd", Map.of("learning_rate", 0.1, "momentum", 0.9),
          "signum", Map.of("learning_rate", 0.01, "momentum", 0.9),
          "ftrl", Map.of());

  /** Seed of everything random here (rows, gradients, initial weights, SGLD noise). */
  static final long SEED = 20240611L;

  /** The updater the benchmarks use for {@code opt}: preset hyperparameters, seeded noise. */
  public static Updater updater(String opt) {
    Set<String> declared =
        OptimizerRegistry.provider(opt).hyperparams().stream()
            .map(HyperparamSpec::name)
            .collect(Collectors.toSet());
    Map<String, Object> hp = new LinkedHashMap<>();
    PRESETS
        .getOrDefault(opt, Map.of())
        .forEach(
            (k, v) -> {
              if (declared.contains(k)) {
                hp.put(k, v);
              }
            });
    return new Updater(OptimizerRegistry.create(opt, hp)).noise(new PolarGaussianSource(SEED));
  }

  /** Number of per-element state arrays of {@code opt} as the benchmarks configure it. */
  public static int stateArrays(String opt) {
    return updater(opt).optimizer().stateNames().size();
  }

  /** Bytes read and written by one dense step of {@code n} elements with {@code s} state arrays. */
  public static long denseBytesPerStep(long n, int s) {
    long elem = PRECISION == Precision.FLOAT32 ? Float.BYTES : Double.BYTES;
    return n * (2 * elem * (1 + s) + GRAD_BYTES);
  }

  /** Small random initial weights, so no optimizer sees an all-zero model. */
  static void randomWeights(Store w, SplittableRandom rnd) {
    for (int i = 0, n = w.length(); i < n; i++) {
      w.set(i, 0.01 * (rnd.nextDouble() * 2 - 1));
    }
  }

  /** A gradient value: uniform in [-0.5, 0.5), never exactly zero. */
  static double gradient(SplittableRandom rnd) {
    double g = rnd.nextDouble() - 0.5;
    return g == 0 ? 1e-3 : g;
  }

  /** Sparse model, its optimizer state and the pool of batches. */
  @State(Scope.Thread)
  public static class Sparse {
    /** Optimizer name in {@link OptimizerRegistry}. */
    @Param({"sgd", "ftrl"})
    public String opt;

    /** Unique rows per step. */
    @Param({"16", "64"})
    public int touched;

    Updater up;
    Store w;
    ParamState st;
    int[][] rows;
    double[][] grads;
    int next;

    /** Builds the model and the pool (not measured). */
    @Setup(Level.Trial)
    public void setup() {
      SplittableRandom rnd = new SplittableRandom(SEED);
      up = updater(opt);
      w = Store.zeros(PRECISION, ROWS);
      randomWeights(w, rnd);
      st = up.createState(w);
      rows = new int[POOL][touched];
      grads = new double[POOL][touched];
      for (int b = 0; b < POOL; b++) {
        int[] r = rows[b];
        for (int k = 0; k < touched; k++) {
          int row;
          do {
            row = rnd.nextInt(ROWS);
          } while (contains(r, k, row));
          r[k] = row;
          grads[b][k] = gradient(rnd);
        }
      }
      next = 0;
    }

    private static boolean contains(int[] a, int n, int v) {
      for (int i = 0; i < n; i++) {
        if (a[i] == v) {
          return true;
        }
      }
      return false;
    }
  }

  /** Dense parameter, its optimizer state and one gradient. */
  @State(Scope.Thread)
  public static class Dense {
    /** Optimizer name in {@link OptimizerRegistry}. */
    @Param({"sgd", "ftrl"})
    public String opt;

    Updater up;
    Store w;
    ParamState st;
    double[] g;

    /** Builds the parameter and the gradient (not measured). */
    @Setup(Level.Trial)
    public void setup() {
      SplittableRandom rnd = new SplittableRandom(SEED);
      up = updater(opt);
      w = Store.zeros(PRECISION, DENSE_N);
      randomWeights(w, rnd);
      st = up.createState(w);
      g = new double[DENSE_N];
      for (int i = 0; i < DENSE_N; i++) {
        g[i] = gradient(rnd);
      }
    }
  }

  /**
   * One lazy sparse step over the next pooled batch. Score: ns per step; divide by {@code touched}
   * for ns per row.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void sparseStep(Sparse s) {
    int b = s.next++ & (POOL - 1);
    Updater up = s.up;
    StepContext c = up.begin(0);
    up.step(c, s.w, s.st, s.grads[b], s.rows[b], s.touched, 1, 0);
  }

  /** One dense step over the whole parameter. Score: steps per second. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void denseStep(Dense d) {
    d.up.update(0, d.w, d.st, d.g);
  }
}
