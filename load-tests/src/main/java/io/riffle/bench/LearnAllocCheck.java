package io.riffle.bench;

import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Exact allocation per example of the three {@link ModelLearnBenchmark} methods ({@code learn},
 * {@code learnHashed}, {@code hash}), measured on the calling thread only, as {@link AllocCheck}
 * does for the optimizer steps (see there why JMH's {@code -prof gc} over-counts).
 *
 * <p>Runs the benchmark's own setup (pool, model trained to its steady state), warms the measured
 * methods up for two seconds so the JIT compiles them, then reads {@code
 * getCurrentThreadAllocatedBytes} around {@value #EXAMPLES} calls. Exits with status 1 if any
 * example allocates.
 *
 * <pre>
 *   java -Xmx2g -cp load-tests/target/benchmarks.jar io.riffle.bench.LearnAllocCheck [features ...]
 * </pre>
 *
 * Without arguments it checks 10 and 100 features, each without and with the posterior. It then
 * checks {@link FeatureHasher#hash} of mail-like text examples (subject with unigrams, body with
 * bigrams, Zipf-distributed tokens so most repeat, a pool of {@value #TEXT_POOL}) under each {@link
 * HashingSpec.TextWeighting}.
 */
public final class LearnAllocCheck {
  private static final long WARMUP_NANOS = 2_000_000_000L;
  private static final int EXAMPLES = 200_000;
  private static final int TEXT_POOL = 256;
  private static final int TEXT_EXAMPLES = 20_000;

  private LearnAllocCheck() {}

  /** Entry point: feature counts, default {@code 10 100}. */
  public static void main(String[] args) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!mx.isThreadAllocatedMemorySupported()) {
      System.err.println("thread allocation accounting is not supported by this JVM");
      System.exit(2);
    }
    mx.setThreadAllocatedMemoryEnabled(true);
    int[] counts = args.length == 0 ? new int[] {10, 100} : new int[args.length];
    for (int i = 0; i < args.length; i++) {
      counts[i] = Integer.parseInt(args[i]);
    }
    ModelLearnBenchmark bench = new ModelLearnBenchmark();
    boolean clean = true;
    for (int features : counts) {
      ModelLearnBenchmark.Hashing h = new ModelLearnBenchmark.Hashing();
      h.features = features;
      h.pool = ModelLearnBenchmark.POOL;
      h.setup();
      warm(() -> bench.hash(h));
      long base = baseline(mx);
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < EXAMPLES; i++) {
        bench.hash(h);
      }
      long bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
      clean &= report("hash", features, "", bytes);
      for (boolean posterior : new boolean[] {false, true}) {
        ModelLearnBenchmark.Learner s = new ModelLearnBenchmark.Learner();
        s.features = features;
        s.posterior = posterior;
        s.setup();
        String p = posterior ? "posterior" : "";
        warm(() -> bench.learnHashed(s));
        base = baseline(mx);
        before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < EXAMPLES; i++) {
          bench.learnHashed(s);
        }
        bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
        clean &= report("learnHashed", features, p, bytes);
        warm(() -> bench.learn(s));
        base = baseline(mx);
        before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < EXAMPLES; i++) {
          bench.learn(s);
        }
        bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
        clean &= report("learn", features, p, bytes);
      }
    }
    for (HashingSpec.TextWeighting w : HashingSpec.TextWeighting.values()) {
      clean &= text(mx, w);
    }
    System.exit(clean ? 0 : 1);
  }

  /** Allocation of hashing pooled text examples under weighting {@code w}. */
  private static boolean text(com.sun.management.ThreadMXBean mx, HashingSpec.TextWeighting w) {
    FeatureHasher hasher =
        new FeatureHasher(
            HashingSpec.defaults()
                .withBits(20)
                .withTextField("subject", 1)
                .withTextField("body", 2)
                .withTextWeighting(w));
    Map<String, Object>[] pool = textPool();
    SparseVector out = new SparseVector();
    int[] next = {0};
    Runnable op = () -> hasher.hash(pool[next[0]++ & (TEXT_POOL - 1)], out);
    warm(op);
    long base = baseline(mx);
    long before = mx.getCurrentThreadAllocatedBytes();
    long features = 0;
    for (int i = 0; i < TEXT_EXAMPLES; i++) {
      op.run();
      features += out.nnz();
    }
    long bytes = mx.getCurrentThreadAllocatedBytes() - before - base;
    System.out.printf(
        Locale.ROOT,
        "%-11s %-7s (%5.0f features) %8d examples %12d bytes  %.4f B/example%n",
        "hash text",
        w.wire(),
        features / (double) TEXT_EXAMPLES,
        TEXT_EXAMPLES,
        bytes,
        bytes / (double) TEXT_EXAMPLES);
    return bytes <= 0;
  }

  /** Mail-like examples: 8-word subjects, 100..900-word bodies over a Zipf-like vocabulary. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] textPool() {
    SplittableRandom rnd = new SplittableRandom(7);
    Map<String, Object>[] pool = new Map[TEXT_POOL];
    for (int e = 0; e < TEXT_POOL; e++) {
      Map<String, Object> f = new HashMap<>();
      f.put("subject", words(rnd, 8));
      f.put("body", words(rnd, 100 + rnd.nextInt(800)));
      pool[e] = f;
    }
    return pool;
  }

  private static String words(SplittableRandom rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      // log-uniform rank in [1, 50000): P(rank) ~ 1/rank (Zipf), so frequent words repeat
      int rank = (int) Math.exp(rnd.nextDouble() * Math.log(50_000));
      b.append(i == 0 ? "" : (i % 12 == 0 ? ". " : " ")).append("w").append(rank);
    }
    return b.toString();
  }

  private static void warm(Runnable op) {
    long deadline = System.nanoTime() + WARMUP_NANOS;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 1_000; i++) {
        op.run();
      }
    }
  }

  /** What two back-to-back readings allocate by themselves (normally 0). */
  private static long baseline(com.sun.management.ThreadMXBean mx) {
    long a = mx.getCurrentThreadAllocatedBytes();
    long b = mx.getCurrentThreadAllocatedBytes();
    return b - a;
  }

  private static boolean report(String bench, int features, String param, long bytes) {
    System.out.printf(
        Locale.ROOT,
        "%-11s features=%-4d %-10s %8d examples %12d bytes  %.4f B/example%n",
        bench,
        features,
        param,
        EXAMPLES,
        bytes,
        bytes / (double) EXAMPLES);
    return bytes <= 0;
  }
}
