package io.riffle.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The complete, validated, immutable hyperparameters of one optimizer, under MXNet's names.
 *
 * <p>Built by {@link #resolve}: every parameter the optimizer declares gets the user's value or its
 * default for the chosen {@link MxVersion}; unknown names, wrong types and out-of-range values are
 * rejected there, so an optimizer never sees a bad value. {@link #values()} is the exact map a
 * snapshot manifest stores and {@link #resolve} reads back.
 *
 * @param optimizer registry name, lower case
 * @param version MXNet semantics
 * @param values every declared parameter, in declaration order
 * @param explicit names the user set (MXNet's learning-rate resolution depends on it)
 */
public record Hyperparams(
    String optimizer, MxVersion version, Map<String, Object> values, Set<String> explicit) {

  /** Parameters every optimizer takes (OPTIMIZERS.md 2.1). */
  public static final List<HyperparamSpec> COMMON =
      List.of(
          HyperparamSpec.positive("rescale_grad", 1.0),
          HyperparamSpec.nonNegative("wd", 0.0),
          HyperparamSpec.optionalReal("clip_gradient", null),
          HyperparamSpec.choice("version", "2.x", "2.x", "1.x"),
          HyperparamSpec.bool("multi_precision", false),
          HyperparamSpec.integer("begin_num_update", 0, 0, Long.MAX_VALUE));

  public Hyperparams {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    explicit = Collections.unmodifiableSet(new LinkedHashSet<>(explicit));
  }

  /**
   * Fills defaults and validates {@code user} against {@link #COMMON} plus {@code specific}.
   *
   * @param optimizer name used in messages
   * @param specific the optimizer's own parameters, {@code learning_rate} first
   * @param user values given by the caller (numbers, booleans, strings or lists; strings are
   *     parsed, so command-line and JSON input both work)
   * @throws InvalidHyperparameterException for an unknown name or a bad value
   */
  public static Hyperparams resolve(
      String optimizer, List<HyperparamSpec> specific, Map<String, ?> user) {
    Map<String, HyperparamSpec> specs = new LinkedHashMap<>();
    for (HyperparamSpec s : specific) {
      specs.put(s.name(), s);
    }
    for (HyperparamSpec s : COMMON) {
      specs.putIfAbsent(s.name(), s);
    }
    for (String k : user.keySet()) {
      if (!specs.containsKey(k)) {
        throw new InvalidHyperparameterException(
            String.format(
                Locale.ROOT,
                "%s: unknown hyperparameter '%s'; known: %s",
                optimizer,
                k,
                String.join(", ", specs.keySet())));
      }
    }
    Object rawVersion = user.get("version");
    MxVersion version =
        rawVersion == null ? MxVersion.V2 : MxVersion.parse(String.valueOf(rawVersion));
    Map<String, Object> values = new LinkedHashMap<>();
    for (HyperparamSpec s : specs.values()) {
      Object v =
          user.containsKey(s.name())
              ? s.coerce(optimizer, user.get(s.name()))
              : s.defaultFor(version);
      values.put(s.name(), s.name().equals("version") ? version.label() : v);
    }
    return new Hyperparams(optimizer, version, values, user.keySet());
  }

  /** A finite double. */
  public double real(String name) {
    Object v = require(name);
    if (v == null) {
      throw new IllegalStateException(optimizer + ": " + name + " is None");
    }
    return ((Number) v).doubleValue();
  }

  /** A double, or {@code fallback} if the value is None. */
  public double realOr(String name, double fallback) {
    Object v = require(name);
    return v == null ? fallback : ((Number) v).doubleValue();
  }

  /** True if the value is None. */
  public boolean isNone(String name) {
    return require(name) == null;
  }

  /** An integer. */
  public long integer(String name) {
    return ((Number) require(name)).longValue();
  }

  /** A boolean. */
  public boolean bool(String name) {
    return (Boolean) require(name);
  }

  /** A string. */
  public String string(String name) {
    return (String) require(name);
  }

  /** A list of integers. */
  @SuppressWarnings("unchecked")
  public List<Long> intList(String name) {
    return (List<Long>) require(name);
  }

  /** True if the caller set {@code name} rather than taking the default. */
  public boolean isExplicit(String name) {
    return explicit.contains(name);
  }

  /** Whether {@code name} is declared. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** {@code rescale_grad}. */
  public double rescaleGrad() {
    return real("rescale_grad");
  }

  /** {@code wd}. */
  public double wd() {
    return real("wd");
  }

  /** {@code clip_gradient}; a value {@code <= 0} or None means off (returned as -1). */
  public double clipGradient() {
    double c = realOr("clip_gradient", -1);
    return c > 0 ? c : -1;
  }

  /** {@code learning_rate}. */
  public double learningRate() {
    return real("learning_rate");
  }

  /** A copy with some values replaced (validated again). */
  public Hyperparams with(Map<String, ?> changes, List<HyperparamSpec> specific) {
    Map<String, Object> user = new LinkedHashMap<>();
    for (String k : explicit) {
      user.put(k, values.get(k));
    }
    user.putAll(changes);
    return resolve(optimizer, specific, user);
  }

  private Object require(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException(optimizer + " has no hyperparameter '" + name + "'");
    }
    return values.get(name);
  }
}
