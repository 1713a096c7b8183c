package io.riffle.service.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.riffle.service.config.RiffleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ConfigMap's riffle.yaml, with the env the StatefulSet gives the pod, is accepted by the
 * service's own config loader. Kept apart from {@link ManifestsTest} because it needs {@code
 * RiffleConfig} from the service sources.
 */
class ConfigMapConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void riffleYamlOfTheConfigMapLoads(String overlay, @TempDir Path tmp) throws IOException {
    List<ObjectNode> docs = ManifestsTest.render(overlay);
    Path file = tmp.resolve("riffle.yaml");
    Files.writeString(file, riffleYaml(docs));
    Map<String, String> env = podEnv(docs, file);

    assertThat(RiffleConfig.load(file, env)).isNotNull();
  }

  /** The loader is strict, so the acceptance above means something. */
  @ParameterizedTest
  @ValueSource(strings = {"dev"})
  void aMisspelledKeyInTheConfigMapWouldBeRejected(String overlay, @TempDir Path tmp)
      throws IOException {
    List<ObjectNode> docs = ManifestsTest.render(overlay);
    Path file = tmp.resolve("riffle.yaml");
    Files.writeString(file, riffleYaml(docs).replace("queueCapacity:", "queueCapacty:"));

    assertThatThrownBy(() -> RiffleConfig.load(file, podEnv(docs, file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueCapacty");
  }

  private static String riffleYaml(List<ObjectNode> docs) {
    return ManifestsTest.find(docs, "ConfigMap", "riffle-config")
        .path("data")
        .path("riffle.yaml")
        .asText();
  }

  /** The RIFFLE_* env of the pod, with references resolved as the kubelet would. */
  private static Map<String, String> podEnv(List<ObjectNode> docs, Path configFile) {
    ObjectNode cm = ManifestsTest.find(docs, "ConfigMap", "riffle-config");
    return Map.of(
        "RIFFLE_CONFIG", configFile.toString(),
        "RIFFLE_DATA_DIR", configFile.getParent().resolve("data").toString(),
        "RIFFLE_ADMIN_TOKEN", "test-token",
        "RIFFLE_KAFKA_BOOTSTRAP_SERVERS",
            cm.path("data").path("RIFFLE_KAFKA_BOOTSTRAP_SERVERS").asText());
  }
}
