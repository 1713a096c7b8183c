package io.riffle.store.features;

/**
 * A named feature cannot be hashed: its name or value is not allowed (null, empty name, non-finite
 * number, nested object, ...) or a limit of the {@link HashingSpec} is exceeded. The message names
 * the feature and the problem. Not retriable: the same example fails the same way every time.
 */
public final class FeatureException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String feature;

  /** A problem with {@code feature} (may be null when the name itself is missing). */
  public FeatureException(String feature, String problem) {
    super(feature == null ? problem : "feature '" + abbreviate(feature) + "': " + problem);
    this.feature = feature;
  }

  /** The offending feature name (or interaction, e.g. {@code a x b}); null if the name was null. */
  public String feature() {
    return feature;
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
