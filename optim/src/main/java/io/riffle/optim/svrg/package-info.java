/**
 * Stochastic variance-reduced gradient (SVRG; Johnson and Zhang, "Accelerating Stochastic Gradient
 * Descent using Predictive Variance Reduction", NIPS 2013) with the semantics of MXNet 1.x's {@code
 * contrib.svrg_optimization.SVRGModule} (OPTIMIZERS.md 6).
 *
 * <ul>
 *   <li>{@link io.riffle.optim.svrg.Svrg} is the driver: per-epoch full-gradient pass every {@code
 *       update_freq} epochs, then the inner loop handing {@code G_b(w) - G_b(w~) + mu} to any inner
 *       {@link io.riffle.optim.Optimizer} through an {@link io.riffle.optim.Updater}; with plain
 *       SGD it can run the inner loop in O(nnz) per batch (lazy mu term, 6.7).
 *   <li>{@link io.riffle.optim.svrg.GradientSource} and {@link
 *       io.riffle.optim.svrg.SparseGradientSource} keep the data abstract: anything that sums
 *       per-example gradients over a batch of example indices (the reference's linear regression,
 *       or later the model store's replay window of hashed examples).
 *   <li>{@link io.riffle.optim.svrg.FullGradientAggregator} combines the partial full gradients of
 *       several devices or workers under {@code "<name>_full"} keys (6.5); {@link
 *       io.riffle.optim.svrg.InJvmFullGradientAggregator} does it inside one JVM.
 * </ul>
 */
package io.riffle.optim.svrg;
