package io.riffle.load.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamGeneratorTest {

  private static List<Example> take(StreamGenerator g, int n) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(g.next());
    }
    return out;
  }

  @Test
  void sameSeedShouldGiveTheSameBytes() {
    String a = WireJson.ndjson(take(new StreamGenerator(StreamSpec.ctr(7)), 2000));
    String b = WireJson.ndjson(take(new StreamGenerator(StreamSpec.ctr(7)), 2000));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void otherSeedShouldGiveAnotherStream() {
    String a = WireJson.ndjson(take(new StreamGenerator(StreamSpec.ctr(7)), 100));
    String b = WireJson.ndjson(take(new StreamGenerator(StreamSpec.ctr(8)), 100));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void generateMainShouldWriteIdenticalFilesForTheSameSeed(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.ndjson");
    Path b = dir.resolve("b.ndjson");
    GenerateMain.run(new String[] {"--n", "500", "--seed", "3", "--out", a.toString()});
    GenerateMain.run(
        new String[] {
          "--n", "500", "--seed", "3", "--out", b.toString(), "--truth", dir.resolve("t").toString()
        });
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllLines(a)).hasSize(500);
    assertThat(Files.readAllLines(dir.resolve("t"))).hasSize(501);
  }

  @Test
  void lineShouldBeInTheWireFormat() {
    Example e = new StreamGenerator(StreamSpec.ctr(1)).next();
    String line = WireJson.example(e);
    assertThat(line)
        .startsWith("{\"id\":\"e0\",\"features\":{\"site\":\"site_")
        .contains("\"price\":")
        .endsWith(",\"label\":" + e.label() + ",\"weight\":1.0}")
        .doesNotContain("\n");
    assertThat(new String(WireJson.toKafkaValue(e), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(line);
    assertThat(WireJson.toKafkaKey(e)).isEqualTo("e0".getBytes());
  }

  @Test
  void zipfFrequenciesShouldMatchTheLaw() {
    int n = 50;
    double s = 1.1;
    StreamSpec spec =
        StreamSpec.ctr(11)
            .withCategorical(List.of(new StreamSpec.CategoricalField("f", n, s)))
            .withNumeric(List.of());
    StreamGenerator g = new StreamGenerator(spec);
    int draws = 200_000;
    Map<Object, Integer> counts = new HashMap<>();
    for (int i = 0; i < draws; i++) {
      counts.merge(g.next().features().get("f"), 1, Integer::sum);
    }
    ZipfSampler law = new ZipfSampler(n, s);
    double h = 0;
    for (int k = 1; k <= n; k++) {
      h += Math.pow(k, -s);
    }
    assertThat(law.probability(0)).isCloseTo(1 / h, within(1e-12));
    for (int k = 0; k < 10; k++) {
      double expected = law.probability(k) * draws;
      double observed = counts.getOrDefault("f_" + k, 0);
      // five standard deviations of a binomial count
      double tolerance = 5 * Math.sqrt(expected * (1 - law.probability(k)));
      assertThat(observed).as("rank %d", k).isCloseTo(expected, within(tolerance));
    }
    // the frequency ratio of ranks 1 and 2 is 2^s
    assertThat((double) counts.get("f_0") / counts.get("f_1"))
        .isCloseTo(Math.pow(2, s), within(0.05));
  }

  @Test
  void uniformExponentShouldGiveEqualFrequencies() {
    ZipfSampler z = new ZipfSampler(24, 0);
    for (int k = 0; k < 24; k++) {
      assertThat(z.probability(k)).isCloseTo(1 / 24.0, within(1e-12));
    }
  }

  @Test
  void meanLabelShouldMatchMeanTrueProbability() {
    StreamGenerator g = new StreamGenerator(StreamSpec.ctr(5));
    int n = 100_000;
    double sumP = 0;
    double sumVar = 0;
    long ones = 0;
    // calibration by decile of the true probability
    double[] binP = new double[10];
    double[] binY = new double[10];
    int[] binN = new int[10];
    for (int i = 0; i < n; i++) {
      Example e = g.next();
      double p = e.trueProbability();
      assertThat(p).isEqualTo(g.truth().probability(e.features(), e.index()));
      sumP += p;
      sumVar += p * (1 - p);
      ones += e.label();
      int b = Math.min(9, (int) (p * 10));
      binP[b] += p;
      binY[b] += e.label();
      binN[b]++;
    }
    assertThat((double) ones).isCloseTo(sumP, within(5 * Math.sqrt(sumVar)));
    // a spread of true probabilities: the stream is learnable, not a coin flip
    assertThat(sumP / n).isBetween(0.1, 0.6);
    for (int b = 0; b < 10; b++) {
      if (binN[b] > 2000) {
        assertThat(binY[b] / binN[b]).as("bin %d", b).isCloseTo(binP[b] / binN[b], within(0.03));
      }
    }
  }

  @Test
  void probabilityShouldBeTheSigmoidOfTheMargin() {
    StreamSpec spec = StreamSpec.ctr(2);
    GroundTruth truth = new GroundTruth(spec);
    Map<String, Object> f = Map.of("site", "site_3", "price", 0.5);
    double z =
        spec.bias()
            + truth.categoricalWeight("site", "site_3", 0)
            + 0.5 * truth.numericWeight("price", 0);
    assertThat(truth.margin(f, 0)).isCloseTo(z, within(1e-12));
    assertThat(truth.probability(f, 0)).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-12));
  }

  @Test
  void driftShouldChangeTheWeightsFromItsIndexOn() {
    StreamSpec spec = StreamSpec.ctr(9).withDrift(1000, 0.0);
    GroundTruth truth = new GroundTruth(spec);
    assertThat(truth.drifted(999)).isFalse();
    assertThat(truth.drifted(1000)).isTrue();
    int changed = 0;
    double sumSq = 0;
    for (int k = 0; k < 200; k++) {
      double before = truth.categoricalWeight("site", "site_" + k, 999);
      double after = truth.categoricalWeight("site", "site_" + k, 1000);
      if (before != after) {
        changed++;
      }
      sumSq += (before - after) * (before - after);
    }
    assertThat(changed).isEqualTo(200);
    // independent redraws: E[(w0 - w1)^2] = 2 std^2 = 0.5
    assertThat(sumSq / 200).isCloseTo(0.5, within(0.15));
    assertThat(truth.numericWeight("price", 999)).isNotEqualTo(truth.numericWeight("price", 1000));
  }

  @Test
  void driftCorrelationOneShouldKeepTheWeights() {
    GroundTruth truth = new GroundTruth(StreamSpec.ctr(9).withDrift(10, 1.0));
    assertThat(truth.categoricalWeight("ad", "ad_5", 11))
        .isEqualTo(truth.categoricalWeight("ad", "ad_5", 0));
  }

  @Test
  void driftShouldLeaveThePrefixOfTheStreamUnchanged() {
    List<Example> plain = take(new StreamGenerator(StreamSpec.ctr(4)), 600);
    List<Example> drifting = take(new StreamGenerator(StreamSpec.ctr(4).withDrift(500, 0)), 600);
    assertThat(WireJson.ndjson(drifting.subList(0, 500)))
        .isEqualTo(WireJson.ndjson(plain.subList(0, 500)));
    int differentP = 0;
    for (int i = 500; i < 600; i++) {
      assertThat(drifting.get(i).features()).isEqualTo(plain.get(i).features());
      if (drifting.get(i).trueProbability() != plain.get(i).trueProbability()) {
        differentP++;
      }
    }
    assertThat(differentP).isEqualTo(100);
  }

  @Test
  void rankCaseShouldSplitContextAndActions() {
    StreamGenerator g = new StreamGenerator(StreamSpec.ctr(1));
    RankCase c = g.nextRankCase(4);
    assertThat(c.context()).containsKeys("site", "device").doesNotContainKeys("ad", "price");
    assertThat(c.actions()).hasSize(4);
    for (RankCase.Action a : c.actions()) {
      assertThat(a.features()).containsOnlyKeys("ad", "ad_category", "price");
      Map<String, Object> all = new HashMap<>(c.context());
      all.putAll(a.features());
      assertThat(a.trueProbability())
          .isCloseTo(g.truth().probability(all, c.index()), within(1e-12));
    }
    assertThat(WireJson.rank(c)).startsWith("{\"context\":{").contains("\"id\":\"a3\"");
  }
}
