package io.riffle.nd4j;

import io.riffle.store.refine.DenseGradientKernel;
import io.riffle.store.refine.DenseGradientKernels;
import io.riffle.store.refine.TrainingSet;
import java.util.Locale;

/**
 * Makes {@link Nd4jDenseKernel}s ({@code nd4j}). The element type of the staged window is {@code
 * double} unless the system property {@value #DTYPE_PROPERTY} says {@code float}
 * (docs/decisions/0002, Addendum 2: float64 agrees with the plain pass to rounding, so a job
 * reaches the same judge's numbers with either kernel; float32 halves the memory and was measured
 * faster, and close enough on the one L-BFGS convergence test, 6e-9 relative). Constructing the
 * factory touches no ND4J class: ServiceLoader may create it in a JVM that never stages anything.
 */
public final class Nd4jKernelFactory implements DenseGradientKernel.Factory {
  /**
   * System property selecting the staged element type: {@code double} (default) or {@code float}.
   */
  public static final String DTYPE_PROPERTY = "riffle.nd4j.dtype";

  private final Boolean doublePrecision;

  /** The factory ServiceLoader creates: element type from {@value #DTYPE_PROPERTY}. */
  public Nd4jKernelFactory() {
    this.doublePrecision = null;
  }

  /**
   * A factory staging float64 ({@code true}) or float32 ({@code false}), for tests and benchmarks.
   */
  public Nd4jKernelFactory(boolean doublePrecision) {
    this.doublePrecision = doublePrecision;
  }

  @Override
  public String name() {
    return DenseGradientKernels.ND4J;
  }

  @Override
  public DenseGradientKernel stage(TrainingSet set) {
    boolean f64 =
        doublePrecision != null
            ? doublePrecision
            : !System.getProperty(DTYPE_PROPERTY, "double")
                .toLowerCase(Locale.ROOT)
                .startsWith("float");
    return new Nd4jDenseKernel(set, f64);
  }
}
