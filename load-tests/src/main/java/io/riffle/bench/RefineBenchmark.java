package io.riffle.bench;

import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.SplitMix64;
import io.riffle.optim.svrg.Svrg;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKind;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.refine.TrainingSet;
import io.riffle.store.replay.ReplayOptions;
import io.riffle.store.replay.ReplayWindow;
import java.util.Map;
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
 * Cost of scheduled refinement's hot parts at 2^18 and 2^24 hashed rows.
 *
 * <ul>
 *   <li>{@link #svrgInnerStep} (ns per step): one SVRG inner step with plain SGD, batch 1, as
 *       {@code io.riffle.store.refine.RefineJob} runs it: {@code g_i(w) - g_i(w~) + mu} on the
 *       example's coordinates, with the dense {@code mu} term caught up lazily ({@code LazyMu}).
 *       The data: {@value #EXAMPLES} logistic examples of {@value #NNZ} features drawn uniformly
 *       over the {@code 2^bits} rows, so the training set touches about 2.1 million distinct rows
 *       at bits 24 and all 262,144 at bits 18: a step that were O(dimension) would be 8 times
 *       dearer at 24.
 *   <li>{@link #modelCopy} and {@link #snapshotRestore} (ms per copy): the two ways to take the
 *       consistent copy a job refines, on an FTRL model (weights, {@code z}, {@code n}) that has
 *       learned 10,000 examples.
 * </ul>
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar RefineBenchmark -f 1 -wi 2 -i 3}.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RefineBenchmark {
  static final int EXAMPLES = 200_000;
  static final int NNZ = 20;

  /** The SVRG inner loop over a compacted training set. */
  @State(Scope.Thread)
  public static class Inner {
    @Param({"18", "24"})
    int bits;

    Svrg svrg;
    Store w;
    ParamState st;
    int[] one = new int[1];
    int next;
    int n;

    @Setup(Level.Trial)
    public void setup() {
      SplittableBits r = new SplittableBits(42);
      ReplayWindow win = new ReplayWindow(new ReplayOptions(256L << 20, 0.1));
      SparseVector v = new SparseVector(NNZ);
      for (int i = 0; i < EXAMPLES; i++) {
        v.clear();
        for (int f = 0; f < NNZ; f++) {
          v.add(r.row(bits), 1f);
        }
        v.sumDuplicates();
        win.add(v, r.uniform() < 0.3 ? 1 : 0, 1f);
      }
      TrainingSet set = TrainingSet.of(win, 0, win.size(), ModelKind.logistic());
      Updater up =
          new Updater(
              OptimizerRegistry.create(
                  "sgd", Svrg.innerHyperparams(Map.of("learning_rate", 0.05), 1, 1)));
      w = Store.of(new double[set.dimension()]);
      st = up.createState(w);
      svrg = new Svrg(up, set, Svrg.Options.of(1, 1).withLazy(true));
      svrg.fullGradientPass(w);
      n = set.examples();
      System.out.printf("%nbits %d: %d active rows%n", bits, set.activeRows());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void svrgInnerStep(Inner s) {
    s.one[0] = s.next;
    s.svrg.innerStep(s.w, s.st, s.one, 1);
    if (++s.next == s.n) {
      s.next = 0;
    }
  }

  /** An FTRL model that has learned a while. */
  @State(Scope.Thread)
  public static class Copy {
    @Param({"18", "24"})
    int bits;

    Model model;

    @Setup(Level.Trial)
    public void setup() {
      model =
          new Model(
              "bench",
              ModelSpec.of(ModelKindSpec.of("logistic"))
                  .withHashing(HashingSpec.defaults().withBits(bits)));
      SplittableBits r = new SplittableBits(7);
      SparseVector v = new SparseVector(NNZ);
      for (int i = 0; i < 10_000; i++) {
        v.clear();
        for (int f = 0; f < NNZ; f++) {
          v.add(r.row(bits), 1f);
        }
        v.sumDuplicates();
        model.learnOne(v, r.uniform() < 0.3 ? 1 : 0, 1);
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Model modelCopy(Copy c) {
    return c.model.copy();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Model snapshotRestore(Copy c) {
    return Model.restore(c.model.snapshot());
  }

  /** Seeded rows and uniforms. */
  static final class SplittableBits {
    private final SplitMix64 r;

    SplittableBits(long seed) {
      r = new SplitMix64(seed);
    }

    int row(int bits) {
      return (int) (r.uniform() * (1 << bits));
    }

    double uniform() {
      return r.uniform();
    }
  }
}
