package io.riffle.store.refine;

/**
 * The full-batch pass of L-BFGS over one job's training set, as a replaceable kernel: {@link
 * #lossAndGradient} has exactly the semantics of {@link TrainingSet#lossAndGradient} (summed
 * weighted loss returned, gradient overwritten, coordinate {@code c = a * width + j}), computed
 * however the kernel likes, e.g. by BLAS on a dense copy of the window staged once per job.
 *
 * <p>A kernel is made for one {@link TrainingSet} and one thread, used for every iteration of one
 * job and then {@linkplain #close() closed}, which frees whatever it staged (off-heap memory).
 * Implementations other than the plain one are found through {@link Factory} by {@link
 * java.util.ServiceLoader} ({@code riffle-nd4j}); {@link DenseGradientKernels#choose} picks one.
 */
public interface DenseGradientKernel extends AutoCloseable {

  /** The kernel's name as {@link RefineResult#kernel()} reports it: {@code plain}, {@code nd4j}. */
  String name();

  /**
   * Summed weighted loss of the staged examples at {@code w} ({@code dimension} long); the gradient
   * overwrites {@code grad} (same length).
   */
  double lossAndGradient(double[] w, double[] grad);

  /** Frees what the kernel staged; idempotent. */
  @Override
  void close();

  /**
   * Makes kernels of one implementation. Registered in {@code
   * META-INF/services/io.riffle.store.refine.DenseGradientKernel$Factory}; instantiating a factory
   * must be cheap and must not load native code (the service loads factories on every dense
   * refinement that could use one): only {@link #stage} may.
   */
  interface Factory {
    /** The name a refine spec's {@code kernel} selects it by (lower case, e.g. {@code nd4j}). */
    String name();

    /**
     * Stages {@code set} (read through {@link TrainingSet#denseRow} and its accessors) and returns
     * a kernel over it, owned by the caller.
     *
     * @throws RuntimeException or {@link LinkageError} if the implementation cannot run here (its
     *     native library does not load); the caller falls back or fails as its spec says
     */
    DenseGradientKernel stage(TrainingSet set);
  }

  /** The plain kernel: {@link TrainingSet#lossAndGradient} itself, one CSR sweep. */
  static DenseGradientKernel plain(TrainingSet set) {
    return new DenseGradientKernel() {
      @Override
      public String name() {
        return DenseGradientKernels.PLAIN;
      }

      @Override
      public double lossAndGradient(double[] w, double[] grad) {
        return set.lossAndGradient(w, grad);
      }

      @Override
      public void close() {}
    };
  }
}
