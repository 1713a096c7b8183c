/**
 * Command-line tools: {@link io.riffle.optim.tools.Trajectory} prints conformance trajectories
 * line-compatible with the NumPy reference, over its portable test problems.
 */
package io.riffle.optim.tools;
