package io.riffle.load.gen;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The hidden logistic model behind a stream: {@code p = sigmoid(bias + Σ w(f) x(f))} over features
 * named as the service names them ({@code name=value} for a categorical value or a bag token with
 * {@code x = 1}, {@code name} for a numeric field with {@code x} its value).
 *
 * <p>No weight table is stored: {@code w(f)} is a normal deviate derived from a 64-bit hash of the
 * feature's UTF-8 name and the seed, so any cardinality costs no memory and a weight can be
 * evaluated for features the stream never produced. After the drift index each weight becomes
 * {@code ρ w₀(f) + sqrt(1 - ρ²) w₁(f)} with {@code w₁} an independent draw. Immutable and
 * thread-safe.
 */
public final class GroundTruth {
  private static final long EPOCH_SALT = 0x9E3779B97F4A7C15L;

  private final StreamSpec spec;
  private final double driftKeep;
  private final double driftNew;

  public GroundTruth(StreamSpec spec) {
    this.spec = spec;
    this.driftKeep = spec.driftCorrelation();
    this.driftNew = Math.sqrt(1 - spec.driftCorrelation() * spec.driftCorrelation());
  }

  /** The spec this truth belongs to. */
  public StreamSpec spec() {
    return spec;
  }

  /** Whether example {@code index} is drawn from the drifted weights. */
  public boolean drifted(long index) {
    return spec.driftAt() >= 0 && index >= spec.driftAt();
  }

  /** True weight of categorical value {@code name=value} at example {@code index}. */
  public double categoricalWeight(String name, String value, long index) {
    return weight(name + "=" + value, spec.categoricalWeightStd(), drifted(index));
  }

  /** True weight of numeric field {@code name} at example {@code index}. */
  public double numericWeight(String name, long index) {
    return weight(name, spec.numericWeightStd(), drifted(index));
  }

  /**
   * True margin {@code bias + w·x} of a feature map in the wire format's types (String, Number,
   * List of String) at example {@code index}.
   */
  public double margin(Map<String, ?> features, long index) {
    boolean drifted = drifted(index);
    double z = spec.bias();
    for (Map.Entry<String, ?> e : features.entrySet()) {
      String name = e.getKey();
      Object v = e.getValue();
      if (v instanceof String s) {
        z += weight(name + "=" + s, spec.categoricalWeightStd(), drifted);
      } else if (v instanceof Number n) {
        z += weight(name, spec.numericWeightStd(), drifted) * n.doubleValue();
      } else if (v instanceof List<?> bag) {
        for (Object token : bag) {
          z += weight(name + "=" + token, spec.categoricalWeightStd(), drifted);
        }
      } else {
        throw new IllegalArgumentException(
            "feature " + name + " must be a String, Number or List, got " + v);
      }
    }
    return z;
  }

  /** True probability of label 1 for {@code features} at example {@code index}. */
  public double probability(Map<String, ?> features, long index) {
    return sigmoid(margin(features, index));
  }

  /** The logistic function, stable for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  private double weight(String feature, double std, boolean drifted) {
    long h = fnv1a(feature.getBytes(StandardCharsets.UTF_8)) ^ mix(spec.seed());
    double w0 = gaussian(h);
    if (!drifted) {
      return std * w0;
    }
    return std * (driftKeep * w0 + driftNew * gaussian(h ^ EPOCH_SALT));
  }

  /** A standard normal deviate from a hash (Box–Muller over two derived uniforms). */
  private static double gaussian(long h) {
    long a = mix(h);
    long b = mix(a + EPOCH_SALT);
    // (0, 1]: log never sees 0
    double u1 = ((a >>> 11) + 1) * 0x1.0p-53;
    double u2 = (b >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long fnv1a(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finalizer (Steele, Lea and Flood, OOPSLA 2014). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
