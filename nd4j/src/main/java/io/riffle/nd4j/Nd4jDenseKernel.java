package io.riffle.nd4j;

import io.riffle.store.model.ModelKind;
import io.riffle.store.refine.DenseGradientKernel;
import io.riffle.store.refine.DenseGradientKernels;
import io.riffle.store.refine.TrainingSet;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * {@link TrainingSet#lossAndGradient} by BLAS over a dense copy of the set: {@code X} ({@code n x
 * A}, row-major, the values of example {@code i} on active row {@code a}) is staged off-heap once;
 * per call the weights {@code W} ({@code A x width}, row-major, which is the coordinate layout
 * {@code c = a * width + j}) go in, {@code Z = X W} comes out (libnd4j's {@code matmul}: with one
 * output {@code W} is a vector, which takes its matrix-vector path, else gemm), the model kind
 * computes each example's weighted loss and {@code R = dLoss/dZ} in Java, {@code R} goes in and
 * {@code G = X^T R} comes out into the caller's gradient.
 *
 * <p>Per call it allocates no Java arrays: the five off-heap arrays, their NIO views and the heap
 * buffers for {@code Z} and {@code R} are made once. Memory: {@code n * A} elements off-heap plus
 * {@code 2 * n * width + 2 * A * width} (float32 or float64), and {@code 2 * n * width} doubles on
 * the heap. One thread; {@link #close} frees the off-heap arrays.
 */
final class Nd4jDenseKernel implements DenseGradientKernel {
  private static volatile boolean pinned;

  private final ModelKind kind;
  private final int n;
  private final int width;
  private final double[] label;
  private final double[] weight;
  private final boolean f64;
  private final INDArray x;
  private final INDArray w;
  private final INDArray z;
  private final INDArray r;
  private final INDArray g;
  private final double[] zd;
  private final double[] rd;
  private final float[] buf; // float32 transfers, max(n, A) * width
  // NIO views of w, z, r, g over their off-heap memory, made once (float64 or float32)
  private final DoubleBuffer[] dv = new DoubleBuffer[4];
  private final FloatBuffer[] fv = new FloatBuffer[4];
  private final CustomOp forward;
  private final CustomOp backward;
  private boolean closed;

  Nd4jDenseKernel(TrainingSet set, boolean f64) {
    pinThreads();
    this.kind = set.kind();
    this.n = set.examples();
    this.width = set.width();
    this.f64 = f64;
    int a = set.activeRows();
    this.label = new double[n];
    this.weight = new double[n];
    for (int i = 0; i < n; i++) {
      label[i] = set.label(i);
      weight[i] = set.weight(i);
    }
    DataType t = f64 ? DataType.DOUBLE : DataType.FLOAT;
    INDArray xs = Nd4j.create(t, new long[] {n, a}, 'c');
    float[] row = new float[a];
    if (f64) {
      DoubleBuffer xb = xs.data().asNioDouble();
      for (int i = 0; i < n; i++) {
        set.denseRow(i, row);
        for (int j = 0; j < a; j++) {
          xb.put(row[j]);
        }
      }
    } else {
      FloatBuffer xb = xs.data().asNioFloat();
      for (int i = 0; i < n; i++) {
        set.denseRow(i, row);
        xb.put(row);
      }
    }
    this.x = xs;
    // one output: vectors, so that libnd4j's matmul takes its matrix-vector (gemv) path
    this.w = Nd4j.create(t, width == 1 ? new long[] {a} : new long[] {a, width}, 'c');
    this.z = Nd4j.create(t, width == 1 ? new long[] {n} : new long[] {n, width}, 'c');
    this.r = Nd4j.create(t, width == 1 ? new long[] {n} : new long[] {n, width}, 'c');
    this.g = Nd4j.create(t, width == 1 ? new long[] {a} : new long[] {a, width}, 'c');
    this.forward = matmul(x, w, z, false);
    this.backward = matmul(x, r, g, true);
    this.zd = new double[n * width];
    this.rd = new double[n * width];
    this.buf = f64 ? null : new float[Math.max(n, a) * width];
    INDArray[] io = {w, z, r, g};
    for (int k = 0; k < 4; k++) {
      if (f64) {
        dv[k] = io[k].data().asNioDouble();
      } else {
        fv[k] = io[k].data().asNioFloat();
      }
    }
  }

  /**
   * ND4J's OpenMP pool and the BLAS library's threads to 1, once per process: a refinement job is
   * one worker thread's work, and on shared cores more threads make ND4J erratic
   * (docs/decisions/0002).
   */
  private static void pinThreads() {
    if (!pinned) {
      synchronized (Nd4jDenseKernel.class) {
        if (!pinned) {
          // the BLAS library (OpenBLAS) and OpenMP (libnd4j's loops) each have their own count;
          // Nd4j first: it loads the backend NativeOpsHolder needs
          Nd4j.factory().blas().setMaxThreads(1);
          Nd4j.getEnvironment().setMaxMasterThreads(1);
          NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
          pinned = true;
        }
      }
    }
  }

  /** ND4J's thread limits as set: OpenMP threads, master threads, BLAS threads (for tests). */
  static int[] threadLimits() {
    return new int[] {
      NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
      Nd4j.getEnvironment().maxMasterThreads(),
      Nd4j.factory().blas().getMaxThreads()
    };
  }

  @Override
  public String name() {
    return DenseGradientKernels.ND4J;
  }

  @Override
  public double lossAndGradient(double[] wIn, double[] grad) {
    if (closed) {
      throw new IllegalStateException("kernel closed");
    }
    put(0, wIn, wIn.length);
    Nd4j.exec(forward);
    get(1, zd, zd.length);
    double loss = 0;
    for (int i = 0, o = 0; i < n; i++, o += width) {
      loss += kind.lossAndGradient(zd, o, label[i], weight[i], rd, o);
    }
    put(2, rd, rd.length);
    Nd4j.exec(backward);
    get(3, grad, grad.length);
    return loss;
  }

  /** The op {@code out = X b} (or {@code X^T b}), built once and executed per call. */
  private static CustomOp matmul(INDArray x, INDArray b, INDArray out, boolean transposeX) {
    return DynamicCustomOp.builder("matmul")
        .addInputs(x, b)
        .addOutputs(out)
        .addFloatingPointArguments(1.0, 0.0)
        .addIntegerArguments(transposeX ? 1 : 0, 0, 0)
        .build();
  }

  /** Copies {@code from[0, len)} into view {@code k} (0 w, 1 z, 2 r, 3 g). */
  private void put(int k, double[] from, int len) {
    if (f64) {
      dv[k].clear();
      dv[k].put(from, 0, len);
    } else {
      for (int c = 0; c < len; c++) {
        buf[c] = (float) from[c];
      }
      fv[k].clear();
      fv[k].put(buf, 0, len);
    }
  }

  /** Copies view {@code k} into {@code into[0, len)}. */
  private void get(int k, double[] into, int len) {
    if (f64) {
      dv[k].clear();
      dv[k].get(into, 0, len);
    } else {
      fv[k].clear();
      fv[k].get(buf, 0, len);
      for (int c = 0; c < len; c++) {
        into[c] = buf[c];
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (INDArray a : new INDArray[] {x, w, z, r, g}) {
        if (a.closeable()) {
          a.close();
        }
      }
    }
  }
}
