package io.riffle.store.replay;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Settings of a {@link ReplayWindow}; validated when built, JSON property names as the components.
 * A missing JSON property takes its default.
 *
 * @param maxBytes memory bound of the window's arrays, in bytes, at least {@value #MIN_BYTES};
 *     default {@value #DEFAULT_MAX_BYTES} (64 MiB, about 8 million stored features)
 * @param holdoutFraction newest fraction of the window held back for validation, in [0, 1); default
 *     {@value #DEFAULT_HOLDOUT_FRACTION}
 */
public record ReplayOptions(long maxBytes, double holdoutFraction) {
  public static final long MIN_BYTES = 1024;
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.1;

  /** Validates. */
  public ReplayOptions {
    if (maxBytes < MIN_BYTES) {
      throw new IllegalArgumentException("maxBytes=" + maxBytes + " must be >= " + MIN_BYTES);
    }
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "holdoutFraction=" + holdoutFraction + " must be in [0, 1)");
    }
  }

  /** 64 MiB, 10% held out. */
  public static ReplayOptions defaults() {
    return new ReplayOptions(DEFAULT_MAX_BYTES, DEFAULT_HOLDOUT_FRACTION);
  }

  /** JSON creator: missing properties take their defaults. */
  @JsonCreator
  public static ReplayOptions fromJson(
      @JsonProperty("maxBytes") Long maxBytes,
      @JsonProperty("holdoutFraction") Double holdoutFraction) {
    return new ReplayOptions(
        maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes,
        holdoutFraction == null ? DEFAULT_HOLDOUT_FRACTION : holdoutFraction);
  }
}
