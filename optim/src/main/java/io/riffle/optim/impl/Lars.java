package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.bool;
import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.unitOpen;

import io.riffle.optim.Grad;
import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.OptimizerProvider;
import io.riffle.optim.ParamState;
import io.riffle.optim.Rows;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import java.util.List;

/**
 * Layer-wise adaptive rate scaling (You, Gitman and Ginsburg, "Large Batch Training of
 * Convolutional Networks", arXiv:1708.03888, 2017), in MXNet's form (OPTIMIZERS.md 4.10): SGD with
 * momentum whose learning rate is scaled per parameter by a trust ratio.
 *
 * <pre>
 *   ratio = 1                                     if the name ends in gamma, beta or bias
 *   ratio = eta*|w| / (r*|g| + wd*|w| + epsilon)  if |w| > 0 and |g| > 0   (raw w and g)
 *   ratio = 1                                     otherwise
 *   g' = clip(r*g) + wd*w                         (P1)
 *   momentum:    mom = mu*mom - (lr*ratio)*g';  w += mom
 *   no momentum: w -= (lr*ratio)*g'
 * </pre>
 *
 * <p>{@code |.|} is the L2 norm over the whole parameter, so LARS is not row-local ({@link
 * #rowLocal()} is false): the norms are {@link StepContext#weightNormSq} and {@link
 * StepContext#gradNormSq} when the caller sets them (a sharded parameter must), and otherwise are
 * computed over the elements given in the call, which for a dense call over the whole array is the
 * whole parameter. The parameter name is {@link StepContext#paramName} ({@code idx2name}, else the
 * index).
 *
 * <p>{@code momentum_correction} (MXNet 1.x, on by default there): the momentum becomes {@code mu *
 * baseLr/lastBaseLr}, the ratio of the base learning rates of the last two lookups ({@link
 * StepContext#momentumRatio}). MXNet 2.x has no such option; setting it under 2.x is a Riffle
 * extension (off by default, so 2.x defaults match MXNet). MXNet 1.x spells {@code epsilon} as
 * {@code eps}; Riffle accepts only {@code epsilon}, whose 1.x default is 0. MXNet takes the norms
 * in float32; Riffle takes them in double, as the reference does.
 *
 * <p>State: {@code mom} when {@code momentum != 0} (one array of the weight's length), else none.
 * The sparse step is MXNet's lazy update: untouched rows get neither momentum decay nor weight
 * decay; the trust ratio still uses whole-parameter norms, which a sparse caller supplies through
 * {@link StepContext#weightNormSq} (the gradient norm over the given rows is the norm of the whole
 * row-sparse gradient). {@code lazy_update} is accepted and recorded. No allocation.
 */
public final class Lars extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.1).v1(0.01),
          unitOpen("momentum", 0.0),
          nonNegative("eta", 0.001),
          nonNegative("epsilon", 1e-8).v1(0.0),
          bool("lazy_update", false).v1(true),
          bool("momentum_correction", false).v1(true));

  private final double momentum;
  private final double eta;
  private final double epsilon;
  private final boolean momentumCorrection;

  public Lars(Hyperparams hp) {
    super(hp);
    this.momentum = hp.real("momentum");
    this.eta = hp.real("eta");
    this.epsilon = hp.real("epsilon");
    this.momentumCorrection = hp.bool("momentum_correction");
  }

  @Override
  public List<String> stateNames() {
    return momentum != 0 ? List.of("mom") : List.of();
  }

  @Override
  public boolean rowLocal() {
    return false;
  }

  /** True if LARS leaves {@code name}'s rate unscaled (BatchNorm gamma/beta and biases). */
  static boolean skips(String name) {
    return name.endsWith("gamma") || name.endsWith("beta") || name.endsWith("bias");
  }

  /**
   * The trust ratio of this call: {@code eta*|w| / (r*|g| + wd*|w| + epsilon)}, or 1. Reads the
   * whole-parameter norms from {@code ctx} when set, else sums over the given elements.
   */
  double trustRatio(
      StepContext ctx, Store w, double[] g, int[] rows, int count, int width, int from) {
    if (skips(ctx.paramName)) {
      return 1.0;
    }
    double wn2 = ctx.weightNormSq;
    double gn;
    if (Double.isNaN(wn2)) {
      wn2 = 0;
      for (int k = 0; k < count; k++) {
        double wv = w.get(Rows.element(rows, from, width, k));
        wn2 += wv * wv;
      }
    }
    if (Double.isNaN(ctx.gradNormSq)) {
      double gn2 = 0;
      for (int k = 0; k < count; k++) {
        double rg = r * g[k];
        gn2 += rg * rg;
      }
      gn = Math.sqrt(gn2);
    } else {
      gn = r * Math.sqrt(ctx.gradNormSq);
    }
    double wn = Math.sqrt(wn2);
    if (wn > 0 && gn > 0) {
      return eta * wn / (gn + ctx.wd * wn + epsilon);
    }
    return 1.0;
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
    final double lr = ctx.lr * trustRatio(ctx, w, g, rows, count, width, from);
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    if (momentum != 0) {
      double mu = momentum;
      if (momentumCorrection) {
        mu *= ctx.momentumRatio;
      }
      mu = mu > 0 ? mu : 0.0;
      final Store mom = s.array(0);
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double m = mu * mom.get(e) - lr * Grad.p1(g[k], wv, r, c, wd);
        mom.set(e, m);
        w.set(e, wv + m);
      }
    } else {
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        w.set(e, wv - lr * Grad.p1(g[k], wv, r, c, wd));
      }
    }
  }

  /** Registers {@code "lars"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("lars", SPECS, Lars::new, java.util.Map.of("eps", "epsilon"));
    }
  }
}
