package io.riffle.service.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.api.ApiException;
import io.riffle.api.ModelSpecRequest;
import io.riffle.store.features.HashingSpec;
import org.junit.jupiter.api.Test;

/** The wire {@code textWeighting} and {@code textNorm} resolved into the {@link HashingSpec}. */
class ModelSettingsTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HashingSpec hashing(String spec) throws Exception {
    return ModelSettings.of(JSON.readValue(spec, ModelSpecRequest.class)).spec().hashing();
  }

  @Test
  void textWeightingAndNormShouldReachTheHashingSpec() throws Exception {
    HashingSpec h =
        hashing(
            "{\"kind\":\"binary\",\"text\":[\"subject\",\"body\"],"
                + "\"textWeighting\":\"binary\",\"textNorm\":\"l2\"}");
    assertThat(h.textWeighting()).isEqualTo(HashingSpec.TextWeighting.BINARY);
    assertThat(h.textNorm()).isEqualTo(HashingSpec.TextNorm.L2);
    assertThat(hashing("{\"kind\":\"binary\",\"textWeighting\":\"log\"}").textWeighting())
        .isEqualTo(HashingSpec.TextWeighting.LOG);
  }

  @Test
  void absentTextWeightingShouldBeCount() throws Exception {
    HashingSpec h = hashing("{\"kind\":\"binary\",\"text\":[\"body\"]}");
    assertThat(h.textWeighting()).isEqualTo(HashingSpec.TextWeighting.COUNT);
    assertThat(h.textNorm()).isEqualTo(HashingSpec.TextNorm.NONE);
  }

  @Test
  void badValuesShouldBeInvalidSpec() {
    assertThatThrownBy(() -> hashing("{\"kind\":\"binary\",\"textWeighting\":\"tfidf\"}"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("count, log, binary");
    assertThatThrownBy(() -> hashing("{\"kind\":\"binary\",\"textNorm\":\"l1\"}"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("none, l2");
    assertThatThrownBy(() -> hashing("{\"kind\":\"dense\",\"dim\":4,\"textWeighting\":\"binary\"}"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("dense");
  }
}
