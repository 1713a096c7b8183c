package io.riffle.bench;

import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.refine.RefineJob;
import io.riffle.store.refine.RefineResult;
import io.riffle.store.refine.RefineSpec;
import io.riffle.store.replay.ReplayOptions;
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
 * One whole L-BFGS refinement job ({@link RefineJob#refine}: model copy, {@value #ITERATIONS}
 * iterations over the training part, the judge's replay of the tail) on a dense logistic model of
 * {@code dim} inputs (+ bias) whose window holds {@value #TRAIN} training examples, with the plain
 * gradient pass or the ND4J kernel (staging included: once per job). Milliseconds per job,
 * single-shot (each measured iteration is one job). The tolerance is tiny and {@code l2 = 1e-6}
 * weak, so a job stops at its {@value #ITERATIONS} iterations or where the line search can no
 * longer decrease the objective (machine precision: the two kernels' rounding differs, so their
 * step counts may too); {@code @Setup} prints the steps each took and checks the kernel that ran.
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar DenseGradientJob -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DenseGradientJobBenchmark {
  static final int TRAIN = 4096;
  static final int ITERATIONS = 50;

  @Param({"64", "256", "1024"})
  int dim;

  @Param({"plain", "nd4j"})
  String kernel;

  private Model live;
  private RefineSpec spec;

  @Setup(Level.Trial)
  public void setUp() {
    int bits = 32 - Integer.numberOfLeadingZeros(dim); // 2^bits > dim: room for the bias row
    double holdout = 0.1;
    int total = (int) Math.ceil(TRAIN / (1 - holdout)) + 1;
    ModelSpec ms =
        ModelSpec.of(ModelKindSpec.of("logistic"))
            .withHashing(HashingSpec.defaults().withBits(bits))
            .withReplay(new ReplayOptions(512L << 20, holdout));
    live = new Model("bench", ms);
    SplittableRandom rnd = new SplittableRandom(17);
    double[] truth = new double[dim];
    for (int j = 0; j < dim; j++) {
      truth[j] = rnd.nextGaussian() / Math.sqrt(dim);
    }
    SparseVector v = new SparseVector(dim + 1);
    for (int i = 0; i < total; i++) {
      v.clear();
      double z = 0;
      for (int j = 0; j < dim; j++) {
        float x = (float) rnd.nextGaussian();
        v.add(j, x);
        z += truth[j] * x;
      }
      v.add(dim, 1f);
      live.learnOne(v, rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0, 1.0);
    }
    spec =
        RefineSpec.fromJson(
            "lbfgs",
            null,
            null,
            null,
            null,
            null,
            null,
            ITERATIONS,
            1e-300,
            1e-6,
            null,
            null,
            null,
            holdout,
            null,
            null,
            null,
            kernel,
            null);
    RefineResult r = job();
    System.out.printf(
        "%ndim %d, kernel %s: %d training examples, %d steps, %s; %s%n",
        dim, r.kernel(), r.trainExamples(), r.steps(), r.status(), r.message());
    if (!r.kernel().equals(kernel) || r.trainExamples() < TRAIN) {
      throw new IllegalStateException("ran " + r.kernel() + " over " + r.trainExamples());
    }
  }

  @Benchmark
  public RefineResult job() {
    return RefineJob.refine(live, spec);
  }
}
