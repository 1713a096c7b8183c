package io.riffle.optim.svrg;

/**
 * Closed-form catch-up of the dense {@code mu} term for coordinates that no example of the recent
 * batches touched (OPTIMIZERS.md 6.7), so SVRG's inner loop with plain SGD costs O(nnz) per batch
 * instead of O(dimension).
 *
 * <p>With SGD without momentum and constant {@code lr}, {@code wd}, {@code rescale_grad r} and clip
 * {@code c}, an untouched coordinate {@code j} sees the variance-reduced gradient {@code 0 - 0 +
 * mu_j} on every step, so each step is the affine map {@code w <- a*w - q} with {@code a = 1 -
 * lr*wd} and {@code q = lr*clip_c(r*mu_j)}. After {@code k} such steps:
 *
 * <pre>
 *   wd = 0:  w_k = w_0 - k*q
 *   wd > 0:  w_k = w* + a^k (w_0 - w*),   w* = -q/(1-a)
 * </pre>
 *
 * <p>The second line is evaluated as {@code w_0 + expm1(k*log1p(-lr*wd)) * (w_0 - w*)}, which is
 * the same number but keeps full relative accuracy when {@code lr*wd} is tiny (there {@code a^k} is
 * close to 1 and {@code w*} is huge, so the textbook form would cancel). For {@code lr*wd >= 1} (an
 * oscillating or collapsing map, never a sensible setting) the textbook form with {@link Math#pow}
 * is used.
 *
 * <p>Stateless; {@link Svrg} keeps the per-coordinate last-step counters (one int per coordinate).
 */
public final class LazyMu {
  private LazyMu() {}

  /**
   * The weight after {@code k} skipped steps.
   *
   * @param w0 weight after the coordinate's last applied step
   * @param k number of skipped steps ({@code >= 0})
   * @param lr effective learning rate (constant over the skipped steps)
   * @param wd effective weight decay (constant over the skipped steps)
   * @param q {@code lr * clip_c(rescale_grad * mu_j)}
   */
  public static double catchUp(double w0, long k, double lr, double wd, double q) {
    if (k <= 0) {
      return w0;
    }
    double lw = lr * wd;
    if (lw == 0) {
      return w0 - k * q;
    }
    if (lw < 1) {
      double wStar = -q / lw;
      return w0 + Math.expm1(k * Math.log1p(-lw)) * (w0 - wStar);
    }
    double a = 1 - lw;
    double wStar = -q / (1 - a);
    return wStar + Math.pow(a, k) * (w0 - wStar);
  }
}
