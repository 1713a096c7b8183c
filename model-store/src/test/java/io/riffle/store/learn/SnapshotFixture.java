package io.riffle.store.learn;

import io.riffle.store.features.HashingSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.replay.ReplayOptions;
import io.riffle.store.snapshot.FilesystemModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the checked-in snapshot fixture of the current format: a small two-shard logistic FTRL
 * model with a posterior, trained on a seeded stream, plus the predictions it must keep giving.
 *
 * <pre>
 *   ./mvnw -q -pl model-store test-compile &&
 *   java -cp "model-store/target/test-classes:model-store/target/classes:$(./mvnw -q -pl model-store \
 *     dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     io.riffle.store.learn.SnapshotFixture model-store/src/test/resources/snapshots/format1
 * </pre>
 *
 * Run it only when a new format version is introduced; old fixtures stay and must keep loading.
 */
public final class SnapshotFixture {
  static final Map<String, Object> PROBE =
      Map.of("f0", 0.5, "f1", -1.0, "f2", 0.25, "f3", 2.0, "f4", -0.5, "color", "c7");

  static ModelSpec spec() {
    return ModelSpec.of(ModelKindSpec.of("logistic"))
        .withHashing(HashingSpec.defaults().withBits(8).withSeed(42))
        .withShards(2)
        .withOptimizer("ftrl", Map.of("learning_rate", 0.2, "lamda1", 0.01))
        .withPosterior(PosteriorSpec.defaults())
        .withReplay(new ReplayOptions(8 * 1024, 0.1));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Model m = new Model("fixture", spec());
    Synthetic d = new Synthetic(2026);
    for (int i = 0; i < 300; i++) {
      d.next(true);
      m.learn(d.features, d.label, 1.0);
    }
    m.offsets().put("topic-0", 300);
    new FilesystemModelStore(dir).save("fixture", m.snapshot());
    Prediction p = m.predict(PROBE, 8, new double[] {0.1, 0.9}, true, 5);
    String expected =
        "{\"output\": "
            + p.outputs()[0]
            + ", \"samples\": "
            + Arrays.toString(p.uncertainty().get(0).samples())
            + "}\n";
    Files.writeString(dir.resolve("expected.json"), expected);
  }

  private SnapshotFixture() {}
}
