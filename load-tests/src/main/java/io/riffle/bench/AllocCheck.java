package io.riffle.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Exact allocation per step of the two {@link OptimizerStepBenchmark} methods, measured on the
 * calling thread only.
 *
 * <p>JMH's {@code -prof gc} divides the allocation of <em>every</em> thread in the forked JVM (its
 * own infrastructure threads allocate a few KB/s) by the number of operations, so a slow operation
 * such as a dense step at tens of steps per second shows tens to hundreds of bytes per op that it
 * does not allocate. This check runs the same state setup and measured methods on one thread, after
 * a warm-up that lets the JIT compile them, and reads {@code getCurrentThreadAllocatedBytes} around
 * a run of steps. It exits with status 1 if any step allocates.
 *
 * <pre>
 *   java -cp load-tests/target/benchmarks.jar io.riffle.bench.AllocCheck [opt ...]
 * </pre>
 *
 * Without arguments it checks {@code sgd} and {@code ftrl}.
 */
public final class AllocCheck {
  private static final long WARMUP_NANOS = 2_000_000_000L;

  private AllocCheck() {}

  /** Entry point: optimizer names, default {@code sgd ftrl}. */
  public static void main(String[] args) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!mx.isThreadAllocatedMemorySupported()) {
      System.err.println("thread allocation accounting is not supported by this JVM");
      System.exit(2);
    }
    mx.setThreadAllocatedMemoryEnabled(true);
    List<String> opts = args.length == 0 ? List.of("sgd", "ftrl") : List.of(args);
    OptimizerStepBenchmark bench = new OptimizerStepBenchmark();
    boolean clean = true;
    for (String opt : opts) {
      for (int touched : new int[] {16, 64}) {
        OptimizerStepBenchmark.Sparse s = new OptimizerStepBenchmark.Sparse();
        s.opt = opt;
        s.touched = touched;
        s.setup();
        long deadline = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < deadline) {
          for (int i = 0; i < 10_000; i++) {
            bench.sparseStep(s);
          }
        }
        int steps = 1_000_000;
        long base = baseline(mx);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < steps; i++) {
          bench.sparseStep(s);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
        clean &= report("sparseStep", opt, "touched=" + touched, bytes, steps);
      }
      OptimizerStepBenchmark.Dense d = new OptimizerStepBenchmark.Dense();
      d.opt = opt;
      d.setup();
      long deadline = System.nanoTime() + WARMUP_NANOS;
      while (System.nanoTime() < deadline) {
        bench.denseStep(d);
      }
      int steps = 20;
      long base = baseline(mx);
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < steps; i++) {
        bench.denseStep(d);
      }
      long bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
      clean &= report("denseStep", opt, "", bytes, steps);
    }
    System.exit(clean ? 0 : 1);
  }

  /** What two back-to-back readings allocate by themselves (normally 0). */
  private static long baseline(com.sun.management.ThreadMXBean mx) {
    long a = mx.getCurrentThreadAllocatedBytes();
    long b = mx.getCurrentThreadAllocatedBytes();
    return b - a;
  }

  private static boolean report(String bench, String opt, String param, long bytes, int steps) {
    System.out.printf(
        Locale.ROOT,
        "%-10s %-6s %-12s %10d steps %12d bytes  %.4f B/step%n",
        bench,
        opt,
        param,
        steps,
        bytes,
        bytes / (double) steps);
    return bytes <= 0;
  }
}
