package io.riffle.optim;

/**
 * Per-update scalars handed from {@link Updater#begin} to every {@link Optimizer#step} of that
 * update. Mutable and reused so an update allocates nothing; a caller that fans one update out to
 * shards on other threads gives each a {@link #copyTo copy}.
 */
public final class StepContext {
  /** Number of per-step scalars an optimizer may precompute in {@link #aux}. */
  public static final int AUX = 8;

  /** This parameter's update count, 1 on its first update. */
  public long t;

  /** Largest count over all parameters (what the scheduler saw). */
  public long numUpdate;

  /** Base learning rate from the scheduler (before {@code lr_mult}). */
  public double baseLr;

  /** Effective learning rate: base times {@code lr_mult}. */
  public double lr;

  /** Effective weight decay: {@code wd} times {@code wd_mult}. */
  public double wd;

  /**
   * MXNet 1.x LARS momentum correction: ratio of the base learning rates of the last two lookups (1
   * when unknown).
   */
  public double momentumRatio = 1;

  /** Parameter name ({@code idx2name}, else the index as a string); LARS skips biases. */
  public String paramName = "0";

  /** Noise for SGLD; null for optimizers that draw none. */
  public GaussianSource noise;

  /**
   * Squared L2 norm of the whole parameter's weights, or NaN to let a non-row-local optimizer
   * compute it from the arrays it is given.
   */
  public double weightNormSq = Double.NaN;

  /** Squared L2 norm of the whole raw gradient (before rescale), or NaN, as above. */
  public double gradNormSq = Double.NaN;

  /**
   * Layout of the store a step is applied to within the whole parameter: element {@code e} of a
   * store with rows of {@code width} elements is global element {@code ((e / width) * shards +
   * shard) * width + e % width}. Defaults describe an unsharded parameter; a sharded caller sets
   * them before each shard's step. Keyed noise ({@link GaussianSource#gaussian(long, long)}) uses
   * the global element, so shards draw what an unsharded model would.
   */
  public int shard;

  /** Number of shards the parameter is split into (see {@link #shard}). */
  public int shards = 1;

  /**
   * The global element of local element {@code e} in rows of {@code width} (see {@link #shard}).
   */
  public long globalElement(int e, int width) {
    if (shards == 1) {
      return e;
    }
    return ((long) (e / width) * shards + shard) * width + e % width;
  }

  /** Per-step scalars precomputed by {@link Optimizer#beginStep}. */
  public final double[] aux = new double[AUX];

  /** Copies every field into {@code other} (for fan-out to shards on other threads). */
  public StepContext copyTo(StepContext other) {
    other.t = t;
    other.numUpdate = numUpdate;
    other.baseLr = baseLr;
    other.lr = lr;
    other.wd = wd;
    other.momentumRatio = momentumRatio;
    other.paramName = paramName;
    other.noise = noise;
    other.weightNormSq = weightNormSq;
    other.gradNormSq = gradNormSq;
    other.shard = shard;
    other.shards = shards;
    System.arraycopy(aux, 0, other.aux, 0, AUX);
    return other;
  }
}
