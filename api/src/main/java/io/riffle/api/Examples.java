package io.riffle.api;

import java.util.List;
import java.util.Map;

/**
 * Validation of examples and feature maps at the wire: types and finiteness, before anything is
 * hashed. Limits that depend on the model (bag sizes, string lengths, label range) are checked by
 * the model. Every failure is an {@link ApiException} naming the feature and the bad value.
 */
public final class Examples {
  /** Largest number of features in one example's map. */
  public static final int MAX_FEATURES = 100_000;

  private Examples() {}

  /** Validates a full example: features present and well typed, label present, weight finite. */
  public static Example validate(Example e) {
    if (e.features() == null) {
      throw new ApiException(ProblemType.MISSING_FIELD, "example" + id(e) + " has no 'features'");
    }
    validateFeatures(e.features());
    if (e.label() == null) {
      throw new ApiException(ProblemType.MISSING_FIELD, "example" + id(e) + " has no 'label'");
    }
    validateLabel(e.label());
    validateWeight(e.weight());
    return e;
  }

  /** A label is a finite number or a non-empty string (a class name). */
  public static void validateLabel(Object label) {
    if (label instanceof Number n) {
      if (!Double.isFinite(n.doubleValue())) {
        throw new ApiException(
            ProblemType.NON_FINITE_NUMBER, "label " + n + " is not a finite number");
      }
    } else if (label instanceof String s) {
      if (s.isEmpty()) {
        throw new ApiException(ProblemType.WRONG_TYPE, "label is an empty string");
      }
    } else {
      throw new ApiException(
          ProblemType.WRONG_TYPE,
          "label " + describe(label) + " must be a number or a class name (string)");
    }
  }

  /** A weight is absent or a finite number {@code >= 0}. */
  public static void validateWeight(Double w) {
    if (w == null) {
      return;
    }
    if (!Double.isFinite(w)) {
      throw new ApiException(ProblemType.NON_FINITE_NUMBER, "weight " + w + " is not finite");
    }
    if (w < 0) {
      throw new ApiException(ProblemType.INVALID_REQUEST, "weight " + w + " must be >= 0");
    }
  }

  /** Checks every value of a feature map (see {@link Example} for the accepted types). */
  public static void validateFeatures(Map<String, Object> features) {
    if (features.size() > MAX_FEATURES) {
      throw new ApiException(
          ProblemType.INVALID_FEATURE,
          features.size() + " features in one example; at most " + MAX_FEATURES);
    }
    for (Map.Entry<String, Object> f : features.entrySet()) {
      String name = f.getKey();
      if (name == null || name.isEmpty()) {
        throw new ApiException(ProblemType.INVALID_FEATURE, "empty feature name");
      }
      Object v = f.getValue();
      if (v instanceof String || v instanceof Boolean) {
        continue;
      }
      if (v instanceof Number n) {
        checkFinite(name, n);
      } else if (v instanceof List<?> list) {
        checkList(name, list);
      } else {
        throw new ApiException(
            ProblemType.WRONG_TYPE,
            "feature '"
                + name
                + "' is "
                + describe(v)
                + "; expected a string, number, boolean or array of strings");
      }
    }
  }

  private static void checkList(String name, List<?> list) {
    boolean strings = false;
    boolean numbers = false;
    for (int i = 0; i < list.size(); i++) {
      Object x = list.get(i);
      if (x instanceof String) {
        strings = true;
      } else if (x instanceof Number n) {
        numbers = true;
        checkFinite(name + "[" + i + "]", n);
      } else {
        throw new ApiException(
            ProblemType.WRONG_TYPE,
            "feature '"
                + name
                + "["
                + i
                + "]' is "
                + describe(x)
                + "; an array holds strings (a bag) or numbers (a dense vector)");
      }
      if (strings && numbers) {
        throw new ApiException(
            ProblemType.WRONG_TYPE,
            "feature '" + name + "' mixes strings and numbers; use one or the other");
      }
    }
  }

  private static void checkFinite(String name, Number n) {
    if (!Double.isFinite(n.doubleValue())) {
      throw new ApiException(
          ProblemType.NON_FINITE_NUMBER,
          "feature '" + name + "' is " + n + "; numbers must be finite");
    }
  }

  private static String id(Example e) {
    return e.id() == null ? "" : " '" + e.id() + "'";
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "'" + v + "'";
  }
}
