package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.bool;
import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.optionalReal;
import static io.riffle.optim.HyperparamSpec.unitOpen;

import io.riffle.optim.Grad;
import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.InvalidHyperparameterException;
import io.riffle.optim.OptimizerProvider;
import io.riffle.optim.ParamState;
import io.riffle.optim.Rows;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import java.util.List;

/**
 * LAMB, layer-wise adaptive moments (You et al., "Large Batch Optimization for Deep Learning:
 * Training BERT in 76 minutes", ICLR 2020, arXiv:1904.00962, Algorithm 2), in MXNet's form
 * (OPTIMIZERS.md 4.16; kernels LambUpdatePhaseOne/Two).
 *
 * <pre>
 *   g'   = clip(r*g)                           (P3: decay enters the direction, not the gradient)
 *   mean = beta1*mean + (1-beta1)*g'
 *   var  = beta2*var  + (1-beta2)*g'^2
 *   m^   = mean / (1 - beta1^t);  v^ = var / (1 - beta2^t)   (if bias_correction, else mean, var)
 *   u    = m^ / (sqrt(v^) + eps) + wd*w
 *   r1   = ||w||, clamped to [lower_bound, upper_bound] where those are set;   r2 = ||u||
 *   ratio = r1 / r2 if both are nonzero (and the ratio is finite), else 1
 *   w   -= lr * ratio * u
 * </pre>
 *
 * <p>State: {@code mean} and {@code var} (two arrays of the weight's length). The 1.x class has the
 * same formula.
 *
 * <p><b>Not row-local</b> ({@link #rowLocal()} is false): the trust ratio uses norms over the whole
 * parameter. {@link #step} computes them over the elements it is given - for the dense whole-array
 * call, the whole parameter. {@code ||w||^2} is taken from {@link StepContext#weightNormSq} when
 * that is not NaN (a sharded caller fills it with the whole-parameter value); {@code ||u||} is
 * always over the elements of the call, since no caller can know it before the moments are updated.
 *
 * <p><b>Two passes, no scratch memory.</b> The first pass updates mean and var, stores them, reads
 * them back (so under float32 storage it sees exactly the rounded values the second pass will see),
 * forms {@code u} and accumulates {@code ||u||^2} (and {@code ||w||^2} if needed). The second pass
 * recomputes {@code u} from the stored moments and the still-unchanged weights and applies the
 * update. Recomputing costs one sqrt and a few flops per element but needs neither a third state
 * array nor a per-step allocation.
 *
 * <p>Sparse: MXNet has no sparse LAMB kernel. The lazy step here - the rule above on the touched
 * rows only, untouched rows keep weight and moments, and (unless {@code weightNormSq} is given)
 * both norms taken over the touched rows - is a Riffle extension.
 */
public final class Lamb extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.001),
          unitOpen("beta1", 0.9),
          unitOpen("beta2", 0.999),
          nonNegative("epsilon", 1e-6),
          optionalReal("lower_bound", null),
          optionalReal("upper_bound", null),
          bool("bias_correction", true));

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean biasCorrection;

  /** {@code lower_bound}, or NaN when None. */
  private final double lowerBound;

  /** {@code upper_bound}, or NaN when None. */
  private final double upperBound;

  public Lamb(Hyperparams hp) {
    super(hp);
    this.beta1 = hp.real("beta1");
    this.beta2 = hp.real("beta2");
    this.epsilon = hp.real("epsilon");
    this.biasCorrection = hp.bool("bias_correction");
    this.lowerBound = hp.realOr("lower_bound", Double.NaN);
    this.upperBound = hp.realOr("upper_bound", Double.NaN);
    if (lowerBound < 0) {
      throw new InvalidHyperparameterException(
          "lamb: lower_bound=" + lowerBound + " is not allowed; expected a number >= 0 or None");
    }
    if (upperBound < 0) {
      throw new InvalidHyperparameterException(
          "lamb: upper_bound=" + upperBound + " is not allowed; expected a number >= 0 or None");
    }
    if (lowerBound > upperBound) {
      throw new InvalidHyperparameterException(
          "lamb: lower_bound="
              + lowerBound
              + " exceeds upper_bound="
              + upperBound
              + "; expected lower_bound <= upper_bound");
    }
  }

  @Override
  public List<String> stateNames() {
    return List.of("mean", "var");
  }

  @Override
  public boolean rowLocal() {
    return false;
  }

  @Override
  public boolean v1PassesDefaultLr() {
    return true;
  }

  @Override
  public void step(
      StepContext ctx,
      Store w,
      ParamState s,
      double[] g,
      int[] rows,
      int count,
      int width,
      int from) {
    final double b1 = beta1;
    final double b2 = beta2;
    final double eps = epsilon;
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    final boolean bc = biasCorrection;
    final double t = ctx.t;
    final double corr1 = 1 - Math.pow(b1, t);
    final double corr2 = 1 - Math.pow(b2, t);
    final Store mean = s.array(0);
    final Store var = s.array(1);
    final boolean needW = Double.isNaN(ctx.weightNormSq);

    // pass 1: moments, ||u||^2 and (if not given) ||w||^2
    double wsq = 0;
    double usq = 0;
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gc = Grad.p3(g[k], r, c);
      mean.set(e, b1 * mean.get(e) + (1 - b1) * gc);
      var.set(e, b2 * var.get(e) + (1 - b2) * gc * gc);
      double u = direction(mean.get(e), var.get(e), wv, bc, corr1, corr2, eps, wd);
      usq += u * u;
      if (needW) {
        wsq += wv * wv;
      }
    }
    double r1 = Math.sqrt(needW ? wsq : ctx.weightNormSq);
    if (!Double.isNaN(lowerBound)) {
      r1 = Math.max(r1, lowerBound);
    }
    if (!Double.isNaN(upperBound)) {
      r1 = Math.min(r1, upperBound);
    }
    double r2 = Math.sqrt(usq);
    double ratio = 1.0;
    if (r1 != 0.0 && r2 != 0.0 && Double.isFinite(r1 / r2)) {
      ratio = r1 / r2;
    }

    // pass 2: recompute u from the stored moments and apply
    final double scale = ctx.lr * ratio;
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double u = direction(mean.get(e), var.get(e), wv, bc, corr1, corr2, eps, wd);
      w.set(e, wv - scale * u);
    }
  }

  /** The update direction {@code u} of one element. */
  private static double direction(
      double m, double v, double w, boolean bc, double corr1, double corr2, double eps, double wd) {
    if (bc) {
      m = m / corr1;
      v = v / corr2;
    }
    return m / (Math.sqrt(v) + eps) + wd * w;
  }

  /** Registers {@code "lamb"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("lamb", SPECS, Lamb::new);
    }
  }
}
