package io.riffle.store.refine;

import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Which {@link DenseGradientKernel} an L-BFGS job runs (docs/decisions/0002, Addendum 2). With
 * preference {@value #AUTO} a registered kernel ({@value #ND4J}) is used only when all hold:
 *
 * <ul>
 *   <li>the training set is dense: {@code nnz / (n * A) >= }{@value #MIN_DENSITY} (a dense model's
 *       window, not a hashed sparse one);
 *   <li>{@code A * width >= }{@value #MIN_COORDINATES}, the measured break-even below which the
 *       native call overhead outweighs BLAS;
 *   <li>the staged matrix has at most {@value #MAX_ENTRIES} entries;
 *   <li>a factory is on the class path and stages without error.
 * </ul>
 *
 * Otherwise, and always with {@value #PLAIN}, the plain {@link TrainingSet} pass runs. With a named
 * kernel ({@value #ND4J}) the density and size thresholds are skipped, but a missing factory, a
 * staging error or a matrix over the cap fails the job ({@link Unavailable}) rather than silently
 * running something else. Factories are looked up only when a set passes the thresholds (or a
 * kernel is named), so a service whose models are all sparse never loads native code.
 */
public final class DenseGradientKernels {
  /** Preference: decide by the rule above. */
  public static final String AUTO = "auto";

  /** Preference and kernel name: the plain CSR pass. */
  public static final String PLAIN = "plain";

  /** Preference and kernel name: the ND4J kernel of {@code riffle-nd4j}. */
  public static final String ND4J = "nd4j";

  /** Smallest {@code nnz / (n * A)} for which {@value #AUTO} stages a dense copy. */
  public static final double MIN_DENSITY = 0.5;

  /** Smallest {@code A * width} for which {@value #AUTO} uses a registered kernel (measured). */
  public static final long MIN_COORDINATES = 16;

  /**
   * Largest staged matrix {@code n * A} (entries) any registered kernel is given: 8 Mi entries, 64
   * MB off-heap as float64 (e.g. 8192 examples of 1024 inputs).
   */
  public static final long MAX_ENTRIES = 1L << 23;

  private DenseGradientKernels() {}

  /** A kernel and why it was chosen. */
  public record Choice(DenseGradientKernel kernel, String reason) {}

  /** A named kernel was asked for and cannot run. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String msg, Throwable cause) {
      super(msg, cause);
    }
  }

  /** True if {@code p} is a known preference: {@value #AUTO}, {@value #PLAIN} or {@value #ND4J}. */
  public static boolean known(String p) {
    return p.equals(AUTO) || p.equals(PLAIN) || p.equals(ND4J);
  }

  /**
   * The kernel for {@code set} under {@code preference} (null: {@value #AUTO}); the caller closes
   * it.
   *
   * @throws Unavailable if a named kernel cannot run
   */
  public static Choice choose(TrainingSet set, String preference) {
    String p = preference == null ? AUTO : preference.toLowerCase(Locale.ROOT);
    if (p.equals(PLAIN)) {
      return new Choice(DenseGradientKernel.plain(set), "plain kernel requested");
    }
    long entries = (long) set.examples() * set.activeRows();
    if (p.equals(AUTO)) {
      String no = rule(set.storedFeatures(), set.examples(), set.activeRows(), set.width());
      if (no != null) {
        return new Choice(DenseGradientKernel.plain(set), no);
      }
      DenseGradientKernel.Factory f = factory(ND4J);
      if (f == null) {
        return new Choice(DenseGradientKernel.plain(set), "no nd4j kernel on the class path");
      }
      try {
        return new Choice(f.stage(set), "dense window, " + entries + " entries");
      } catch (RuntimeException | LinkageError e) {
        return new Choice(DenseGradientKernel.plain(set), "nd4j kernel failed to stage: " + e);
      }
    }
    if (!known(p)) {
      throw new Unavailable("unknown kernel \"" + p + "\"", null);
    }
    if (entries > MAX_ENTRIES) {
      throw new Unavailable(
          "kernel " + p + ": the window has " + entries + " entries, over " + MAX_ENTRIES, null);
    }
    DenseGradientKernel.Factory f = factory(p);
    if (f == null) {
      throw new Unavailable(
          "kernel " + p + " requested but no such kernel is on the class path (riffle-" + p + ")",
          null);
    }
    try {
      return new Choice(f.stage(set), "kernel " + p + " requested");
    } catch (RuntimeException | LinkageError e) {
      throw new Unavailable("kernel " + p + " failed to stage: " + e, e);
    }
  }

  /**
   * Null if {@value #AUTO} may use a registered kernel for a set of {@code nnz} stored features,
   * {@code n} examples, {@code a} active rows and {@code width} outputs, else why not.
   */
  static String rule(long nnz, int n, int a, int width) {
    long entries = (long) n * a;
    if (entries == 0) {
      return "empty training set";
    }
    double density = (double) nnz / entries;
    if (density < MIN_DENSITY) {
      return String.format(Locale.ROOT, "sparse window (density %.3g < %s)", density, MIN_DENSITY);
    }
    if ((long) a * width < MIN_COORDINATES) {
      return "small model (" + a * width + " coordinates < " + MIN_COORDINATES + ")";
    }
    if (entries > MAX_ENTRIES) {
      return "window too large to stage (" + entries + " entries > " + MAX_ENTRIES + ")";
    }
    return null;
  }

  /** The registered factory named {@code name}, or null. */
  static DenseGradientKernel.Factory factory(String name) {
    for (DenseGradientKernel.Factory f :
        ServiceLoader.load(
            DenseGradientKernel.Factory.class, DenseGradientKernels.class.getClassLoader())) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
