package io.riffle.optim.yellowfin;

/**
 * Everything mutable in a {@link YellowFin} tuner, as primitive arrays for a snapshot. Produced by
 * {@link YellowFin#exportState} (deep copies) and consumed by {@link YellowFin#importState}.
 *
 * @param iteration {@code k}, the number of iterations observed
 * @param scalars named by {@link YellowFin#SCALAR_NAMES}: tuned values, adaptive-clip threshold,
 *     the biased EMA accumulators, the last statistics and the external knobs
 * @param window the curvature window (already holding {@code h + EPS})
 * @param gradEma per parameter, the biased per-coordinate EMA of the gradient
 * @param velocity per parameter, the momentum buffer {@code v}
 */
public record YellowFinState(
    long iteration, double[] scalars, double[] window, double[][] gradEma, double[][] velocity) {}
