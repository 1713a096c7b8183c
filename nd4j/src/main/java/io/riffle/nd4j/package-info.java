/**
 * The ND4J implementation of model-store's {@link io.riffle.store.refine.DenseGradientKernel}: the
 * full-batch loss and gradient of an L-BFGS refinement over a dense window as two BLAS products on
 * a copy of the window staged off-heap once per job (docs/decisions/0002, Addendum 2).
 *
 * <p>{@link io.riffle.nd4j.Nd4jKernelFactory} is registered for {@link java.util.ServiceLoader};
 * creating it loads nothing native. ND4J (and its native libraries) load on the first {@link
 * io.riffle.nd4j.Nd4jKernelFactory#stage}, which also pins ND4J's OpenMP and BLAS threads to 1 for
 * the process. This is the only package allowed to import ND4J (config/import-control.xml).
 */
package io.riffle.nd4j;
