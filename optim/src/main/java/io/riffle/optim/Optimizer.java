package io.riffle.optim;

import java.util.List;

/**
 * One optimizer: immutable hyperparameters plus the math of a step. It holds no mutable state;
 * weights and every state array belong to the caller (a model shard) and are passed in.
 *
 * <p>Call order for one update of one parameter:
 *
 * <ol>
 *   <li>{@link Updater#begin} counts the update, resolves the learning rate and weight decay
 *       (scheduler, multipliers) into a {@link StepContext} and calls {@link #beginStep} once, so
 *       optimizer-wide scalars (Nadam's momentum schedule) advance exactly once per update however
 *       many shards the parameter is split into;
 *   <li>{@link #step} runs once per shard (or once for the whole array) over the touched elements.
 * </ol>
 *
 * <p><b>Sparse semantics.</b> A step visits only the elements it is given. Elements it is not given
 * keep their weight and every state value: the dense per-element rule applied to the touched rows
 * ("lazy" in MXNet's terms). For SGD, Adam, AdaGrad, FTRL and LARS this is exactly MXNet's lazy
 * row-sparse update; for the others it is Riffle's extension, documented on each class. MXNet's
 * non-lazy ("standard") sparse update equals a dense step over a gradient with zeros in the missing
 * rows.
 *
 * <p><b>Allocation.</b> {@link #beginStep} and {@link #step} allocate nothing.
 */
public interface Optimizer {

  /** Registry name, lower case (MXNet's class name). */
  String name();

  /** The validated hyperparameters this optimizer was built from. */
  Hyperparams hyperparams();

  /** Names of the per-element state arrays, in snapshot order (e.g. FTRL: {@code z, n}). */
  default List<String> stateNames() {
    return List.of();
  }

  /** Names of per-parameter scalar state (e.g. LBSGD's accumulation counter). */
  default List<String> scalarNames() {
    return List.of();
  }

  /** Names of optimizer-wide scalar state shared by all parameters (e.g. Nadam's schedule). */
  default List<String> globalNames() {
    return List.of();
  }

  /** Initial values of the optimizer-wide scalars. */
  default double[] initialGlobals() {
    return new double[globalNames().size()];
  }

  /**
   * Initialises state beyond zeros for a new parameter (DCASGD copies the weights). Called once,
   * after all arrays are allocated and zero.
   */
  default void initState(Store weights, ParamState state) {}

  /**
   * True if the update of an element depends only on that element's weight, gradient and state
   * (plus per-step scalars). False for LARS and LBSGD's {@code lars} strategy, whose trust ratio
   * uses norms over the whole parameter: a sharded caller must fill {@link
   * StepContext#weightNormSq} and {@link StepContext#gradNormSq} with whole-parameter values.
   */
  default boolean rowLocal() {
    return true;
  }

  /**
   * MXNet 1.x: true if the optimizer passes its default learning rate to the base class even when a
   * scheduler is attached (OPTIMIZERS.md 2.1: Adam, RMSProp, Adamax, Nadam, Signum, LAMB). Every
   * 2.x optimizer does; the driver only asks under 1.x.
   */
  default boolean v1PassesDefaultLr() {
    return false;
  }

  /** True if the learning rate is read before the update is counted (only 1.x LBSGD). */
  default boolean readsLrBeforeCount() {
    return false;
  }

  /**
   * Once per update of a parameter, before any {@link #step} of that update: advance the
   * optimizer-wide scalars and precompute per-step scalars into {@link StepContext#aux}.
   */
  default void beginStep(StepContext c, double[] globals) {}

  /**
   * Applies one update to {@code count} elements.
   *
   * <p>Dense form ({@code rows == null}): elements {@code from .. from+count-1}; element {@code
   * from+k} receives gradient {@code g[k]}. Sparse form: {@code count = rows.length-in-use *
   * width}; element {@code rows[k / width] * width + k % width} receives {@code g[k]}. Rows must be
   * unique within one call (a caller aggregates duplicates first). {@code g} is never modified.
   *
   * @param c per-step scalars from {@link Updater#begin}
   * @param w weights (or the float64 master copy under {@code multi_precision})
   * @param s this parameter's state
   * @param g raw gradient, before rescale, clip and decay
   * @param rows touched rows, or null for the dense form
   * @param count number of elements to update
   * @param width elements per row (1 for a single-output hashed model)
   * @param from first element of the dense form (ignored when {@code rows != null})
   */
  void step(
      StepContext c, Store w, ParamState s, double[] g, int[] rows, int count, int width, int from);

  /**
   * Dense step over elements {@code [from, to)}; {@code g[k]} belongs to element {@code from+k}.
   */
  default void denseStep(StepContext c, Store w, ParamState s, double[] g, int from, int to) {
    step(c, w, s, g, null, to - from, 1, from);
  }

  /** Lazy sparse step over {@code n} unique rows of {@code width} elements each. */
  default void sparseStep(
      StepContext c, Store w, ParamState s, int[] rows, int n, int width, double[] g) {
    step(c, w, s, g, rows, n * width, width, 0);
  }

  /**
   * A new optimizer with the same hyperparameters (found again through the registry). The very same
   * {@link Hyperparams} is reused, so which values the user set explicitly is kept too (MXNet's
   * learning-rate resolution depends on it).
   */
  default Optimizer copy() {
    return OptimizerRegistry.provider(name()).create(hyperparams());
  }
}
