package io.riffle.bench;

import io.riffle.nd4j.Nd4jKernelFactory;
import io.riffle.store.model.ModelKind;
import io.riffle.store.refine.DenseGradientKernel;
import io.riffle.store.refine.DenseGradientKernels;
import io.riffle.store.refine.TrainingSet;
import io.riffle.store.replay.ReplayWindow;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full-batch loss-and-gradient evaluation over a dense replay window of {@code n} examples of
 * length {@code dim}: {@code Z = X W}, {@code R = P(Z) - Y} (with the loss), {@code G = X^T R}; for
 * {@code outputs = 1} (logistic) two matrix-vector products, for {@code outputs = 16} (softmax) two
 * matrix-matrix products (decision record {@code
 * docs/decisions/0002-nd4j-for-dense-batch-math.md}).
 *
 * <ul>
 *   <li>{@code window}: what refinement runs today, {@link TrainingSet#lossAndGradient} over the
 *       window as the service's dense model kind stores it (every vector entry a CSR entry);
 *   <li>{@code plainDense}: the same sums over a row-major {@code float[n * dim]} copy of the
 *       window (no indices), double accumulators, the model kind's per-example loss and gradient;
 *   <li>{@code nd4j}: the two products by ND4J's BLAS on an off-heap {@code n x dim} float32 copy
 *       of the window staged once (as a job would stage it once for all its iterations); per
 *       evaluation the weights go in, {@code Z} comes out, the per-example loss and {@code R} are
 *       computed in Java by the model kind, {@code R} goes in and {@code G} comes out;
 *   <li>{@code kernelF64}: the real kernel, {@code riffle-nd4j}'s {@code DenseGradientKernel} as
 *       refinement gets it through the SPI ({@link DenseGradientKernels#choose} with {@code nd4j}):
 *       float64 staging, which is its default;
 *   <li>{@code kernelF32}: the same kernel staging float32 ({@code -Driffle.nd4j.dtype=float}).
 * </ul>
 *
 * <p>Staging a kernel pins ND4J to one OpenMP and one BLAS thread for the process, so in one fork
 * {@code nd4j} runs pinned too (staging happens in {@code @Setup}), with or without {@code
 * OMP_NUM_THREADS}.
 *
 * <p>Run: {@code java -jar load-tests/target/benchmarks.jar DenseGradient}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DenseGradientBenchmark {
  @Param({"8", "16", "32", "64", "256", "1024"})
  int dim;

  @Param({"2048"})
  int n;

  @Param({"1", "16"})
  int outputs;

  private ModelKind kind;
  private TrainingSet set;
  private double[] w;
  private double[] grad;
  // plain dense copy
  private float[] xs;
  private double[] labels;
  private double[] z;
  private double[] g;
  // nd4j
  private INDArray x;
  private INDArray xt;
  private INDArray wNd;
  private INDArray zNd;
  private INDArray rNd;
  private INDArray gNd;
  private float[] wF;
  private float[] zF;
  private float[] rF;
  private float[] gF;
  private double[] zD;
  private double[] rD;
  // the real kernels
  private DenseGradientKernel k64;
  private DenseGradientKernel k32;
  private double[] g64;
  private double[] g32;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(23);
    kind = outputs == 1 ? ModelKind.logistic() : ModelKind.softmax(outputs);
    xs = new float[n * dim];
    labels = new double[n];
    ReplayWindow window = new ReplayWindow(1L << 30, 0);
    int[] idx = new int[dim];
    for (int j = 0; j < dim; j++) {
      idx[j] = j;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        xs[i * dim + j] = (float) rnd.nextGaussian();
      }
      labels[i] = outputs == 1 ? rnd.nextInt(2) : rnd.nextInt(outputs);
      window.add(
          idx, java.util.Arrays.copyOfRange(xs, i * dim, (i + 1) * dim), 0, dim, labels[i], 1f);
    }
    set = TrainingSet.of(window, 0, n, kind);
    int d = dim * outputs;
    w = new double[d];
    for (int c = 0; c < d; c++) {
      w[c] = 0.1 * rnd.nextGaussian();
    }
    grad = new double[d];
    g = new double[d];
    z = new double[outputs];
    x = Nd4j.create(xs, new long[] {n, dim}, 'c');
    xt = x.transpose();
    wNd = Nd4j.create(DataType.FLOAT, dim, outputs);
    zNd = Nd4j.create(DataType.FLOAT, n, outputs);
    rNd = Nd4j.create(DataType.FLOAT, n, outputs);
    gNd = Nd4j.create(DataType.FLOAT, dim, outputs);
    wF = new float[d];
    zF = new float[n * outputs];
    rF = new float[n * outputs];
    gF = new float[d];
    zD = new double[outputs];
    rD = new double[outputs];
    k64 = DenseGradientKernels.choose(set, DenseGradientKernels.ND4J).kernel();
    k32 = new Nd4jKernelFactory(false).stage(set);
    g64 = new double[d];
    g32 = new double[d];
    // they must all agree, or the comparison means nothing
    double l1 = window();
    double[] a = grad.clone();
    double l2 = plainDense();
    double[] b = g.clone();
    double l3 = nd4j();
    double l4 = kernelF64();
    double l5 = kernelF32();
    if (Math.abs(l1 - l4) > 1e-9 * l1 || Math.abs(l1 - l5) > 1e-4 * l1) {
      throw new IllegalStateException("loss: window " + l1 + ", kernels " + l4 + ", " + l5);
    }
    for (int q = 0; q < d; q++) {
      if (Math.abs(a[q] - g64[q]) > 1e-9 * (1 + Math.abs(a[q]))
          || Math.abs(a[q] - g32[q]) > 1e-3 * (1 + Math.abs(a[q]))) {
        throw new IllegalStateException(
            "gradient " + q + ": window " + a[q] + ", kernels " + g64[q] + ", " + g32[q]);
      }
    }
    for (int c = 0; c < d; c++) {
      double tol = 1e-3 * (1 + Math.abs(a[c]));
      if (Math.abs(a[c] - b[c]) > 1e-9 * (1 + Math.abs(a[c])) || Math.abs(a[c] - gF[c]) > tol) {
        throw new IllegalStateException(
            "gradient " + c + ": window " + a[c] + ", plain " + b[c] + ", nd4j " + gF[c]);
      }
    }
    if (Math.abs(l1 - l2) > 1e-9 * l1 || Math.abs(l1 - l3) > 1e-4 * l1) {
      throw new IllegalStateException("loss: window " + l1 + ", plain " + l2 + ", nd4j " + l3);
    }
  }

  @Benchmark
  public double window() {
    return set.lossAndGradient(w, grad);
  }

  @Benchmark
  public double plainDense() {
    final int d = dim;
    final int k = outputs;
    final float[] x = xs;
    final double[] wl = w;
    final double[] gl = g;
    java.util.Arrays.fill(gl, 0);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      int row = i * d;
      java.util.Arrays.fill(z, 0);
      for (int j = 0; j < d; j++) {
        double v = x[row + j];
        int base = j * k;
        for (int o = 0; o < k; o++) {
          z[o] += v * wl[base + o];
        }
      }
      loss += kind.lossAndGradient(z, 0, labels[i], 1, rD, 0);
      for (int j = 0; j < d; j++) {
        double v = x[row + j];
        int base = j * k;
        for (int o = 0; o < k; o++) {
          gl[base + o] += rD[o] * v;
        }
      }
    }
    return loss;
  }

  @Benchmark
  public double nd4j() {
    for (int c = 0; c < wF.length; c++) {
      wF[c] = (float) w[c];
    }
    FloatBuffer wb = wNd.data().asNioFloat();
    wb.put(wF);
    x.mmuli(wNd, zNd);
    zNd.data().asNioFloat().get(zF);
    double loss = 0;
    final int k = outputs;
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < k; o++) {
        zD[o] = zF[i * k + o];
      }
      loss += kind.lossAndGradient(zD, 0, labels[i], 1, rD, 0);
      for (int o = 0; o < k; o++) {
        rF[i * k + o] = (float) rD[o];
      }
    }
    rNd.data().asNioFloat().put(rF);
    xt.mmuli(rNd, gNd);
    gNd.data().asNioFloat().get(gF);
    return loss;
  }

  @Benchmark
  public double kernelF64() {
    return k64.lossAndGradient(w, g64);
  }

  @Benchmark
  public double kernelF32() {
    return k32.lossAndGradient(w, g32);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    k64.close();
    k32.close();
  }
}
