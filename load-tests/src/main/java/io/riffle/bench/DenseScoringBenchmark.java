package io.riffle.bench;

import io.riffle.store.model.DenseLinearModel;
import io.riffle.store.model.ModelKind;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dense batch scoring, {@code batch x dim} inputs times {@code dim x outputs} weights: Riffle's
 * plain-array {@link DenseLinearModel#marginsBatch} against ND4J's BLAS {@code mmul} (decision
 * record {@code docs/decisions/0002-nd4j-for-dense-batch-math.md}).
 *
 * <ul>
 *   <li>{@code plainArrays}: the model's own loop over Java arrays;
 *   <li>{@code nd4jMmul}: inputs already in an off-heap INDArray, result left there (ND4J's best
 *       case: the data would have to live in ND4J buffers all along);
 *   <li>{@code nd4jWithCopy}: copies the Java batch into the INDArray and the margins back out, as
 *       scoring data that arrives in Java arrays would have to.
 * </ul>
 *
 * Run: {@code java -jar load-tests/target/benchmarks.jar DenseScoring}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DenseScoringBenchmark {
  @Param({"64", "256", "1024"})
  int dim;

  @Param({"256"})
  int batch;

  @Param({"1", "16"})
  int outputs;

  private DenseLinearModel model;
  private float[] xs;
  private double[] margins;
  private float[] marginsF;
  private INDArray x;
  private INDArray wt;
  private INDArray out;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(17);
    ModelKind kind = outputs == 1 ? ModelKind.logistic() : ModelKind.softmax(outputs);
    model = new DenseLinearModel(kind, dim);
    float[] w = model.weights();
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    xs = new float[batch * dim];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) rnd.nextGaussian();
    }
    margins = new double[batch * outputs];
    marginsF = new float[batch * outputs];
    x = Nd4j.create(xs, new long[] {batch, dim}, 'c');
    // the model's row-major [outputs][dim] weights, transposed to dim x outputs (a view)
    // (dup: a contiguous copy, so BLAS gets a plain dense operand rather than a view)
    wt = Nd4j.create(w, new long[] {outputs, dim}, 'c').transpose().dup('c');
    out = Nd4j.create(DataType.FLOAT, batch, outputs);
    // the variants must compute the same margins, or the comparison means nothing
    plainArrays();
    nd4jWithCopy();
    for (int i = 0; i < margins.length; i++) {
      double tol = 1e-3 * Math.sqrt(dim);
      if (Math.abs(margins[i] - marginsF[i]) > tol
          || Math.abs(margins[i] - out.getDouble(i / outputs, i % outputs)) > tol) {
        throw new IllegalStateException(
            "margin " + i + ": plain " + margins[i] + " vs nd4j " + marginsF[i]);
      }
    }
  }

  @Benchmark
  public double[] plainArrays() {
    model.marginsBatch(xs, 0, batch, margins, 0);
    return margins;
  }

  @Benchmark
  public INDArray nd4jMmul() {
    return x.mmuli(wt, out);
  }

  @Benchmark
  public float[] nd4jWithCopy() {
    FloatBuffer in = x.data().asNioFloat();
    in.put(xs);
    x.mmuli(wt, out);
    out.data().asNioFloat().get(marginsF);
    return marginsF;
  }
}
