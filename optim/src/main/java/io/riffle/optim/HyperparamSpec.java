package io.riffle.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One hyperparameter an optimizer accepts: its MXNet name, type, 2.x default, optional 1.x default,
 * and allowed range. {@link Hyperparams#resolve} uses these to fill in defaults and to reject bad
 * values with a message that names the parameter, the value and the range.
 *
 * @param name MXNet keyword, e.g. {@code "learning_rate"}
 * @param type value type
 * @param defaultValue the 2.x default ({@code null} means None)
 * @param v1Default the 1.x default, or {@link #SAME} if it equals the 2.x one
 * @param min lower bound for numbers ({@code -inf} if none)
 * @param minInclusive whether {@code min} itself is allowed
 * @param max upper bound for numbers ({@code +inf} if none)
 * @param maxInclusive whether {@code max} itself is allowed
 * @param choices allowed strings for {@link Type#STRING}, empty for any
 */
public record HyperparamSpec(
    String name,
    Type type,
    Object defaultValue,
    Object v1Default,
    double min,
    boolean minInclusive,
    double max,
    boolean maxInclusive,
    List<String> choices) {

  /** Marker: the 1.x default is the 2.x default. */
  public static final Object SAME = new Object();

  /** Value types. */
  public enum Type {
    /** A finite double. */
    REAL,
    /** A finite double or None ({@code null}). */
    REAL_OR_NONE,
    /** An integer (long). */
    INT,
    /** true/false. */
    BOOL,
    /** A string, optionally from {@link #choices}. */
    STRING,
    /** A list of integers, e.g. a multi-factor schedule's steps. */
    INT_LIST
  }

  public HyperparamSpec {
    choices = List.copyOf(choices);
  }

  /** A real in {@code [min, max]} or {@code (min, max)} etc. */
  public static HyperparamSpec real(
      String name, double def, double min, boolean minIncl, double max, boolean maxIncl) {
    return new HyperparamSpec(name, Type.REAL, def, SAME, min, minIncl, max, maxIncl, List.of());
  }

  /** A real {@code >= 0}. */
  public static HyperparamSpec nonNegative(String name, double def) {
    return real(name, def, 0, true, Double.POSITIVE_INFINITY, false);
  }

  /** A real {@code > 0}. */
  public static HyperparamSpec positive(String name, double def) {
    return real(name, def, 0, false, Double.POSITIVE_INFINITY, false);
  }

  /** A real in {@code [0, 1)}: momenta and decay rates. */
  public static HyperparamSpec unitOpen(String name, double def) {
    return real(name, def, 0, true, 1, false);
  }

  /** Any finite real. */
  public static HyperparamSpec anyReal(String name, double def) {
    return real(name, def, Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);
  }

  /** A real {@code >= 0} or None. */
  public static HyperparamSpec optionalReal(String name, Double def) {
    return new HyperparamSpec(
        name,
        Type.REAL_OR_NONE,
        def,
        SAME,
        Double.NEGATIVE_INFINITY,
        false,
        Double.POSITIVE_INFINITY,
        false,
        List.of());
  }

  /** An integer in {@code [min, max]}. */
  public static HyperparamSpec integer(String name, long def, long min, long max) {
    return new HyperparamSpec(name, Type.INT, def, SAME, min, true, max, true, List.of());
  }

  /** A boolean. */
  public static HyperparamSpec bool(String name, boolean def) {
    return new HyperparamSpec(name, Type.BOOL, def, SAME, 0, true, 0, true, List.of());
  }

  /** A string from {@code choices}. */
  public static HyperparamSpec choice(String name, String def, String... choices) {
    return new HyperparamSpec(name, Type.STRING, def, SAME, 0, true, 0, true, List.of(choices));
  }

  /** A free string. */
  public static HyperparamSpec string(String name, String def) {
    return new HyperparamSpec(name, Type.STRING, def, SAME, 0, true, 0, true, List.of());
  }

  /** A list of integers. */
  public static HyperparamSpec intList(String name, List<Long> def) {
    return new HyperparamSpec(
        name, Type.INT_LIST, def, SAME, 1, true, Long.MAX_VALUE, true, List.of());
  }

  /** This spec with a different 1.x default. */
  public HyperparamSpec v1(Object v1Value) {
    return new HyperparamSpec(
        name, type, defaultValue, v1Value, min, minInclusive, max, maxInclusive, choices);
  }

  /** This spec with a different 2.x (and 1.x unless set) default. */
  public HyperparamSpec withDefault(Object def) {
    return new HyperparamSpec(
        name, type, def, v1Default, min, minInclusive, max, maxInclusive, choices);
  }

  /** The default under {@code version}. */
  public Object defaultFor(MxVersion version) {
    return version == MxVersion.V1 && v1Default != SAME ? v1Default : defaultValue;
  }

  /** Human-readable allowed range, e.g. {@code [0, 1)}. */
  public String rangeText() {
    return switch (type) {
      case BOOL -> "true or false";
      case STRING -> choices.isEmpty() ? "any string" : "one of " + choices;
      case INT_LIST -> "an increasing list of integers >= 1";
      case REAL_OR_NONE -> "a finite number or None";
      default ->
          (minInclusive ? "[" : "(")
              + fmt(min)
              + ", "
              + fmt(max)
              + (maxInclusive ? "]" : ")")
              + (type == Type.INT ? " (integer)" : "");
    };
  }

  private static String fmt(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return "inf";
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /**
   * Converts {@code raw} (a Number, Boolean, String or List, e.g. from JSON or a command line) to
   * this spec's type and checks the range.
   *
   * @throws InvalidHyperparameterException naming the parameter, the value and the range
   */
  public Object coerce(String optimizer, Object raw) {
    try {
      Object v = convert(raw);
      check(v);
      return v;
    } catch (InvalidHyperparameterException e) {
      throw new InvalidHyperparameterException(optimizer + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw bad(optimizer, raw);
    }
  }

  private InvalidHyperparameterException bad(String optimizer, Object raw) {
    return new InvalidHyperparameterException(
        String.format(
            Locale.ROOT,
            "%s: %s=%s is not allowed; expected %s",
            optimizer,
            name,
            raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw),
            rangeText()));
  }

  private Object convert(Object raw) {
    if (raw == null || (raw instanceof String s && s.equals("None"))) {
      if (type == Type.REAL_OR_NONE || (type == Type.STRING && defaultValue == null)) {
        return null;
      }
      throw new IllegalArgumentException("None");
    }
    return switch (type) {
      case REAL, REAL_OR_NONE -> {
        double d =
            raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("non-finite");
        }
        yield d;
      }
      case INT -> {
        if (raw instanceof Number n) {
          double d = n.doubleValue();
          if (d != Math.rint(d)) {
            throw new IllegalArgumentException("fraction");
          }
          yield n.longValue();
        }
        yield Long.parseLong(raw.toString().trim());
      }
      case BOOL -> {
        if (raw instanceof Boolean b) {
          yield b;
        }
        String s = raw.toString().trim();
        if (s.equalsIgnoreCase("true")) {
          yield true;
        }
        if (s.equalsIgnoreCase("false")) {
          yield false;
        }
        throw new IllegalArgumentException(s);
      }
      case STRING -> raw.toString();
      case INT_LIST -> {
        List<Long> out = new ArrayList<>();
        if (raw instanceof List<?> l) {
          for (Object o : l) {
            out.add(((Number) o).longValue());
          }
        } else {
          String s = raw.toString().replace("[", "").replace("]", "").trim();
          for (String p : s.split("[,;\\s]+")) {
            if (!p.isEmpty()) {
              out.add(Long.parseLong(p));
            }
          }
        }
        yield List.copyOf(out);
      }
    };
  }

  private void check(Object v) {
    if (v == null) {
      return;
    }
    switch (type) {
      case REAL, REAL_OR_NONE, INT -> {
        double d = ((Number) v).doubleValue();
        boolean ok = (minInclusive ? d >= min : d > min) && (maxInclusive ? d <= max : d < max);
        if (!ok) {
          throw new InvalidHyperparameterException(
              name + "=" + v + " is outside the allowed range " + rangeText());
        }
      }
      case STRING -> {
        if (!choices.isEmpty() && !choices.contains((String) v)) {
          throw new InvalidHyperparameterException(
              name + "=\"" + v + "\" is not allowed; expected " + rangeText());
        }
      }
      case INT_LIST -> {
        @SuppressWarnings("unchecked")
        List<Long> l = (List<Long>) v;
        for (int i = 0; i < l.size(); i++) {
          if (l.get(i) < 1 || (i > 0 && l.get(i) <= l.get(i - 1))) {
            throw new InvalidHyperparameterException(
                name + "=" + l + " is not allowed; expected " + rangeText());
          }
        }
      }
      default -> {}
    }
  }
}
