package io.riffle.store.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.store.features.HashingSpec.TextNorm;
import io.riffle.store.features.HashingSpec.TextWeighting;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link HashingSpec#textWeighting} and {@link HashingSpec#textNorm} in {@link FeatureHasher}. */
class TextWeightingTest {

  private static final float LOG3 = (float) (1 + Math.log(3));
  private static final float LOG2 = (float) (1 + Math.log(2));

  private static HashingSpec text(int ngram, TextWeighting w) {
    return HashingSpec.defaults().withBias(false).withTextField("body", ngram).withTextWeighting(w);
  }

  private static Map<Integer, Float> asMap(SparseVector v) {
    Map<Integer, Float> m = new HashMap<>();
    for (int k = 0; k < v.nnz(); k++) {
      m.put(v.index(k), v.value(k));
    }
    return m;
  }

  private static Map<Integer, Float> hash(HashingSpec spec, Map<String, ?> f) {
    return asMap(new FeatureHasher(spec).hash(f, new SparseVector()));
  }

  private static int idx(FeatureHasher h, String token) {
    return h.categoricalIndex("body", token);
  }

  @Test
  void countShouldSumRepeatedTokensAsToday() {
    Map<String, Object> f = Map.of("body", "Spam spam SPAM eggs");
    FeatureHasher h = new FeatureHasher(text(1, TextWeighting.COUNT));
    assertThat(hash(text(1, TextWeighting.COUNT), f))
        .containsOnly(Map.entry(idx(h, "spam"), 3f), Map.entry(idx(h, "eggs"), 1f))
        .isEqualTo(hash(HashingSpec.defaults().withBias(false).withTextField("body", 1), f));
  }

  @Test
  void logShouldGiveOnePlusLnOfTheCount() {
    FeatureHasher h = new FeatureHasher(text(1, TextWeighting.LOG));
    assertThat(hash(text(1, TextWeighting.LOG), Map.of("body", "Spam spam SPAM eggs")))
        .containsOnly(Map.entry(idx(h, "spam"), LOG3), Map.entry(idx(h, "eggs"), 1f));
  }

  @Test
  void binaryShouldGiveOnePerDistinctToken() {
    FeatureHasher h = new FeatureHasher(text(1, TextWeighting.BINARY));
    assertThat(hash(text(1, TextWeighting.BINARY), Map.of("body", "Spam spam SPAM eggs")))
        .containsOnly(Map.entry(idx(h, "spam"), 1f), Map.entry(idx(h, "eggs"), 1f));
  }

  @Test
  void ngramsShouldBeWeightedLikeUnigrams() {
    // a b a b a b: a, b three times each; "a b" three times, "b a" twice; trigrams twice each
    Map<String, Object> f = Map.of("body", "a b a b a b");
    FeatureHasher h = new FeatureHasher(text(3, TextWeighting.COUNT));
    int a = idx(h, "a");
    int b = idx(h, "b");
    int ab = idx(h, "a b");
    int ba = idx(h, "b a");
    int aba = idx(h, "a b a");
    int bab = idx(h, "b a b");
    assertThat(hash(text(3, TextWeighting.COUNT), f))
        .containsOnly(
            Map.entry(a, 3f),
            Map.entry(b, 3f),
            Map.entry(ab, 3f),
            Map.entry(ba, 2f),
            Map.entry(aba, 2f),
            Map.entry(bab, 2f));
    assertThat(hash(text(3, TextWeighting.LOG), f))
        .containsOnly(
            Map.entry(a, LOG3),
            Map.entry(b, LOG3),
            Map.entry(ab, LOG3),
            Map.entry(ba, LOG2),
            Map.entry(aba, LOG2),
            Map.entry(bab, LOG2));
    assertThat(hash(text(3, TextWeighting.BINARY), f))
        .containsOnly(
            Map.entry(a, 1f),
            Map.entry(b, 1f),
            Map.entry(ab, 1f),
            Map.entry(ba, 1f),
            Map.entry(aba, 1f),
            Map.entry(bab, 1f));
  }

  @Test
  void weightingShouldApplyPerFieldValue() {
    HashingSpec spec = text(1, TextWeighting.BINARY).withTextField("subject", 1);
    FeatureHasher h = new FeatureHasher(spec);
    Map<Integer, Float> v = hash(spec, Map.of("body", "win win", "subject", "win win win"));
    assertThat(v)
        .containsOnly(
            Map.entry(idx(h, "win"), 1f), Map.entry(h.categoricalIndex("subject", "win"), 1f));
  }

  @Test
  void interactionWithBinaryTextShouldSeeEachDistinctTokenOnce() {
    int mask = (1 << 18) - 1;
    Map<String, Object> f = Map.of("body", "x x y", "country", "DE");
    int xDe = crossIndex("body=x", "country=DE") & mask;
    int yDe = crossIndex("body=y", "country=DE") & mask;
    HashingSpec binary = text(1, TextWeighting.BINARY).withInteraction("body", "country");
    assertThat(hash(binary, f)).containsEntry(xDe, 1f).containsEntry(yDe, 1f).hasSize(5);
    HashingSpec count = text(1, TextWeighting.COUNT).withInteraction("body", "country");
    assertThat(hash(count, f)).containsEntry(xDe, 2f).containsEntry(yDe, 1f).hasSize(5);
    HashingSpec log = text(1, TextWeighting.LOG).withInteraction("country", "body");
    int deX = crossIndex("country=DE", "body=x") & mask;
    assertThat(hash(log, f)).containsEntry(deX, LOG2);
  }

  private static int crossIndex(String a, String b) {
    byte[] bytes =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MurmurHash3.hash32(a, 0))
            .putInt(MurmurHash3.hash32(b, 0))
            .array();
    return MurmurHash3.hash32(bytes, 0);
  }

  @Test
  void l2ShouldScaleEachTextFieldToUnitNorm() {
    Map<String, Object> f = Map.of("body", "a a b", "subject", "c", "n", 3);
    HashingSpec count =
        text(1, TextWeighting.COUNT).withTextField("subject", 1).withTextNorm(TextNorm.L2);
    FeatureHasher h = new FeatureHasher(count);
    assertThat(hash(count, f))
        .containsOnly(
            Map.entry(idx(h, "a"), (float) (2 / Math.sqrt(5))),
            Map.entry(idx(h, "b"), (float) (1 / Math.sqrt(5))),
            Map.entry(h.categoricalIndex("subject", "c"), 1f),
            Map.entry(h.numericIndex("n"), 3f));
    HashingSpec binary = count.withTextWeighting(TextWeighting.BINARY);
    float half = (float) (1 / Math.sqrt(2));
    assertThat(hash(binary, f))
        .containsEntry(idx(h, "a"), half)
        .containsEntry(idx(h, "b"), half)
        .containsEntry(h.categoricalIndex("subject", "c"), 1f);
    assertThat(hash(binary, Map.of("body", " ,. "))).isEmpty();
  }

  @Test
  void maxFeaturesShouldCountDistinctHashesUnlessCounting() {
    Map<String, Object> f = Map.of("body", "a a a a");
    HashingSpec binary = text(1, TextWeighting.BINARY).withLimits(10, 100, 2);
    assertThat(hash(binary, f)).hasSize(1);
    FeatureHasher counting = new FeatureHasher(binary.withTextWeighting(TextWeighting.COUNT));
    assertThatThrownBy(() -> counting.hash(f, new SparseVector()))
        .isInstanceOf(FeatureException.class)
        .hasMessageContaining("maxFeatures=2");
  }

  @Test
  void tableShouldGrowAndStayCorrectAcrossExamples() {
    FeatureHasher h = new FeatureHasher(text(2, TextWeighting.LOG));
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      big.append("t").append(i % 1000).append(' ');
    }
    SparseVector out = new SparseVector();
    Map<Integer, Float> v = asMap(h.hash(Map.of("body", big.toString()), out));
    assertThat(v.get(idx(h, "t7"))).isEqualTo(LOG3);
    assertThat(v.get(idx(h, "t7 t8"))).isEqualTo(LOG3);
    assertThat(v.get(idx(h, "t999 t0"))).isEqualTo(LOG2);
    // the next example starts from an empty table
    assertThat(asMap(h.hash(Map.of("body", "t7"), out))).containsOnly(Map.entry(idx(h, "t7"), 1f));
  }

  @Test
  void distinctTextHashingShouldNotAllocateInSteadyState() {
    for (TextWeighting w : TextWeighting.values()) {
      FeatureHasher h =
          new FeatureHasher(text(2, w).withTextField("subject", 1).withInteraction("subject", "c"));
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 600; i++) {
        body.append("word").append(i * 7 % 211).append(i % 3 == 0 ? ". " : " ");
      }
      Map<String, Object> f = new HashMap<>();
      f.put("body", body.toString());
      f.put("subject", "Cheap cheap pills");
      f.put("c", "DE");
      SparseVector out = new SparseVector();
      Runnable task = () -> h.hash(f, out);
      for (int i = 0; i < 5_000; i++) {
        task.run();
      }
      long perCall = Allocations.measure(task, 500) / 500;
      // at most the map's entry-set iterator; 1200 text features would show as KBs
      assertThat(perCall).as("bytes allocated per hash() under " + w).isLessThanOrEqualTo(64);
    }
  }

  @Test
  void specShouldRoundTripWeightingAndNormThroughJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HashingSpec spec = text(2, TextWeighting.BINARY).withTextNorm(TextNorm.L2);
    String s = json.writeValueAsString(spec);
    assertThat(s).contains("\"textWeighting\":\"binary\"").contains("\"textNorm\":\"l2\"");
    assertThat(json.readValue(s, HashingSpec.class)).isEqualTo(spec);
    HashingSpec log = json.readValue("{\"textWeighting\":\"log\"}", HashingSpec.class);
    assertThat(log.textWeighting()).isEqualTo(TextWeighting.LOG);
    assertThat(json.writeValueAsString(HashingSpec.defaults()))
        .contains("\"textWeighting\":\"count\"")
        .contains("\"textNorm\":\"none\"");
  }

  @Test
  void absentPropertiesShouldMeanCountAndNone() throws Exception {
    HashingSpec old =
        new ObjectMapper()
            .readValue(
                "{\"bits\":8,\"seed\":42,\"textFields\":{\"body\":2},\"interactions\":[],"
                    + "\"bias\":true,\"maxBagSize\":10000,\"maxStringLength\":65536,"
                    + "\"maxFeatures\":100000}",
                HashingSpec.class);
    assertThat(old.textWeighting()).isEqualTo(TextWeighting.COUNT);
    assertThat(old.textNorm()).isEqualTo(TextNorm.NONE);
    assertThat(old)
        .isEqualTo(HashingSpec.defaults().withBits(8).withSeed(42).withTextField("body", 2));
  }

  @Test
  void specShouldRejectUnknownWeightingAndNorm() {
    assertThatThrownBy(() -> TextWeighting.parse("tfidf"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("textWeighting='tfidf'")
        .hasMessageContaining("count, log, binary");
    assertThatThrownBy(() -> TextNorm.parse("l1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("textNorm='l1'")
        .hasMessageContaining("none, l2");
    assertThatThrownBy(
            () -> new ObjectMapper().readValue("{\"textWeighting\":\"tf\"}", HashingSpec.class))
        .hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("textWeighting='tf' must be one of count, log, binary");
    assertThat(TextWeighting.parse("BINARY")).isEqualTo(TextWeighting.BINARY);
  }
}
