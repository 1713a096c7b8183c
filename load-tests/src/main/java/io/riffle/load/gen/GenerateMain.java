package io.riffle.load.gen;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a synthetic CTR stream as NDJSON:
 *
 * <pre>
 * java -cp load-tests/target/benchmarks.jar io.riffle.load.gen.GenerateMain \
 *     --n 100000 --seed 1 --out examples.ndjson [--drift-at N] [--drift-correlation R]
 *     [--truth truth.csv]
 * </pre>
 *
 * The stream is {@link StreamSpec#ctr(long)}; {@code --truth} also writes each example's true
 * probability. Exit status 2 on a bad argument.
 */
public final class GenerateMain {
  private GenerateMain() {}

  public static void main(String[] args) throws IOException {
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("GenerateMain: " + e.getMessage());
      System.err.println(
          "usage: GenerateMain --n N --seed S --out FILE [--drift-at N] [--drift-correlation R]"
              + " [--truth FILE]");
      System.exit(2);
    }
  }

  /** Parses {@code args} and writes the files; throws IllegalArgumentException on bad input. */
  public static void run(String[] args) throws IOException {
    long n = -1;
    long seed = 1;
    long driftAt = -1;
    double driftCorrelation = 0;
    Path out = null;
    Path truth = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String v = args[++i];
      switch (flag) {
        case "--n" -> n = parseLong(flag, v);
        case "--seed" -> seed = parseLong(flag, v);
        case "--drift-at" -> driftAt = parseLong(flag, v);
        case "--drift-correlation" -> driftCorrelation = parseDouble(flag, v);
        case "--out" -> out = Path.of(v);
        case "--truth" -> truth = Path.of(v);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (n < 0) {
      throw new IllegalArgumentException("--n must be given and >= 0");
    }
    if (out == null) {
      throw new IllegalArgumentException("--out must be given");
    }
    StreamSpec spec = StreamSpec.ctr(seed).withDrift(driftAt, driftCorrelation);
    WireJson.writeNdjson(new StreamGenerator(spec), n, out, truth);
  }

  private static long parseLong(String flag, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects an integer, got " + v, e);
    }
  }

  private static double parseDouble(String flag, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects a number, got " + v, e);
    }
  }
}
