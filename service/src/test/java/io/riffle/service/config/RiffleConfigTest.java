package io.riffle.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiffleConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreTheEmbeddedOnes() {
    RiffleConfig c = RiffleConfig.load(null, Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo("./riffle-data");
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.models()).containsKey("demo");
    assertThat(c.ingest().queueCapacity()).isEqualTo(65_536);
  }

  @Test
  void fileThenEnvironment() throws Exception {
    Path f = dir.resolve("riffle.yaml");
    Files.writeString(
        f,
        "http: {port: 9000, host: 0.0.0.0}\ndataDir: /data\nmodels:\n  ctr: {kind: binary, bits: 20}\n");
    RiffleConfig c =
        RiffleConfig.load(f, Map.of("RIFFLE_HTTP_PORT", "9100", "RIFFLE_ADMIN_TOKEN", "t"));
    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.dataDir()).isEqualTo("/data");
    assertThat(c.bindHost()).isEqualTo("0.0.0.0");
    assertThat(c.models().get("ctr").bits()).isEqualTo(20);
    // without a token the admin routes are open: loopback only, whatever http.host says
    assertThat(RiffleConfig.load(f, Map.of()).bindHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void unknownOrBadSettingsNameTheKey() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "ingest: {queueCapacty: 5}\n");
    assertThatThrownBy(() -> RiffleConfig.load(f, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueCapacty");
    Files.writeString(f, "http: {port: 70000}\n");
    assertThatThrownBy(() -> RiffleConfig.load(f, Map.of()))
        .hasMessageContaining("http.port=70000");
    assertThatThrownBy(() -> RiffleConfig.load(null, Map.of("RIFFLE_HTTP_PORT", "x")))
        .hasMessageContaining("RIFFLE_HTTP_PORT");
  }
}
