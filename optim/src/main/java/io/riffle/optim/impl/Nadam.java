package io.riffle.optim.impl;

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
 * Nadam, Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016
 * workshop track), in MXNet's momentum-schedule form (OPTIMIZERS.md 4.8).
 *
 * <pre>
 *   once per update ({@link #beginStep}), sd = schedule_decay:
 *     mu_t   = beta1 * (1 - 0.5 * 0.96^(t*sd));   mu_t1 = beta1 * (1 - 0.5 * 0.96^((t+1)*sd))
 *     M      = M * mu_t;                           M'    = M * mu_t1
 *   per element:
 *     g'     = clip(r*g) + wd*w                    (P1; 1.x: P2, clip(r*g + wd*w))
 *     mean   = beta1*mean + (1-beta1)*g'           (the constant beta1, not mu_t)
 *     var    = beta2*var  + (1-beta2)*g'^2
 *     g^     = g' / (1 - M);   m^ = mean / (1 - M');   v^ = var / (1 - beta2^t)
 *     m_bar  = mu_t1 * m^ + (1 - mu_t) * g^
 *     w     -= lr * m_bar / (sqrt(v^) + eps)
 * </pre>
 *
 * <p>State: {@code mean} and {@code var} (two arrays of the weight's length) per parameter, plus
 * one optimizer-wide scalar {@code m_schedule} = M (a {@link #globalNames() global}, starting at
 * 1). As in MXNet, M belongs to the optimizer, not to a parameter: it is multiplied by the updated
 * parameter's {@code mu_t} once per parameter update, so with K parameters it advances K times per
 * training step, in update order. For a single parameter this is Dozat's schedule. {@link
 * #beginStep} advances it and leaves M, M', mu_t, mu_t1 in {@code ctx.aux[0..3]}; {@link #step}
 * reads only those.
 *
 * <p>Sparse: MXNet's Nadam is pure Python without a sparse path (a row-sparse gradient is
 * densified). The lazy step here - the dense rule on the touched rows, untouched rows keep weight,
 * mean and var; M advances once per update as in the dense case - is a Riffle extension.
 */
public final class Nadam extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.001),
          unitOpen("beta1", 0.9),
          unitOpen("beta2", 0.999),
          nonNegative("epsilon", 1e-8),
          nonNegative("schedule_decay", 0.004));

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double scheduleDecay;

  public Nadam(Hyperparams hp) {
    super(hp);
    this.beta1 = hp.real("beta1");
    this.beta2 = hp.real("beta2");
    this.epsilon = hp.real("epsilon");
    this.scheduleDecay = hp.real("schedule_decay");
  }

  @Override
  public List<String> stateNames() {
    return List.of("mean", "var");
  }

  @Override
  public List<String> globalNames() {
    return List.of("m_schedule");
  }

  @Override
  public double[] initialGlobals() {
    return new double[] {1.0};
  }

  @Override
  public boolean v1PassesDefaultLr() {
    return true;
  }

  /** Dozat's warming momentum schedule {@code mu_t}. */
  static double momentumAt(double t, double beta1, double scheduleDecay) {
    return beta1 * (1.0 - 0.5 * Math.pow(0.96, t * scheduleDecay));
  }

  @Override
  public void beginStep(StepContext ctx, double[] globals) {
    double t = ctx.t;
    double muT = momentumAt(t, beta1, scheduleDecay);
    double muT1 = momentumAt(t + 1, beta1, scheduleDecay);
    double m = globals[0] * muT;
    globals[0] = m;
    ctx.aux[0] = m;
    ctx.aux[1] = m * muT1;
    ctx.aux[2] = muT;
    ctx.aux[3] = muT1;
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
    final double b1 = beta1;
    final double b2 = beta2;
    final double eps = epsilon;
    final double oneMinusM = 1.0 - ctx.aux[0];
    final double oneMinusMNext = 1.0 - ctx.aux[1];
    final double muT = ctx.aux[2];
    final double muT1 = ctx.aux[3];
    final double oneMinusB2t = 1.0 - Math.pow(b2, (double) ctx.t);
    final Store mean = s.array(0);
    final Store var = s.array(1);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
      double m = b1 * mean.get(e) + (1 - b1) * gp;
      double v = b2 * var.get(e) + (1 - b2) * gp * gp;
      mean.set(e, m);
      var.set(e, v);
      double gHat = gp / oneMinusM;
      double mHat = m / oneMinusMNext;
      double vHat = v / oneMinusB2t;
      double mBar = muT1 * mHat + (1.0 - muT) * gHat;
      w.set(e, wv - lr * mBar / (Math.sqrt(vHat) + eps));
    }
  }

  /** Registers {@code "nadam"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("nadam", SPECS, Nadam::new);
    }
  }
}
