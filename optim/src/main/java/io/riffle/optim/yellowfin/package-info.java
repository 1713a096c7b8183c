/**
 * YellowFin (Zhang and Mitliagkas, "YellowFin and the Art of Momentum Tuning", arXiv:1706.03471): a
 * global momentum and learning-rate tuner for momentum SGD, with the arithmetic of the authors'
 * TensorFlow reference (OPTIMIZERS.md 7), and its closed-loop momentum control for asynchronous
 * training (7.6).
 *
 * <ul>
 *   <li>{@link io.riffle.optim.yellowfin.YellowFin}: the tuner and its momentum step over a list of
 *       parameter arrays ({@code double[]} or {@link io.riffle.optim.Store});
 *   <li>{@link io.riffle.optim.yellowfin.YellowFinConfig}: parameters under their TF names and
 *       defaults;
 *   <li>{@link io.riffle.optim.yellowfin.YellowFinState}: snapshot of the tuner's state;
 *   <li>{@link io.riffle.optim.yellowfin.ClosedLoopMomentum}: measured total momentum (median over
 *       coordinates) and negative feedback on the algorithmic momentum {@code mu_G}.
 * </ul>
 *
 * <p>MXNet ships no YellowFin; this package is not an {@link io.riffle.optim.Optimizer} because its
 * statistics are global over all parameters, not per element.
 */
package io.riffle.optim.yellowfin;
