package io.riffle.optim;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Optimizers by MXNet name, case-insensitive: {@code "ftrl"}, {@code "FTML"}, {@code "sgld"}, ...
 * Every provider on the class path is found through {@link ServiceLoader}, built-in or custom.
 */
public final class OptimizerRegistry {
  private static volatile Map<String, OptimizerProvider> providers;

  private OptimizerRegistry() {}

  /** All providers by lower-case name. */
  public static Map<String, OptimizerProvider> providers() {
    Map<String, OptimizerProvider> p = providers;
    if (p == null) {
      synchronized (OptimizerRegistry.class) {
        p = providers;
        if (p == null) {
          Map<String, OptimizerProvider> m = new TreeMap<>();
          ClassLoader cl = Thread.currentThread().getContextClassLoader();
          if (cl == null) {
            cl = OptimizerRegistry.class.getClassLoader();
          }
          for (OptimizerProvider op : ServiceLoader.load(OptimizerProvider.class, cl)) {
            m.putIfAbsent(op.name().toLowerCase(Locale.ROOT), op);
          }
          p = Collections.unmodifiableMap(m);
          providers = p;
        }
      }
    }
    return p;
  }

  /**
   * The provider for {@code name}, or an {@link InvalidHyperparameterException} naming the known
   * ones.
   */
  public static OptimizerProvider provider(String name) {
    OptimizerProvider p = providers().get(name.toLowerCase(Locale.ROOT));
    if (p == null) {
      throw new InvalidHyperparameterException(
          "optimizer \""
              + name
              + "\" is unknown; known: "
              + String.join(", ", providers().keySet()));
    }
    return p;
  }

  /**
   * Builds {@code name} with the given hyperparameters (MXNet keywords; defaults fill the rest).
   */
  public static Optimizer create(String name, Map<String, ?> hyperparams) {
    OptimizerProvider p = provider(name);
    return p.create(Hyperparams.resolve(p.name(), p.hyperparams(), renameV1(p, hyperparams)));
  }

  private static Map<String, ?> renameV1(OptimizerProvider p, Map<String, ?> user) {
    Map<String, String> aliases = p.v1Aliases();
    if (aliases.isEmpty() || aliases.keySet().stream().noneMatch(user::containsKey)) {
      return user;
    }
    boolean v1 =
        user.get("version") != null
            && MxVersion.parse(String.valueOf(user.get("version"))) == MxVersion.V1;
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      String canonical = aliases.get(e.getKey());
      if (canonical == null) {
        out.put(e.getKey(), e.getValue());
      } else if (!v1) {
        throw new InvalidHyperparameterException(
            p.name()
                + ": '"
                + e.getKey()
                + "' is MXNet 1.x's name; use '"
                + canonical
                + "' (or set version=1.x)");
      } else if (user.containsKey(canonical)) {
        throw new InvalidHyperparameterException(
            p.name() + ": both '" + e.getKey() + "' and '" + canonical + "' given");
      } else {
        out.put(canonical, e.getValue());
      }
    }
    return out;
  }

  /** Builds {@code name} with its defaults. */
  public static Optimizer create(String name) {
    return create(name, Map.of());
  }
}
