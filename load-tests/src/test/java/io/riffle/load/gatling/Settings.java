package io.riffle.load.gatling;

/** Scenario settings from system properties ({@code -Driffle.rate=50}), each with a default. */
final class Settings {
  private Settings() {}

  static String string(String name, String def) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  static double number(String name, double def) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property " + name + " must be a number, got " + v, e);
    }
  }

  static int integer(String name, int def) {
    double d = number(name, def);
    if (d != Math.rint(d)) {
      throw new IllegalArgumentException(
          "system property " + name + " must be an integer, got " + d);
    }
    return (int) d;
  }
}
