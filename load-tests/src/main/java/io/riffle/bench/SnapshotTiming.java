package io.riffle.bench;

import io.riffle.optim.Store;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.snapshot.FilesystemModelStore;
import io.riffle.store.snapshot.Snapshot;
import io.riffle.store.snapshot.SnapshotInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Snapshot write and load time and on-disk size of a trained {@value ModelLearnBenchmark#BITS}-bit
 * FTRL model through {@link FilesystemModelStore}, as a plain timing program: JMH fits file I/O
 * badly (every save creates a new version directory of tens of MB and ends in fsyncs, so an
 * operation is milliseconds to seconds and its cost depends on the disk, not on the JIT).
 *
 * <p>The model is {@link ModelLearnBenchmark#spec} (logistic, FTRL defaults, one shard, float32),
 * trained on {@code examples} examples of {@link ModelLearnBenchmark#examples} (100 fields). Then,
 * {@code reps + 1} times (the first round is a warm-up and is not counted):
 *
 * <ol>
 *   <li>{@code snapshot}: {@link Model#snapshot()} (metadata to a map; the arrays are the live
 *       stores, except the metrics and replay window, which are copied);
 *   <li>{@code save}: {@link FilesystemModelStore#save}: every array to its own file through a 1
 *       MiB direct buffer with CRC32C, each file fsynced, manifest, {@code COMMITTED}, directory
 *       fsyncs, atomic rename;
 *   <li>{@code load}: {@link FilesystemModelStore#load}: manifest checksum, every array read and
 *       its CRC32C verified (from the page cache: the files were just written);
 *   <li>{@code restore}: {@link Model#restore}: a new model from the loaded snapshot (allocates and
 *       copies every array).
 * </ol>
 *
 * Older versions are deleted between rounds (not timed). The restored model is checked to equal the
 * original (weights and optimizer state, element by element).
 *
 * <pre>
 *   java -Xmx3g -cp load-tests/target/benchmarks.jar io.riffle.bench.SnapshotTiming \
 *       [--posterior] [--reps 5] [--examples 50000] [--dir DIR]
 * </pre>
 *
 * {@code --dir} defaults to a new directory under {@code java.io.tmpdir}, deleted at the end.
 */
public final class SnapshotTiming {
  private SnapshotTiming() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException {
    boolean posterior = false;
    int reps = 5;
    int examples = 50_000;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--posterior" -> posterior = true;
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--examples" -> examples = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: SnapshotTiming [--posterior] [--reps N] [--examples N] [--dir DIR]");
          System.exit(2);
        }
      }
    }
    boolean tempDir = dir == null;
    Path root = tempDir ? Files.createTempDirectory("riffle-snapshot-bench") : dir;
    try {
      run(root, posterior, reps, examples);
    } finally {
      if (tempDir) {
        deleteTree(root);
      }
    }
  }

  private static void run(Path root, boolean posterior, int reps, int examples) throws IOException {
    ModelSpec spec = ModelLearnBenchmark.spec(posterior);
    Model model = new Model("bench", spec);
    int features = 100;
    double[] labels = new double[ModelLearnBenchmark.POOL];
    Map<String, Object>[] pool =
        ModelLearnBenchmark.examples(
            features, ModelLearnBenchmark.POOL, labels, ModelLearnBenchmark.SEED);
    long t0 = System.nanoTime();
    for (int i = 0; i < examples; i++) {
      int k = i & (ModelLearnBenchmark.POOL - 1);
      model.learn(pool[k], labels[k], 1.0);
    }
    double trainS = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "model: logistic, ftrl, bits=%d, shards=1, %s, posterior=%s; trained on %d examples"
            + " of %d fields in %.1f s%n",
        spec.hashing().bits(),
        spec.precision(),
        posterior,
        examples,
        features,
        trainS);
    System.out.println("store: " + root + " (java.io.tmpdir unless --dir)");

    FilesystemModelStore store = new FilesystemModelStore(root);
    List<double[]> rounds = new ArrayList<>(); // snapshot, save, load, restore (ms)
    long arrayBytes = 0;
    long diskBytes = 0;
    long manifestBytes = 0;
    int files = 0;
    Model restored = null;
    for (int r = 0; r <= reps; r++) {
      long a = System.nanoTime();
      Snapshot snap = model.snapshot();
      long b = System.nanoTime();
      long version = store.save("bench", snap);
      long c = System.nanoTime();
      Snapshot loaded = store.load("bench", version);
      long d = System.nanoTime();
      restored = Model.restore(loaded);
      long e = System.nanoTime();
      if (r > 0) {
        rounds.add(new double[] {(b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6, (e - d) / 1e6});
      }
      arrayBytes = snap.arrayBytes();
      if (r == 0) {
        printArrays(snap);
      }
      SnapshotInfo info = store.list("bench").get(0);
      diskBytes = info.bytes();
      manifestBytes = Files.size(info.path().resolve("manifest.json"));
      files = snap.arrays().size();
      store.retain("bench", 1);
    }
    checkEqual(model, restored);

    System.out.printf(
        Locale.ROOT,
        "snapshot: %d arrays, %.1f MiB of array data, %.1f MiB on disk (%d bytes; manifest %d"
            + " bytes)%n",
        files,
        arrayBytes / 1048576.0,
        diskBytes / 1048576.0,
        diskBytes,
        manifestBytes);
    String[] phases = {"snapshot", "save", "load", "restore"};
    System.out.printf(Locale.ROOT, "%d rounds after one warm-up round, ms:%n", rounds.size());
    System.out.println("| phase | min ms | median ms | max ms | MB/s (median, on-disk bytes) |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (int p = 0; p < phases.length; p++) {
      double[] v = new double[rounds.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = rounds.get(i)[p];
      }
      Arrays.sort(v);
      double med =
          v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      String rate =
          p == 1 || p == 2 ? String.format(Locale.ROOT, "%.0f", diskBytes / 1e6 / (med / 1e3)) : "";
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.1f | %s |%n",
          phases[p],
          v[0],
          med,
          v[v.length - 1],
          rate);
    }
  }

  /**
   * Size of every array of {@code snap}, largest first (arrays under 64 KiB summed in one line).
   */
  private static void printArrays(Snapshot snap) {
    List<Map.Entry<String, Store>> all = new ArrayList<>(snap.arrays().entrySet());
    all.sort(
        Comparator.comparingLong((Map.Entry<String, Store> e) -> bytes(e.getValue())).reversed());
    long small = 0;
    int smallCount = 0;
    System.out.println("arrays:");
    for (Map.Entry<String, Store> e : all) {
      long b = bytes(e.getValue());
      if (b < 64 * 1024) {
        small += b;
        smallCount++;
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "  %-28s %-7s %,12d elements %8.1f MiB%n",
          e.getKey(),
          e.getValue().precision(),
          e.getValue().length(),
          b / 1048576.0);
    }
    if (smallCount > 0) {
      System.out.printf(
          Locale.ROOT,
          "  %d arrays under 64 KiB           %8.1f MiB%n",
          smallCount,
          small / 1048576.0);
    }
  }

  private static long bytes(Store s) {
    return (long) s.length() * s.precision().bytes();
  }

  /** The restored model's weights and optimizer state equal the original's, element by element. */
  private static void checkEqual(Model a, Model b) {
    if (a.examples() != b.examples()) {
      throw new IllegalStateException("examples " + a.examples() + " vs " + b.examples());
    }
    for (int s = 0; s < a.shards().length; s++) {
      Map<String, Store> x = a.shards()[s].exportArrays();
      Map<String, Store> y = b.shards()[s].exportArrays();
      for (Map.Entry<String, Store> e : x.entrySet()) {
        Store u = e.getValue();
        Store v = y.get(e.getKey());
        for (int i = 0, n = u.length(); i < n; i++) {
          if (Double.doubleToLongBits(u.get(i)) != Double.doubleToLongBits(v.get(i))) {
            throw new IllegalStateException(
                "restored shard " + s + " " + e.getKey() + "[" + i + "] differs");
          }
        }
      }
    }
    // and it predicts the same
    SparseVector v = new SparseVector();
    v.add(1, 1f);
    v.add(12345, 0.5f);
    double pa = a.predictHashed(v, 0, new double[0], false, 1).outputs()[0];
    double pb = b.predictHashed(v, 0, new double[0], false, 1).outputs()[0];
    if (pa != pb) {
      throw new IllegalStateException("restored model predicts " + pb + ", original " + pa);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
