package io.riffle.optim.yellowfin;

import static io.riffle.optim.HyperparamSpec.anyReal;
import static io.riffle.optim.HyperparamSpec.bool;
import static io.riffle.optim.HyperparamSpec.integer;
import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.optionalReal;
import static io.riffle.optim.HyperparamSpec.positive;
import static io.riffle.optim.HyperparamSpec.unitOpen;

import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.InvalidHyperparameterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YellowFin's parameters under the names and defaults of the authors' TensorFlow reference
 * (OPTIMIZERS.md 7.2). Immutable; {@link #toMap()} and {@link #fromMap} round-trip for snapshot
 * manifests.
 *
 * @param learningRate {@code learning_rate}: initial {@code alpha} (the paper uses 1.0)
 * @param momentum {@code momentum}: initial {@code mu}
 * @param clipThresh {@code clip_thresh}: manual global-norm clip, NaN for None
 * @param beta {@code beta}: EMA decay (and smoothing factor)
 * @param curvWinWidth {@code curv_win_width}: curvature window {@code w}
 * @param zeroDebias {@code zero_debias}: read EMAs as {@code x/(1 - beta^(k+1))}
 * @param deltaMu {@code delta_mu}: added to the applied momentum
 * @param sparsityDebias {@code sparsity_debias}
 * @param useNesterov {@code use_nesterov}
 * @param useUnsmoothedLrMu {@code use_unsmoothed_lr_mu}
 * @param hMaxLogSmooth {@code h_max_log_smooth}
 * @param hMinLogSmooth {@code h_min_log_smooth}
 * @param useAdaptGradClip {@code use_adapt_grad_clip}
 * @param statProtectFac {@code stat_protect_fac}
 * @param lrFactor {@code lr_factor}: external multiplier on the applied rate
 */
public record YellowFinConfig(
    double learningRate,
    double momentum,
    double clipThresh,
    double beta,
    int curvWinWidth,
    boolean zeroDebias,
    double deltaMu,
    boolean sparsityDebias,
    boolean useNesterov,
    boolean useUnsmoothedLrMu,
    boolean hMaxLogSmooth,
    boolean hMinLogSmooth,
    boolean useAdaptGradClip,
    double statProtectFac,
    double lrFactor) {

  /** The parameters with TF names, types, defaults and ranges, in the TF constructor's order. */
  public static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 1e-4),
          unitOpen("momentum", 0.0),
          optionalReal("clip_thresh", null),
          unitOpen("beta", 0.999),
          integer("curv_win_width", 20, 1, Integer.MAX_VALUE),
          bool("zero_debias", true),
          anyReal("delta_mu", 0.0),
          bool("sparsity_debias", false),
          bool("use_nesterov", false),
          bool("use_unsmoothed_lr_mu", true),
          bool("h_max_log_smooth", true),
          bool("h_min_log_smooth", true),
          bool("use_adapt_grad_clip", true),
          positive("stat_protect_fac", 100.0),
          nonNegative("lr_factor", 1.0));

  public YellowFinConfig {
    if (!(clipThresh > 0) && !Double.isNaN(clipThresh)) {
      throw new InvalidHyperparameterException(
          "yellowfin: clip_thresh=" + clipThresh + " must be > 0 or None");
    }
    if (curvWinWidth < 1) {
      throw new InvalidHyperparameterException(
          "yellowfin: curv_win_width=" + curvWinWidth + " must be >= 1");
    }
  }

  /** The TF defaults. */
  public static YellowFinConfig defaults() {
    return fromMap(Map.of());
  }

  /**
   * Fills TF defaults and validates (names as in {@link #SPECS}; values may be numbers, booleans or
   * strings, {@code None}/null for {@code clip_thresh}).
   *
   * @throws InvalidHyperparameterException for an unknown name or a bad value
   */
  public static YellowFinConfig fromMap(Map<String, ?> user) {
    Map<String, Object> v = new LinkedHashMap<>();
    for (String k : user.keySet()) {
      if (SPECS.stream().noneMatch(s -> s.name().equals(k))) {
        throw new InvalidHyperparameterException(
            "yellowfin: unknown hyperparameter '"
                + k
                + "'; known: "
                + String.join(", ", SPECS.stream().map(HyperparamSpec::name).toList()));
      }
    }
    for (HyperparamSpec s : SPECS) {
      v.put(
          s.name(),
          user.containsKey(s.name())
              ? s.coerce("yellowfin", user.get(s.name()))
              : s.defaultValue());
    }
    Object clip = v.get("clip_thresh");
    return new YellowFinConfig(
        num(v, "learning_rate"),
        num(v, "momentum"),
        clip == null ? Double.NaN : ((Number) clip).doubleValue(),
        num(v, "beta"),
        (int) ((Number) v.get("curv_win_width")).longValue(),
        (Boolean) v.get("zero_debias"),
        num(v, "delta_mu"),
        (Boolean) v.get("sparsity_debias"),
        (Boolean) v.get("use_nesterov"),
        (Boolean) v.get("use_unsmoothed_lr_mu"),
        (Boolean) v.get("h_max_log_smooth"),
        (Boolean) v.get("h_min_log_smooth"),
        (Boolean) v.get("use_adapt_grad_clip"),
        num(v, "stat_protect_fac"),
        num(v, "lr_factor"));
  }

  private static double num(Map<String, Object> v, String k) {
    return ((Number) v.get(k)).doubleValue();
  }

  /** Every parameter under its TF name ({@code clip_thresh} null when None). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learning_rate", learningRate);
    m.put("momentum", momentum);
    m.put("clip_thresh", Double.isNaN(clipThresh) ? null : clipThresh);
    m.put("beta", beta);
    m.put("curv_win_width", (long) curvWinWidth);
    m.put("zero_debias", zeroDebias);
    m.put("delta_mu", deltaMu);
    m.put("sparsity_debias", sparsityDebias);
    m.put("use_nesterov", useNesterov);
    m.put("use_unsmoothed_lr_mu", useUnsmoothedLrMu);
    m.put("h_max_log_smooth", hMaxLogSmooth);
    m.put("h_min_log_smooth", hMinLogSmooth);
    m.put("use_adapt_grad_clip", useAdaptGradClip);
    m.put("stat_protect_fac", statProtectFac);
    m.put("lr_factor", lrFactor);
    return m;
  }

  /** True if {@code clip_thresh} is set. */
  public boolean hasClipThresh() {
    return !Double.isNaN(clipThresh);
  }
}
