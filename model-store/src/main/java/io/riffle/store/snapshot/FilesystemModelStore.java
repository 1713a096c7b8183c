package io.riffle.store.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots on the local filesystem (the embedded default store).
 *
 * <p>Layout: {@code <root>/<model>/v<version>/} holds {@code manifest.json}, {@code arrays/<i>.bin}
 * (little-endian float32 or float64) and {@code COMMITTED}, the CRC32C of the manifest bytes. A
 * snapshot is written under {@code <root>/<model>/.tmp-*}, every file and the directory are
 * fsynced, then the directory is renamed to its final name and the parent fsynced. A directory
 * without a valid {@code COMMITTED}, with a manifest that does not parse, an array of the wrong
 * length or a checksum mismatch is corrupt: {@link #load} throws {@link CorruptSnapshotException}
 * and {@link #loadLatest} logs the reason and falls back to the previous version.
 *
 * <p>Thread-safe: saves of one model are serialised.
 */
public final class FilesystemModelStore implements ModelStore {
  /** Manifest format version written by this code. */
  public static final int FORMAT = 1;

  private static final Logger LOG = LoggerFactory.getLogger(FilesystemModelStore.class);
  private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{1,18})");
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int CHUNK = 1 << 20;

  private final Path root;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public FilesystemModelStore(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root);
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  private Path modelDir(String model) {
    if (!MODEL_NAME.matcher(model).matches()) {
      throw new IllegalArgumentException(
          "model name \"" + model + "\" must match " + MODEL_NAME.pattern());
    }
    return root.resolve(model);
  }

  private static Path versionDir(Path modelDir, long version) {
    return modelDir.resolve(String.format(Locale.ROOT, "v%012d", version));
  }

  @Override
  public long save(String model, Snapshot snapshot) throws IOException {
    Path dir = modelDir(model);
    synchronized (lockFor(model)) {
      Files.createDirectories(dir);
      long version = versions(dir).stream().mapToLong(Long::longValue).max().orElse(0) + 1;
      Path tmp = dir.resolve(".tmp-" + version + "-" + System.nanoTime());
      Files.createDirectories(tmp.resolve("arrays"));
      try {
        List<Map<String, Object>> arrays = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Store> e : snapshot.arrays().entrySet()) {
          String file = "arrays/" + i++ + ".bin";
          long crc = writeArray(tmp.resolve(file), e.getValue());
          Map<String, Object> a = new LinkedHashMap<>();
          a.put("name", e.getKey());
          a.put("dtype", e.getValue().precision() == Precision.FLOAT32 ? "float32" : "float64");
          a.put("length", e.getValue().length());
          a.put("file", file);
          a.put("crc32c", Long.toHexString(crc));
          arrays.add(a);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("model", model);
        manifest.put("version", version);
        manifest.put("createdAt", Instant.now().toString());
        manifest.put("meta", snapshot.meta());
        manifest.put("arrays", arrays);
        byte[] mbytes = json.writeValueAsBytes(manifest);
        writeFile(tmp.resolve("manifest.json"), mbytes);
        CRC32C crc = new CRC32C();
        crc.update(mbytes);
        writeFile(
            tmp.resolve("COMMITTED"),
            Long.toHexString(crc.getValue()).getBytes(StandardCharsets.US_ASCII));
        fsyncDir(tmp.resolve("arrays"));
        fsyncDir(tmp);
        Path target = versionDir(dir, version);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("filesystem under " + dir + " cannot rename atomically", e);
        }
        fsyncDir(dir);
        return version;
      } catch (IOException | RuntimeException e) {
        deleteTree(tmp);
        throw e;
      }
    }
  }

  private final Map<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

  private Object lockFor(String model) {
    return locks.computeIfAbsent(model, k -> new Object());
  }

  @Override
  public List<SnapshotInfo> list(String model) throws IOException {
    Path dir = modelDir(model);
    List<SnapshotInfo> out = new ArrayList<>();
    for (long v : versions(dir)) {
      Path p = versionDir(dir, v);
      Instant created;
      try {
        created = Files.getLastModifiedTime(p).toInstant();
      } catch (NoSuchFileException e) {
        continue;
      }
      out.add(new SnapshotInfo(model, v, created, treeSize(p), p));
    }
    out.sort(Comparator.comparingLong(SnapshotInfo::version).reversed());
    return out;
  }

  @Override
  public List<String> models() throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p) && MODEL_NAME.matcher(n).matches() && !versions(p).isEmpty()) {
          out.add(n);
        }
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public Snapshot load(String model, long version) throws IOException {
    Path dir = versionDir(modelDir(model), version);
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null, "no snapshot " + version + " of " + model);
    }
    byte[] mbytes;
    String committed;
    try {
      mbytes = Files.readAllBytes(dir.resolve("manifest.json"));
      committed = Files.readString(dir.resolve("COMMITTED"), StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new CorruptSnapshotException(dir + ": missing " + e.getFile());
    }
    CRC32C crc = new CRC32C();
    crc.update(mbytes);
    if (!Long.toHexString(crc.getValue()).equals(committed)) {
      throw new CorruptSnapshotException(dir + ": manifest checksum mismatch");
    }
    Map<String, Object> manifest;
    try {
      manifest = json.readValue(mbytes, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new CorruptSnapshotException(dir + ": manifest does not parse: " + e.getMessage());
    }
    Object format = manifest.get("format");
    if (!(format instanceof Number n) || n.intValue() < 1 || n.intValue() > FORMAT) {
      throw new CorruptSnapshotException(
          dir + ": unsupported format " + format + " (this build reads 1.." + FORMAT + ")");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) manifest.getOrDefault("meta", Map.of());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arrays =
        (List<Map<String, Object>>) manifest.getOrDefault("arrays", List.of());
    Map<String, Store> loaded = new LinkedHashMap<>();
    for (Map<String, Object> a : arrays) {
      String name = (String) a.get("name");
      String file = (String) a.get("file");
      int length = ((Number) a.get("length")).intValue();
      Precision p = "float32".equals(a.get("dtype")) ? Precision.FLOAT32 : Precision.FLOAT64;
      Path f = dir.resolve(file).normalize();
      if (!f.startsWith(dir)) {
        throw new CorruptSnapshotException(dir + ": array path escapes the snapshot: " + file);
      }
      Store s = Store.zeros(p, length);
      long got = readArray(f, s, dir);
      if (!Long.toHexString(got).equals(a.get("crc32c"))) {
        throw new CorruptSnapshotException(dir + ": checksum mismatch in array " + name);
      }
      loaded.put(name, s);
    }
    return new Snapshot(meta, loaded);
  }

  @Override
  public Optional<Loaded> loadLatest(String model) throws IOException {
    for (SnapshotInfo info : list(model)) {
      try {
        return Optional.of(new Loaded(info.version(), load(model, info.version())));
      } catch (CorruptSnapshotException e) {
        LOG.warn("skipping snapshot {} of model {}: {}", info.version(), model, e.getMessage());
      }
    }
    return Optional.empty();
  }

  @Override
  public void delete(String model, long version) throws IOException {
    deleteTree(versionDir(modelDir(model), version));
  }

  @Override
  public void deleteModel(String model) throws IOException {
    deleteTree(modelDir(model));
  }

  @Override
  public int retain(String model, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep=" + keep + " must be >= 1");
    }
    List<SnapshotInfo> all = list(model);
    int deleted = 0;
    for (int i = keep; i < all.size(); i++) {
      delete(model, all.get(i).version());
      deleted++;
    }
    return deleted;
  }

  private static List<Long> versions(Path modelDir) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(modelDir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(modelDir)) {
      for (Path p : ds) {
        Matcher m = VERSION_DIR.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    }
    return out;
  }

  private static long writeArray(Path file, Store s) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    int per = CHUNK / s.precision().bytes();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int off = 0; off < s.length(); off += per) {
        int n = Math.min(per, s.length() - off);
        buf.clear();
        if (s instanceof Store.F32 f) {
          buf.asFloatBuffer().put(f.array(), off, n);
          buf.limit(n * 4);
        } else {
          buf.asDoubleBuffer().put(((Store.F64) s).array(), off, n);
          buf.limit(n * 8);
        }
        crc.update(buf.duplicate());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      ch.force(true);
    }
    return crc.getValue();
  }

  private static long readArray(Path file, Store s, Path dir) throws IOException {
    long expected = (long) s.length() * s.precision().bytes();
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CorruptSnapshotException(dir + ": missing array file " + file.getFileName());
    }
    if (size != expected) {
      throw new CorruptSnapshotException(
          dir + ": array " + file.getFileName() + " has " + size + " bytes, expected " + expected);
    }
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    int per = CHUNK / s.precision().bytes();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int off = 0; off < s.length(); off += per) {
        int n = Math.min(per, s.length() - off);
        buf.clear();
        buf.limit(n * s.precision().bytes());
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) {
            throw new CorruptSnapshotException(
                dir + ": array " + file.getFileName() + " truncated");
          }
        }
        buf.flip();
        crc.update(buf.duplicate());
        if (s instanceof Store.F32 f) {
          buf.asFloatBuffer().get(f.array(), off, n);
        } else {
          buf.asDoubleBuffer().get(((Store.F64) s).array(), off, n);
        }
      }
    }
    return crc.getValue();
  }

  private static void writeFile(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some filesystems cannot open a directory for sync; the rename is still atomic there
      LOG.debug("directory fsync not supported for {}: {}", dir, e.getMessage());
    }
  }

  private static long treeSize(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
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
