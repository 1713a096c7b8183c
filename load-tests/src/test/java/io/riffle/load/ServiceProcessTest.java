package io.riffle.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

  @Test
  void startShouldWaitUntilReadyAndCloseShouldStopTheProcess(@TempDir Path dir) throws Exception {
    Path jar = FakeJar.write(dir);
    ServiceProcess sp = ServiceProcess.start(jar, Duration.ofSeconds(30));
    try {
      HttpResponse<String> r = get(sp, "/health/ready");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(sp.baseUrl()).isEqualTo("http://127.0.0.1:" + sp.port());
    } finally {
      sp.close();
    }
    assertThat(sp.isAlive()).isFalse();
    assertThat(sp.log()).doesNotExist();
  }

  @Test
  void startWithAConfigShouldPassItAsTheConfigFile(@TempDir Path dir) throws Exception {
    String config = "{\"ingest\":{\"batchSize\":64}}";
    try (ServiceProcess sp =
        ServiceProcess.start(FakeJar.write(dir), Duration.ofSeconds(30), config)) {
      HttpResponse<String> r = get(sp, "/fake/config");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(config);
    }
  }

  @Test
  void startShouldFailWithTheLogWhenTheProcessExits(@TempDir Path dir) throws Exception {
    Path notAJar = Files.writeString(dir.resolve("broken.jar"), "not a jar");
    assertThatThrownBy(() -> ServiceProcess.start(notAJar, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with status");
  }

  @Test
  void locateJarShouldHonourTheSystemProperty(@TempDir Path dir) throws Exception {
    String old = System.getProperty(ServiceProcess.JAR_PROPERTY);
    try {
      System.setProperty(ServiceProcess.JAR_PROPERTY, dir.resolve("missing.jar").toString());
      assertThat(ServiceProcess.locateJar()).isEmpty();
      Path jar = FakeJar.write(dir);
      System.setProperty(ServiceProcess.JAR_PROPERTY, jar.toString());
      assertThat(ServiceProcess.locateJar()).contains(jar);
    } finally {
      if (old == null) {
        System.clearProperty(ServiceProcess.JAR_PROPERTY);
      } else {
        System.setProperty(ServiceProcess.JAR_PROPERTY, old);
      }
    }
  }

  private static HttpResponse<String> get(ServiceProcess sp, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(sp.baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
