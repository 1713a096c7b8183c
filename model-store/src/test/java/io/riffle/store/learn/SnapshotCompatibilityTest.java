package io.riffle.store.learn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.store.snapshot.FilesystemModelStore;
import io.riffle.store.snapshot.ModelStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot written by format version 1 (checked in under {@code snapshots/format1}) must keep
 * loading and keep predicting exactly what it predicted when written, in every later release.
 */
class SnapshotCompatibilityTest {
  @TempDir Path tmp;

  @Test
  void formatOneFixtureLoadsAndPredictsAsWhenWritten() throws Exception {
    Path fixture = resource("/snapshots/format1");
    // copy: loading must not need write access, and the test must not touch the fixture
    copyTree(fixture, tmp);
    ModelStore store = new FilesystemModelStore(tmp);
    ModelStore.Loaded loaded = store.loadLatest("fixture").orElseThrow();
    Model m = Model.restore(loaded.snapshot());
    assertThat(m.examples()).isEqualTo(300);
    assertThat(m.offsets()).containsEntry("topic-0", 300);
    JsonNode expected = new ObjectMapper().readTree(Files.readString(tmp.resolve("expected.json")));
    Prediction p = m.predict(SnapshotFixture.PROBE, 8, new double[] {0.1, 0.9}, true, 5);
    assertThat(p.outputs()[0]).isEqualTo(expected.get("output").asDouble());
    double[] samples = p.uncertainty().get(0).samples();
    for (int i = 0; i < samples.length; i++) {
      assertThat(samples[i]).isEqualTo(expected.get("samples").get(i).asDouble());
    }
    // and it keeps learning
    m.learn(SnapshotFixture.PROBE, 1, 1.0);
    assertThat(m.examples()).isEqualTo(301);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(SnapshotCompatibilityTest.class.getResource(name).toURI());
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
