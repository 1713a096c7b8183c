package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.positive;
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
 * AdaDelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012, Algorithm
 * 1), in MXNet's form (OPTIMIZERS.md 4.5).
 *
 * <pre>
 *   g' = clip(r*g) + wd*w                      (P1; 1.x: P3, clip(r*g), no decay)
 *   acc_g     = rho*acc_g + (1-rho)*g'^2
 *   delta     = sqrt(acc_delta + eps) / sqrt(acc_g + eps) * g'
 *   acc_delta = rho*acc_delta + (1-rho)*delta^2      (delta before the learning rate)
 *   w -= lr*delta                              (1.x: w = w - (delta + wd*w), no learning rate)
 * </pre>
 *
 * <p>State: {@code acc_g} and {@code acc_delta} (two arrays of the weight's length).
 *
 * <p>1.x: default {@code epsilon=1e-5}; {@code learning_rate} is accepted but ignored (so are a
 * scheduler and {@code lr_mult}), and the decay is added outside the adaptive step.
 *
 * <p>{@code epsilon} must be {@code > 0}: with {@code epsilon = 0}, {@code acc_delta} starts at 0,
 * so every step is exactly 0 (or 0/0 = NaN where {@code acc_g} is 0) and the weights never move.
 *
 * <p>Sparse: MXNet's AdaDelta is pure Python without a sparse path (a row-sparse gradient is
 * densified). The lazy step here - the dense rule on the touched rows, untouched rows keep weight
 * and both accumulators - is a Riffle extension.
 */
public final class AdaDelta extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 1.0),
          unitOpen("rho", 0.9),
          positive("epsilon", 1e-6).v1(1e-5));

  private final double rho;
  private final double epsilon;

  public AdaDelta(Hyperparams hp) {
    super(hp);
    this.rho = hp.real("rho");
    this.epsilon = hp.real("epsilon");
  }

  @Override
  public List<String> stateNames() {
    return List.of("acc_g", "acc_delta");
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
    final double rho = this.rho;
    final double eps = epsilon;
    final Store accG = s.array(0);
    final Store accDelta = s.array(1);
    final boolean v1 = this.v1;
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gp = v1 ? Grad.p3(g[k], r, c) : Grad.p1(g[k], wv, r, c, wd);
      double ag = rho * accG.get(e) + (1 - rho) * gp * gp;
      double ad0 = accDelta.get(e);
      double delta = Math.sqrt(ad0 + eps) / Math.sqrt(ag + eps) * gp;
      accG.set(e, ag);
      accDelta.set(e, rho * ad0 + (1 - rho) * delta * delta);
      w.set(e, v1 ? wv - (delta + wd * wv) : wv - lr * delta);
    }
  }

  /** Registers {@code "adadelta"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("adadelta", SPECS, AdaDelta::new);
    }
  }
}
