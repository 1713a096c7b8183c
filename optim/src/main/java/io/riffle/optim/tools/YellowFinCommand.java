package io.riffle.optim.tools;

import io.riffle.optim.random.SplitMix64;
import io.riffle.optim.yellowfin.ClosedLoopMomentum;
import io.riffle.optim.yellowfin.YellowFin;
import io.riffle.optim.yellowfin.YellowFinConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The reference's {@code yellowfin} and {@code closedloop} commands. */
final class YellowFinCommand {
  private YellowFinCommand() {}

  /**
   * YellowFin with {@code learning_rate=0.01} (other TF defaults) on {@code Quadratic(seed)} from
   * its start point, full gradients; one line per iteration with the loss, the weights and the last
   * statistics {@code h_min, h_max, C, D, mu, lr}.
   */
  static void yellowfin(int steps, long seed, Consumer<String> out) {
    Problems.Quadratic prob = new Problems.Quadratic(seed, 4);
    YellowFin yf = new YellowFin(YellowFinConfig.fromMap(Map.of("learning_rate", 0.01)), 4);
    double[] w = prob.w0();
    double[] g = new double[w.length];
    for (int k = 0; k < steps; k++) {
      prob.grad(w, g);
      yf.step(w, g);
      out.accept(
          PyJson.object(
              "step", (long) (k + 1),
              "loss", prob.loss(w),
              "w", w,
              "h_min", yf.hMin(),
              "h_max", yf.hMax(),
              "C", yf.gradVar(),
              "D", yf.distToOpt(),
              "mu", yf.mu(),
              "lr", yf.lr()));
    }
  }

  /**
   * The reference's toy asynchronous run ({@code closed_loop_simulation}, illustrative only) on
   * {@code Quadratic(seed)} with fixed staleness {@code tau}, {@code gamma = 0.01}, noise {@code
   * sigma = 0.1} from {@code SplitMix64(seed + 17).normal12()}:
   *
   * <pre>
   *   g_t     = grad(x_{t-tau}) + sigma*xi_t
   *   x_{t+1} = x_t + mu_G (x_t - x_{t-1}) - lr*g_t
   * </pre>
   *
   * <p>A YellowFin tuner ({@code learning_rate=0.01}) fed the stale gradients supplies {@code mu*}
   * and {@code lr}; only its tuning runs ({@link YellowFin#observe}), since the server applies
   * {@code mu_G}. The measurement uses {@code x_{t+1-tau}, x_{t-tau}, x_{t-tau-1}} and {@code g_t}.
   */
  static void closedLoop(int steps, long seed, int tau, Consumer<String> out) {
    if (tau < 0) {
      throw new IllegalArgumentException("tau=" + tau + " must be >= 0");
    }
    final double sigma = 0.1;
    Problems.Quadratic prob = new Problems.Quadratic(seed, 4);
    YellowFin yf = new YellowFin(YellowFinConfig.fromMap(Map.of("learning_rate", 0.01)), 4);
    ClosedLoopMomentum loop = new ClosedLoopMomentum(4, 0.01, 0.0, ClosedLoopMomentum.DEFAULT_TINY);
    SplitMix64 rng = new SplitMix64(seed + 17);
    List<double[]> xs = new ArrayList<>();
    for (int i = 0; i < tau + 3; i++) {
      xs.add(prob.w0());
    }
    double[] g = new double[4];
    double[][] grads = {g};
    for (int t = 0; t < steps; t++) {
      int n = xs.size();
      double[] stale = xs.get(n - 1 - tau);
      prob.grad(stale, g);
      for (int j = 0; j < 4; j++) {
        g[j] = g[j] + sigma * rng.normal12();
      }
      yf.observe(grads);
      double muStar = yf.mu();
      double lr = yf.lr();
      double[] cur = xs.get(n - 1);
      double[] prev = xs.get(n - 2);
      double[] next = new double[4];
      for (int j = 0; j < 4; j++) {
        next[j] = cur[j] + loop.muG() * (cur[j] - prev[j]) - lr * g[j];
      }
      xs.add(next);
      n++;
      double[] xa = xs.get(n - 1 - tau);
      double[] xb = xs.get(n - 2 - tau);
      double[] xc = xs.get(n - 3 - tau);
      double muHat = loop.measure(xa, xb, xc, g, lr);
      loop.update(muStar, muHat);
      out.accept(
          PyJson.object(
              "t",
              (long) t,
              "loss",
              prob.loss(next),
              "mu_target",
              muStar,
              "mu_hat_T",
              loop.lastKept() == 0 ? null : (Object) muHat,
              "mu_G",
              loop.muG(),
              "lr",
              lr));
    }
  }
}
