package io.riffle.store.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * One progressive-validation pass over the real SpamAssassin corpus (6,046 messages, in the
 * corpus's fixed shuffled order): every message is scored before it is learned from. Tokenized
 * subject and body plus the sender's domain, FTRL, with the SGLD posterior running alongside.
 */
class SpamAssassinTest {

  static Map<String, Object> features(JsonNode msg) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("subject", msg.path("subject").asText(""));
    String body = msg.path("body").asText("");
    f.put("body", body.length() > 20_000 ? body.substring(0, 20_000) : body);
    String from = msg.path("from").asText("");
    int at = from.lastIndexOf('@');
    String domain = at >= 0 ? from.substring(at + 1).replaceAll("[>\\s].*", "").toLowerCase() : "";
    f.put("from_domain", domain.isEmpty() ? "none" : domain);
    return f;
  }

  @Test
  void progressiveAucOnOnePassExceedsPointNineFive() throws IOException {
    Optional<Path> data = SharedData.find("spam-assassin.jsonl.gz");
    assumeTrue(data.isPresent(), "shared/data/spam-assassin.jsonl.gz not found beside the project");
    ModelSpec spec =
        ModelSpec.of(ModelKindSpec.of("logistic"))
            .withHashing(
                HashingSpec.defaults()
                    .withBits(20)
                    .withTextField("subject", 2)
                    .withTextField("body", 1))
            .withShards(2)
            .withOptimizer("ftrl", Map.of("learning_rate", 0.1, "lamda1", 0.5, "beta", 1.0))
            .withPosterior(PosteriorSpec.defaults());
    Model m = new Model("spam", spec);
    ObjectMapper json = new ObjectMapper();
    ProgressiveMetrics posterior = new ProgressiveMetrics(true, 1000);
    int n = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(data.get())), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode msg = json.readTree(line);
        Map<String, Object> f = features(msg);
        double label = msg.path("label").asDouble();
        if (n >= 5046) {
          // the last 1,000: the posterior predictive mean, also scored before learning
          double pm = m.predict(f, 32, new double[0], false, n).uncertainty().get(0).mean();
          posterior.record(pm, label, 0, 1, (pm >= 0.5) == (label > 0));
        }
        m.learn(f, label, 1.0);
        n++;
      }
    }
    Map<String, Object> summary = m.metrics().summary();
    @SuppressWarnings("unchecked")
    Map<String, Object> all = (Map<String, Object>) summary.get("all");
    System.out.println("SpamAssassin progressive: " + summary);
    assertThat(n).isEqualTo(6046);
    assertThat((Double) all.get("auc")).isGreaterThan(0.95);
    System.out.println("posterior predictive, last 1000: " + posterior.summary().get("all"));
    assertThat(posterior.binnedAuc()).isGreaterThan(0.95);
    // the posterior is informative where data is plentiful
    Prediction p =
        m.predict(
            Map.of(
                "subject",
                "free money now",
                "body",
                "click here to claim your prize",
                "from_domain",
                "none"),
            64,
            new double[] {0.05, 0.95},
            false,
            1);
    assertThat(p.uncertainty()).hasSize(1);
    System.out.println(
        "spam prediction "
            + p.outputs()[0]
            + " uncertainty "
            + p.uncertainty().get(0).mean()
            + " +- "
            + p.uncertainty().get(0).std()
            + " q "
            + java.util.Arrays.toString(p.uncertainty().get(0).quantiles()));
    assertThat(p.uncertainty().get(0).std()).isGreaterThan(0.0);
  }
}
