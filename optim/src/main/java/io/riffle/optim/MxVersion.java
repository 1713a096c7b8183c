package io.riffle.optim;

/**
 * Which MXNet release's semantics an optimizer follows (OPTIMIZERS.md: 2.x is the default, the 1.x
 * variants differ in gradient preprocessing, epsilon placement and defaults).
 */
public enum MxVersion {
  V1("1.x"),
  V2("2.x");

  private final String label;

  MxVersion(String label) {
    this.label = label;
  }

  /** The label used in hyperparameters: {@code "1.x"} or {@code "2.x"}. */
  public String label() {
    return label;
  }

  /** Parses {@code "1.x"} or {@code "2.x"} (also {@code "1"}, {@code "2"}). */
  public static MxVersion parse(String s) {
    return switch (s.trim()) {
      case "1.x", "1" -> V1;
      case "2.x", "2" -> V2;
      default ->
          throw new InvalidHyperparameterException(
              "version=" + s + " is not supported; expected \"1.x\" or \"2.x\"");
    };
  }
}
