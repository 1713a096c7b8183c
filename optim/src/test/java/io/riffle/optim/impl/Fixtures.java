package io.riffle.optim.impl;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the optimizer unit tests. */
final class Fixtures {
  private Fixtures() {}

  /** Builds {@code name} from alternating key/value pairs. */
  static Optimizer opt(String name, Object... kv) {
    return OptimizerRegistry.create(name, hp(kv));
  }

  /** Builds {@code name} from a {@code "key=value key=value"} list (values parsed like a CLI's). */
  static Optimizer opt(String name, String spec) {
    return OptimizerRegistry.create(name, hp(spec));
  }

  /** A hyperparameter map from a {@code "key=value key=value"} list. */
  static Map<String, Object> hp(String spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String kv : spec.trim().split("\\s+")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  /** A hyperparameter map from alternating key/value pairs. */
  static Map<String, Object> hp(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A float64 store holding a copy of {@code v}. */
  static Store f64(double... v) {
    return Store.of(v.clone());
  }

  /** The store's values. */
  static double[] values(Store s) {
    double[] out = new double[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.get(i);
    }
    return out;
  }

  /**
   * The sub-state of the given rows of {@code s} (rows of {@code width} elements, in the given
   * order), as a fresh float64 state for {@code opt}.
   */
  static ParamState rowsOf(Optimizer opt, ParamState s, int[] rows, int width) {
    ParamState sub = ParamState.zeros(opt, Precision.FLOAT64, rows.length * width, null);
    for (int a = 0; a < s.arrayCount(); a++) {
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < width; j++) {
          sub.array(a).set(i * width + j, s.array(a).get(rows[i] * width + j));
        }
      }
    }
    System.arraycopy(s.scalars(), 0, sub.scalars(), 0, s.scalars().length);
    return sub;
  }

  /** The given rows of {@code w} as a fresh float64 store. */
  static Store rowsOf(Store w, int[] rows, int width) {
    Store sub = Store.zeros(Precision.FLOAT64, rows.length * width);
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < width; j++) {
        sub.set(i * width + j, w.get(rows[i] * width + j));
      }
    }
    return sub;
  }
}
