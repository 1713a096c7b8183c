package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.nonNegative;

import io.riffle.optim.GaussianSource;
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
 * Stochastic gradient Langevin dynamics (Welling and Teh, "Bayesian Learning via Stochastic
 * Gradient Langevin Dynamics", ICML 2011), in MXNet's form (OPTIMIZERS.md 4.15). Despite MXNet's
 * docstring this is plain, not Riemannian, SGLD.
 *
 * <pre>
 *   g' = clip(r*g) + wd*w                          (P1)
 *   w  = w - (lr/2)*g' + sqrt(lr*temperature)*xi,  xi ~ N(0, 1) per element per step
 * </pre>
 *
 * <p><b>Sampling a posterior.</b> With loss {@code -log p(x_i | w)} summed over a minibatch of
 * {@code B} examples out of {@code N}, set {@code rescale_grad = N/B} so that {@code r*g} estimates
 * the full-data gradient; {@code wd} is then the precision of a zero-mean Gaussian prior on each
 * weight. With a small, decaying learning rate the iterates are draws from the posterior.
 *
 * <p>{@code temperature} (default 1) is a Riffle extension: the noise is scaled by {@code
 * sqrt(lr*T)} so the chain samples {@code p(w | data)^(1/T)} ({@code T < 1} sharpens, {@code T = 0}
 * is gradient descent at rate {@code lr/2} and draws no noise). With {@code T = 1} this is exactly
 * MXNet's rule.
 *
 * <p>Noise: {@link StepContext#noise}, one draw per updated element ({@link
 * GaussianSource#gaussian(long, long)} keyed by global element and update count: a keyed source
 * makes sharded and unsharded runs draw the same noise; a sequential source ignores the key), drawn
 * in element order (the order of the {@code k} loop), so a seeded source gives a reproducible
 * chain. A step with {@code temperature > 0} and no source fails with {@link
 * IllegalStateException}.
 *
 * <p>State: none. Sparse: MXNet's SGLD is Python-only and densifies a row-sparse gradient (every
 * element then receives noise and prior decay). Riffle's lazy step, the rule applied to the touched
 * rows only with untouched rows frozen and drawing no noise, is a Riffle extension; it samples the
 * posterior of the touched coordinates given that the others are held fixed.
 */
public final class Sgld extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(nonNegative("learning_rate", 0.1).v1(0.01), nonNegative("temperature", 1.0));

  private final double temperature;

  public Sgld(Hyperparams hp) {
    super(hp);
    this.temperature = hp.real("temperature");
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
    final double half = 0.5 * lr;
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    if (temperature == 0) {
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        w.set(e, wv - half * Grad.p1(g[k], wv, r, c, wd));
      }
      return;
    }
    final GaussianSource noise = ctx.noise;
    if (noise == null && count > 0) {
      throw new IllegalStateException(
          "sgld needs a Gaussian noise source: set Updater.noise(...) or StepContext.noise");
    }
    final double scale = Math.sqrt(lr * temperature);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double xi = noise.gaussian(ctx.globalElement(e, width), ctx.t);
      w.set(e, wv - half * Grad.p1(g[k], wv, r, c, wd) + scale * xi);
    }
  }

  /** Registers {@code "sgld"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("sgld", SPECS, Sgld::new);
    }
  }
}
