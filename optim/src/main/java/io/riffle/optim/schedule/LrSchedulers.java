package io.riffle.optim.schedule;

import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.InvalidHyperparameterException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds schedules by MXNet name ({@code factor}, {@code multifactor}, {@code poly}, {@code
 * cosine}) from MXNet's keyword arguments, e.g. {@code {"name":"factor","step":1000,
 * "factor":0.5}}.
 */
public final class LrSchedulers {
  private LrSchedulers() {}

  private static final List<HyperparamSpec> WARMUP =
      List.of(
          HyperparamSpec.nonNegative("base_lr", 0.01),
          HyperparamSpec.integer("warmup_steps", 0, 0, Long.MAX_VALUE),
          HyperparamSpec.nonNegative("warmup_begin_lr", 0.0),
          HyperparamSpec.choice("warmup_mode", "linear", "linear", "constant"));

  /** Parameter specs of a schedule, by name. */
  public static List<HyperparamSpec> specs(String name) {
    List<HyperparamSpec> own =
        switch (name.toLowerCase(Locale.ROOT)) {
          case "factor" ->
              List.of(
                  HyperparamSpec.integer("step", 1, 1, Long.MAX_VALUE),
                  HyperparamSpec.real("factor", 1.0, 0, true, 1, true),
                  HyperparamSpec.nonNegative("stop_factor_lr", 1e-8));
          case "multifactor" ->
              List.of(
                  HyperparamSpec.intList("step", List.of()),
                  HyperparamSpec.real("factor", 1.0, 0, true, 1, true));
          case "poly" ->
              List.of(
                  HyperparamSpec.integer("max_update", 1, 1, Long.MAX_VALUE),
                  HyperparamSpec.anyReal("pwr", 2),
                  HyperparamSpec.nonNegative("final_lr", 0.0));
          case "cosine" ->
              List.of(
                  HyperparamSpec.integer("max_update", 1, 1, Long.MAX_VALUE),
                  HyperparamSpec.nonNegative("final_lr", 0.0));
          default ->
              throw new InvalidHyperparameterException(
                  "lr_scheduler \""
                      + name
                      + "\" is unknown; expected one of factor, multifactor, poly, cosine");
        };
    return concat(own, WARMUP);
  }

  /** Builds a schedule from its name and MXNet keyword arguments ({@code name} key ignored). */
  public static LrScheduler create(String name, Map<String, ?> args) {
    Map<String, Object> user = new java.util.LinkedHashMap<>(args);
    user.remove("name");
    List<HyperparamSpec> specs = specs(name);
    Hyperparams p = resolveWithoutCommon("lr_scheduler " + name, specs, user);
    double base = p.real("base_lr");
    long ws = p.integer("warmup_steps");
    double wb = p.real("warmup_begin_lr");
    String wm = p.string("warmup_mode");
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "factor" ->
          new FactorScheduler(
              p.integer("step"), p.real("factor"), p.real("stop_factor_lr"), base, ws, wb, wm);
      case "multifactor" ->
          new MultiFactorScheduler(
              p.intList("step").stream().mapToLong(Long::longValue).toArray(),
              p.real("factor"),
              base,
              ws,
              wb,
              wm);
      case "poly" ->
          new PolyScheduler(
              p.integer("max_update"), base, p.real("pwr"), p.real("final_lr"), ws, wb, wm);
      default ->
          PolyScheduler.cosine(p.integer("max_update"), base, p.real("final_lr"), ws, wb, wm);
    };
  }

  private static Hyperparams resolveWithoutCommon(
      String what, List<HyperparamSpec> specs, Map<String, Object> user) {
    Hyperparams p = Hyperparams.resolve(what, specs, user);
    for (String k : user.keySet()) {
      if (Hyperparams.COMMON.stream().anyMatch(s -> s.name().equals(k))
          && specs.stream().noneMatch(s -> s.name().equals(k))) {
        throw new InvalidHyperparameterException(what + ": unknown parameter '" + k + "'");
      }
    }
    return p;
  }

  private static List<HyperparamSpec> concat(List<HyperparamSpec> a, List<HyperparamSpec> b) {
    java.util.ArrayList<HyperparamSpec> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
