package io.riffle.optim;

/**
 * Gradient preprocessing, in the four patterns of OPTIMIZERS.md 1.1. {@code c <= 0} means no
 * clipping (the Java rule of 1.2). All static, all inlined by the JIT.
 */
public final class Grad {
  private Grad() {}

  /** Box clip to {@code [-c, c]}; identity when {@code c <= 0}. */
  public static double clip(double x, double c) {
    if (c <= 0) {
      return x;
    }
    return x < -c ? -c : (x > c ? c : x);
  }

  /** P1: {@code clip(r*g) + wd*w}. */
  public static double p1(double g, double w, double r, double c, double wd) {
    return clip(r * g, c) + wd * w;
  }

  /** P2 (1.x Adam, FTML, RMSProp, Adamax, Nadam): {@code clip(r*g + wd*w)}. */
  public static double p2(double g, double w, double r, double c, double wd) {
    return clip(r * g + wd * w, c);
  }

  /** P3: {@code clip(r*g)}; decay enters elsewhere. */
  public static double p3(double g, double r, double c) {
    return clip(r * g, c);
  }

  /** P1 under 2.x, P2 under 1.x. */
  public static double p1or2(boolean v1, double g, double w, double r, double c, double wd) {
    return v1 ? p2(g, w, r, c, wd) : p1(g, w, r, c, wd);
  }

  /** sgn with {@code sgn(0) = 0}. */
  public static double sign(double x) {
    return x > 0 ? 1 : (x < 0 ? -1 : 0);
  }
}
