/**
 * Riffle's learning math: the {@link io.riffle.optim.Optimizer} interface, validated {@link
 * io.riffle.optim.Hyperparams}, caller-owned state in primitive {@link io.riffle.optim.Store}s, the
 * {@link io.riffle.optim.Updater} that counts updates and resolves learning rates as MXNet does,
 * and the {@link io.riffle.optim.OptimizerRegistry}. Pure Java: no Vert.x, no I/O.
 *
 * <p>Implementations live in {@code impl}; schedules in {@code schedule}; SVRG and YellowFin in
 * their own packages; {@code tools.Trajectory} prints conformance trajectories.
 */
package io.riffle.optim;
