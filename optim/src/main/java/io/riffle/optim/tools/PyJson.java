package io.riffle.optim.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes JSON exactly as Python's {@code json.dumps} does for the reference's output lines: {@code
 * ", "} and {@code ": "} separators, and floats in Python's shortest round-trip {@code repr} (e.g.
 * {@code 0.1}, {@code 1e-05}, {@code 1.5e+20}, {@code 3.0}). JDK 17's {@code Double.toString} is
 * neither shortest nor in Python's layout, so the digits are found here: the closest decimal with
 * the fewest significant digits that reads back as the same double.
 */
public final class PyJson {
  private PyJson() {}

  /** Python's {@code repr(float)} as {@code json.dumps} writes it. */
  public static String repr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        shortest = r;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - shortest.scale();
    StringBuilder sb = new StringBuilder(24);
    if (d < 0) {
      sb.append('-');
    }
    if (exp >= -4 && exp < 16) {
      if (exp >= 0) {
        if (digits.length() <= exp + 1) {
          sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
        } else {
          sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
      } else {
        sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    }
    return sb.toString();
  }

  /** A JSON list of floats, Python layout. */
  public static String list(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(repr(v[i]));
    }
    return sb.append(']').toString();
  }

  /**
   * A JSON object from alternating keys and values; values may be Double, Long/Integer, double[], a
   * preformatted {@link Raw}, or null.
   */
  public static String object(Object... kv) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < kv.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('"').append(kv[i]).append("\": ");
      Object v = kv[i + 1];
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Double dv) {
        sb.append(repr(dv));
      } else if (v instanceof double[] arr) {
        sb.append(list(arr));
      } else {
        sb.append(v);
      }
    }
    return sb.append('}').toString();
  }
}
