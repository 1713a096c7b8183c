package io.riffle.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over real HTTP: a model of the spam-assassin corpus (tokenized subject and body, the
 * sender's domain) learns from NDJSON bulk ingest, its progressive AUC beats 0.95, it predicts with
 * uncertainty, and after a graceful restart from the same data directory it gives identical
 * predictions.
 */
class SpamAssassinServiceTest {
  @TempDir Path dir;

  static Path data() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path d = p.resolve("shared/data/spam-assassin.jsonl.gz");
      if (Files.exists(d)) {
        return d;
      }
    }
    return null;
  }

  static List<String> examples(Path gz) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode m = Http.JSON.readTree(line);
        ObjectNode f = Http.JSON.createObjectNode();
        f.put("subject", m.path("subject").asText(""));
        String body = m.path("body").asText("");
        f.put("body", body.length() > 20_000 ? body.substring(0, 20_000) : body);
        String from = m.path("from").asText("");
        int at = from.lastIndexOf('@');
        f.put("domain", at >= 0 ? from.substring(at + 1).replaceAll("[>\\s\"]", "") : "none");
        ObjectNode e = Http.JSON.createObjectNode();
        e.put("id", m.path("id").asText());
        e.set("features", f);
        e.put("label", m.path("label").asInt());
        out.add(Http.JSON.writeValueAsString(e));
      }
    }
    return out;
  }

  @Test
  void learnsSpamOverNdjsonAndRestartsIdentically() throws Exception {
    Path gz = data();
    assumeTrue(gz != null, "shared/data/spam-assassin.jsonl.gz not found beside the project");
    List<String> lines = examples(gz);
    String spec =
        "{\"kind\":\"binary\",\"bits\":20,\"shards\":2,\"text\":[\"subject\",\"body\"],"
            + "\"optimizer\":{\"name\":\"ftrl\",\"learning_rate\":0.1,\"lamda1\":0.01},"
            + "\"posterior\":{\"method\":\"sgld\"}}";
    String probe =
        "{\"features\":{\"subject\":\"lunch tomorrow?\",\"body\":\"see you at noon, bring the report\",\"domain\":\"example.org\"},\"samples\":32}";
    String first;
    try (Http h = Http.start(Http.config(dir))) {
      assertThat(h.put("/v1/models/spam", spec).status()).isEqualTo(201);
      int accepted = 0;
      for (int i = 0; i < lines.size(); i += 500) {
        String chunk = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 500)));
        Http.Response r = h.ndjson("/v1/models/spam/examples", chunk);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        accepted += r.json().get("accepted").asInt();
      }
      assertThat(accepted).isEqualTo(lines.size());
      JsonNode m = h.get("/v1/models/spam/metrics").json();
      System.out.println("spam-assassin progressive metrics: " + m);
      assertThat(m.get("examples").asLong()).isEqualTo(lines.size());
      assertThat(m.at("/all/auc").asDouble()).isGreaterThan(0.95);
      Http.Response p = h.post("/v1/models/spam/predict", probe);
      assertThat(p.status()).as(p.body()).isEqualTo(200);
      JsonNode u = p.json().get("uncertainty");
      assertThat(u.get("std").asDouble()).isPositive();
      assertThat(u.get("quantiles").get(0).asDouble())
          .isLessThanOrEqualTo(u.get("quantiles").get(2).asDouble());
      first = strip(p.json());
      h.shutdown();
    }
    try (Http h = Http.start(Http.config(dir))) {
      JsonNode info = h.get("/v1/models/spam").json();
      assertThat(info.get("examples").asLong()).isEqualTo(lines.size());
      assertThat(strip(h.post("/v1/models/spam/predict", probe).json())).isEqualTo(first);
    }
  }

  private static String strip(JsonNode n) {
    ((ObjectNode) n).remove("predictionId");
    return n.toString();
  }
}
