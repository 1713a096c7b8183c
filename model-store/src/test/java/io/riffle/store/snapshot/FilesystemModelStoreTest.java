package io.riffle.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemModelStoreTest {
  @TempDir Path dir;

  private static Snapshot sample(double base) {
    Store f = Store.zeros(Precision.FLOAT32, 1000);
    Store d = Store.zeros(Precision.FLOAT64, 7);
    for (int i = 0; i < f.length(); i++) {
      f.set(i, base + i * 0.25);
    }
    for (int i = 0; i < d.length(); i++) {
      d.set(i, Math.PI * i + base);
    }
    Map<String, Store> arrays = new LinkedHashMap<>();
    arrays.put("shard0/weights", f);
    arrays.put("shard0/ftrl/z", d);
    return new Snapshot(
        Map.of("optimizer", "ftrl", "examples", 42, "offsets", Map.of("t-0", 17)), arrays);
  }

  @Test
  void roundTripsArraysBitForBitAndMetadata() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    Snapshot s = sample(1.5);
    long v = store.save("m1", s);
    Snapshot back = store.load("m1", v);
    assertThat(back.meta()).containsEntry("optimizer", "ftrl").containsEntry("examples", 42);
    assertThat(back.arrays().keySet()).containsExactly("shard0/weights", "shard0/ftrl/z");
    for (String k : s.arrays().keySet()) {
      assertThat(back.arrays().get(k).bitEquals(s.arrays().get(k))).as(k).isTrue();
    }
  }

  @Test
  void versionsIncreaseAndListIsNewestFirst() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    long a = store.save("m", sample(1));
    long b = store.save("m", sample(2));
    long c = store.save("m", sample(3));
    assertThat(List.of(a, b, c)).containsExactly(1L, 2L, 3L);
    assertThat(store.list("m")).extracting(SnapshotInfo::version).containsExactly(3L, 2L, 1L);
    assertThat(store.models()).containsExactly("m");
    assertThat(store.loadLatest("m")).get().extracting(ModelStore.Loaded::version).isEqualTo(3L);
  }

  @Test
  void flippedByteIsDetectedAndLatestFallsBackToPreviousGood() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    store.save("m", sample(1));
    long bad = store.save("m", sample(2));
    Path arr = store.list("m").get(0).path().resolve("arrays/0.bin");
    try (RandomAccessFile raf = new RandomAccessFile(arr.toFile(), "rw")) {
      raf.seek(100);
      int x = raf.read();
      raf.seek(100);
      raf.write(x ^ 0x10);
    }
    assertThatThrownBy(() -> store.load("m", bad))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("checksum");
    ModelStore.Loaded latest = store.loadLatest("m").orElseThrow();
    assertThat(latest.version()).isEqualTo(1L);
    assertThat(latest.snapshot().arrays().get("shard0/weights").get(0)).isEqualTo(1.0);
  }

  @Test
  void truncatedArrayIsDetected() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    store.save("m", sample(1));
    long v = store.save("m", sample(2));
    Path arr = store.list("m").get(0).path().resolve("arrays/0.bin");
    try (RandomAccessFile raf = new RandomAccessFile(arr.toFile(), "rw")) {
      raf.setLength(raf.length() - 3);
    }
    assertThatThrownBy(() -> store.load("m", v)).isInstanceOf(CorruptSnapshotException.class);
    assertThat(store.loadLatest("m").orElseThrow().version()).isEqualTo(1L);
  }

  @Test
  void halfWrittenSnapshotWithoutCommitMarkerIsSkipped() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    store.save("m", sample(1));
    store.save("m", sample(2));
    Files.delete(store.list("m").get(0).path().resolve("COMMITTED"));
    assertThat(store.loadLatest("m").orElseThrow().version()).isEqualTo(1L);
  }

  @Test
  void garbledManifestIsSkipped() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    store.save("m", sample(1));
    store.save("m", sample(2));
    Files.writeString(store.list("m").get(0).path().resolve("manifest.json"), "{\"format\":");
    assertThat(store.loadLatest("m").orElseThrow().version()).isEqualTo(1L);
  }

  @Test
  void leftoverTemporaryDirectoryIsIgnored() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    store.save("m", sample(1));
    Files.createDirectories(dir.resolve("m/.tmp-2-123/arrays"));
    assertThat(store.list("m")).hasSize(1);
    assertThat(store.save("m", sample(2))).isEqualTo(2L);
  }

  @Test
  void noSnapshotGivesEmpty() throws IOException {
    assertThat(new FilesystemModelStore(dir).loadLatest("none")).isEmpty();
  }

  @Test
  void retainKeepsTheNewest() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    for (int i = 0; i < 5; i++) {
      store.save("m", sample(i));
    }
    assertThat(store.retain("m", 2)).isEqualTo(3);
    assertThat(store.list("m")).extracting(SnapshotInfo::version).containsExactly(5L, 4L);
    store.deleteModel("m");
    assertThat(store.models()).isEmpty();
  }

  @Test
  void badModelNamesAreRejected() throws IOException {
    FilesystemModelStore store = new FilesystemModelStore(dir);
    assertThatThrownBy(() -> store.save("../escape", sample(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../escape");
  }
}
