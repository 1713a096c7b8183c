package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.bool;
import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.optionalReal;
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
 * RMSProp, plain (Tieleman and Hinton, "Lecture 6.5 - RMSProp", COURSERA: Neural Networks for
 * Machine Learning, 2012) and centered (Graves, "Generating Sequences With Recurrent Neural
 * Networks", arXiv:1308.0850, 2013, eqs. 38-41), in MXNet's form (OPTIMIZERS.md 4.4).
 *
 * <pre>
 *   g' = clip(r*g) + wd*w                      (P1; 1.x: P2, clip(r*g + wd*w))
 *   plain:     var = (1-rho)*g'^2 + rho*var
 *              w  -= lr * g' / (sqrt(var) + eps)          (1.x: lr * g' / sqrt(var + eps))
 *   centered:  var   = (1-rho)*g'^2 + rho*var
 *              mean  = (1-rho)*g'   + rho*mean
 *              delta = momentum*delta - lr * g' / sqrt(var - mean^2 + eps)   (eps inside)
 *              w    += delta
 *   then, if clip_weights > 0:  w = clip(w, -clip_weights, clip_weights)
 * </pre>
 *
 * <p>State: plain {@code var} (one array); centered {@code mean, var, delta} (three arrays of the
 * weight's length; MXNet 2.x calls them mean, var, mom, and 1.x orders them n, g, delta). {@code
 * momentum} is used only by the centered variant. {@code clip_weights} None or {@code <= 0} means
 * no weight clipping.
 *
 * <p>1.x: the keywords are {@code gamma1} (= rho) and {@code gamma2} (= momentum); Riffle accepts
 * {@code rho} and {@code momentum} under both versions.
 *
 * <p>Sparse: MXNet has no sparse RMSProp kernel (a row-sparse gradient is densified). The lazy step
 * here - the dense rule on the touched rows, untouched rows keep weight and state - is a Riffle
 * extension.
 */
public final class RmsProp extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.001),
          unitOpen("rho", 0.9),
          unitOpen("momentum", 0.9),
          nonNegative("epsilon", 1e-8),
          bool("centered", false),
          optionalReal("clip_weights", null));

  private final double rho;
  private final double momentum;
  private final double epsilon;
  private final boolean centered;

  /** Weight clip bound, or -1 when off. */
  private final double clipWeights;

  public RmsProp(Hyperparams hp) {
    super(hp);
    this.rho = hp.real("rho");
    this.momentum = hp.real("momentum");
    this.epsilon = hp.real("epsilon");
    this.centered = hp.bool("centered");
    double cw = hp.realOr("clip_weights", -1);
    this.clipWeights = cw > 0 ? cw : -1;
  }

  @Override
  public List<String> stateNames() {
    return centered ? List.of("mean", "var", "delta") : List.of("var");
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
    final double lr = ctx.lr;
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    final boolean v1 = this.v1;
    final double rho = this.rho;
    final double eps = epsilon;
    final double cw = clipWeights;
    if (centered) {
      final Store mean = s.array(0);
      final Store var = s.array(1);
      final Store delta = s.array(2);
      final double gamma = momentum;
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
        double n = (1 - rho) * gp * gp + rho * var.get(e);
        double gm = (1 - rho) * gp + rho * mean.get(e);
        double d = gamma * delta.get(e) - lr * gp / Math.sqrt(n - gm * gm + eps);
        var.set(e, n);
        mean.set(e, gm);
        delta.set(e, d);
        w.set(e, Grad.clip(wv + d, cw));
      }
    } else {
      final Store var = s.array(0);
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
        double n = (1 - rho) * gp * gp + rho * var.get(e);
        var.set(e, n);
        double wn = v1 ? wv - lr * gp / Math.sqrt(n + eps) : wv - lr * gp / (Math.sqrt(n) + eps);
        w.set(e, Grad.clip(wn, cw));
      }
    }
  }

  /** Registers {@code "rmsprop"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super(
          "rmsprop", SPECS, RmsProp::new, java.util.Map.of("gamma1", "rho", "gamma2", "momentum"));
    }
  }
}
