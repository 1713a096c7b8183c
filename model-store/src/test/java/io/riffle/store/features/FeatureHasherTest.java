package io.riffle.store.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FeatureHasherTest {

  private static final HashingSpec FIXED_SPEC =
      HashingSpec.defaults()
          .withBits(20)
          .withSeed(42)
          .withTextField("title", 2)
          .withInteraction("country", "device")
          .withInteraction("price", "country")
          .withInteraction("price", "age")
          .withInteraction("country", "device", "tags");

  // Computed once by an independent implementation of the documented byte layout (Python, mmh3
  // extension). If this test fails, hashing changed and every snapshot's weights are misplaced.
  private static final int[] FIXED_INDICES = {
    39059, 47332, 255255, 277509, 371463, 538583, 583350, 586017, 609229, 671991, 675712, 725674,
    849711, 867252, 973565, 1003566, 1029657, 1035612
  };
  private static final float[] FIXED_VALUES = {
    1.0f, 1.0f, 1.0f, 2.0f, 1.0f, 1.0f, 1.0f, 2.0f, 1.0f, 3.0f, 1.0f, 12.5f, 1.0f, 1.0f, 1.0f,
    37.5f, 12.5f, 1.0f
  };

  private static Map<String, Object> fixedExample() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("country", "DE");
    f.put("device", "mobile");
    f.put("price", 12.5);
    f.put("age", 3);
    f.put("tags", List.of("a", "b", "a"));
    f.put("title", "Hello, World! héllo");
    f.put("premium", true);
    return f;
  }

  private static SparseVector hash(HashingSpec spec, Map<String, ?> features) {
    return new FeatureHasher(spec).hash(features, new SparseVector());
  }

  private static HashingSpec plain() {
    return HashingSpec.defaults().withBias(false);
  }

  private static int raw(String s, int seed) {
    return MurmurHash3.hash32(s, seed);
  }

  @Test
  void hashShouldMatchCheckedInIndicesForFixedInput() {
    SparseVector v = hash(FIXED_SPEC, fixedExample());
    assertThat(v.indicesCopy()).containsExactly(FIXED_INDICES);
    assertThat(v.valuesCopy()).containsExactly(FIXED_VALUES);
  }

  @Test
  void hashShouldNotDependOnMapIterationOrder() {
    Map<String, Object> reversed = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(fixedExample().keySet());
    Collections.reverse(keys);
    for (String k : keys) {
      reversed.put(k, fixedExample().get(k));
    }
    SparseVector a = hash(FIXED_SPEC, fixedExample());
    SparseVector b = hash(FIXED_SPEC, reversed);
    SparseVector c = hash(FIXED_SPEC, new HashMap<>(fixedExample()));
    assertThat(b.indicesCopy()).containsExactly(a.indicesCopy());
    assertThat(b.valuesCopy()).containsExactly(a.valuesCopy());
    assertThat(c.indicesCopy()).containsExactly(a.indicesCopy());
  }

  @Test
  void categoricalShouldHashNameEqualsValueWithValueOne() {
    SparseVector v = hash(plain().withSeed(7), Map.of("color", "red"));
    int mask = (1 << 18) - 1;
    assertThat(v.indicesCopy()).containsExactly(raw("color=red", 7) & mask);
    assertThat(v.valuesCopy()).containsExactly(1f);
  }

  @Test
  void numericShouldHashNameWithTheNumberAsValue() {
    SparseVector v = hash(plain(), Map.of("price", 2.25));
    assertThat(v.indicesCopy()).containsExactly(raw("price", 0) & ((1 << 18) - 1));
    assertThat(v.valuesCopy()).containsExactly(2.25f);
  }

  @Test
  void numericShouldAcceptEveryNumberType() {
    FeatureHasher h = new FeatureHasher(plain());
    for (Object n : new Object[] {3, 3L, 3.0f, 3.0, (short) 3, (byte) 3, new BigDecimal("3")}) {
      SparseVector v = h.hash(Map.of("x", n), new SparseVector());
      assertThat(v.valuesCopy()).as("%s", n.getClass()).containsExactly(3f);
      assertThat(v.indicesCopy()).containsExactly(h.numericIndex("x"));
    }
  }

  @Test
  void numericZeroShouldBeDropped() {
    assertThat(hash(plain(), Map.of("x", 0.0)).nnz()).isZero();
  }

  @Test
  void booleanShouldHashLikeTheStringTrueOrFalse() {
    FeatureHasher h = new FeatureHasher(plain());
    SparseVector t = h.hash(Map.of("flag", true), new SparseVector());
    assertThat(t.indicesCopy()).containsExactly(h.categoricalIndex("flag", "true"));
    SparseVector f = h.hash(Map.of("flag", false), new SparseVector());
    assertThat(f.indicesCopy()).containsExactly(h.categoricalIndex("flag", "false"));
  }

  @Test
  void bagShouldSumCountsOfRepeatedTokens() {
    FeatureHasher h = new FeatureHasher(plain());
    SparseVector v = h.hash(Map.of("tags", List.of("x", "y", "x", "x")), new SparseVector());
    Map<Integer, Float> got = asMap(v);
    assertThat(got)
        .containsOnly(
            Map.entry(h.categoricalIndex("tags", "x"), 3f),
            Map.entry(h.categoricalIndex("tags", "y"), 1f));
  }

  @Test
  void bagShouldAcceptNonRandomAccessLists() {
    FeatureHasher h = new FeatureHasher(plain());
    SparseVector v =
        h.hash(Map.of("tags", new LinkedList<>(List.of("p", "q"))), new SparseVector());
    assertThat(asMap(v).keySet())
        .containsExactlyInAnyOrder(
            h.categoricalIndex("tags", "p"), h.categoricalIndex("tags", "q"));
  }

  @Test
  void emptyBagShouldEmitNothing() {
    assertThat(hash(plain(), Map.of("tags", List.of())).nnz()).isZero();
  }

  @Test
  void stringInTextFieldShouldBeTokenizedAndLowerCased() {
    FeatureHasher h = new FeatureHasher(plain().withTextField("body", 1));
    SparseVector v = h.hash(Map.of("body", "The CAT, the cat; Straße 42!"), new SparseVector());
    assertThat(asMap(v))
        .containsOnly(
            Map.entry(h.categoricalIndex("body", "the"), 2f),
            Map.entry(h.categoricalIndex("body", "cat"), 2f),
            Map.entry(h.categoricalIndex("body", "straße"), 1f),
            Map.entry(h.categoricalIndex("body", "42"), 1f));
  }

  @Test
  void textShouldSplitOnPunctuationAndKeepCombiningMarks() {
    FeatureHasher h = new FeatureHasher(plain().withTextField("t", 1));
    // "e" + COMBINING ACUTE stays one token; "_" and "-" split; CJK and emoji-free scripts work
    SparseVector v = h.hash(Map.of("t", "cafe\u0301 snake_case x-y 東京"), new SparseVector());
    assertThat(asMap(v).keySet())
        .containsExactlyInAnyOrder(
            h.categoricalIndex("t", "cafe\u0301"),
            h.categoricalIndex("t", "snake"),
            h.categoricalIndex("t", "case"),
            h.categoricalIndex("t", "x"),
            h.categoricalIndex("t", "y"),
            h.categoricalIndex("t", "東京"));
  }

  @Test
  void textShouldEmitBigramsAndTrigramsJoinedBySpace() {
    FeatureHasher h = new FeatureHasher(plain().withTextField("q", 3));
    SparseVector v = h.hash(Map.of("q", "New  York, city"), new SparseVector());
    assertThat(asMap(v).keySet())
        .containsExactlyInAnyOrder(
            h.categoricalIndex("q", "new"),
            h.categoricalIndex("q", "york"),
            h.categoricalIndex("q", "city"),
            h.categoricalIndex("q", "new york"),
            h.categoricalIndex("q", "york city"),
            h.categoricalIndex("q", "new york city"));
  }

  @Test
  void stringOutsideTextFieldsShouldStayCategorical() {
    FeatureHasher h = new FeatureHasher(plain().withTextField("body", 2));
    SparseVector v = h.hash(Map.of("title", "Two Words"), new SparseVector());
    assertThat(v.indicesCopy()).containsExactly(h.categoricalIndex("title", "Two Words"));
  }

  @Test
  void biasShouldBeTheHashOfNoBytes() {
    FeatureHasher h = new FeatureHasher(HashingSpec.defaults().withSeed(1));
    SparseVector v = h.hash(Map.of(), new SparseVector());
    assertThat(v.indicesCopy()).containsExactly(0x514E28B7 & ((1 << 18) - 1));
    assertThat(h.biasIndex()).isEqualTo(0x514E28B7 & ((1 << 18) - 1));
    assertThat(v.valuesCopy()).containsExactly(1f);
  }

  @Test
  void categoricalCrossShouldHashThePairOfMemberHashes() {
    int seed = 3;
    FeatureHasher h = new FeatureHasher(plain().withSeed(seed).withInteraction("a", "b"));
    SparseVector v = h.hash(Map.of("a", "x", "b", "y"), new SparseVector());
    int cross = MurmurHash3.hash32(le(raw("a=x", seed), raw("b=y", seed)), seed) & ((1 << 18) - 1);
    assertThat(asMap(v)).containsEntry(cross, 1f).hasSize(3);
  }

  @Test
  void numericTimesCategoricalShouldCarryTheNumber() {
    FeatureHasher h = new FeatureHasher(plain().withInteraction("price", "country"));
    SparseVector v = h.hash(Map.of("price", 4.0, "country", "FR"), new SparseVector());
    int cross = MurmurHash3.hash32(le(raw("price", 0), raw("country=FR", 0)), 0) & ((1 << 18) - 1);
    assertThat(asMap(v)).containsEntry(cross, 4f);
  }

  @Test
  void numericTimesNumericShouldMultiply() {
    FeatureHasher h = new FeatureHasher(plain().withInteraction("w", "h"));
    SparseVector v = h.hash(Map.of("w", 3, "h", -2.5), new SparseVector());
    int cross = MurmurHash3.hash32(le(raw("w", 0), raw("h", 0)), 0) & ((1 << 18) - 1);
    assertThat(asMap(v)).containsEntry(cross, -7.5f).hasSize(3);
  }

  @Test
  void crossOrderShouldFollowTheSpec() {
    FeatureHasher ab = new FeatureHasher(plain().withInteraction("a", "b"));
    FeatureHasher ba = new FeatureHasher(plain().withInteraction("b", "a"));
    Map<String, Object> f = Map.of("a", "1", "b", "2");
    assertThat(ab.hash(f, new SparseVector()).indicesCopy())
        .isNotEqualTo(ba.hash(f, new SparseVector()).indicesCopy());
  }

  @Test
  void threeWayCrossShouldCoverEveryCombination() {
    int seed = 11;
    FeatureHasher h = new FeatureHasher(plain().withSeed(seed).withInteraction("a", "b", "c"));
    Map<String, Object> f = Map.of("a", "x", "b", List.of("p", "q"), "c", 2);
    SparseVector v = h.hash(f, new SparseVector());
    Map<Integer, Float> got = asMap(v);
    for (String tok : List.of("p", "q")) {
      int cross =
          MurmurHash3.hash32(le(raw("a=x", seed), raw("b=" + tok, seed), raw("c", seed)), seed)
              & ((1 << 18) - 1);
      assertThat(got).containsEntry(cross, 2f);
    }
    // a, b=p, b=q, c, and two crosses
    assertThat(got).hasSize(6);
  }

  @Test
  void crossWithAbsentFieldShouldEmitNothing() {
    SparseVector v = hash(plain().withInteraction("a", "b"), Map.of("a", "x"));
    assertThat(v.nnz()).isEqualTo(1);
  }

  @Test
  void indexShouldBeMaskedToBits() {
    for (int bits = 1; bits <= 30; bits++) {
      FeatureHasher h = new FeatureHasher(HashingSpec.defaults().withBits(bits));
      SparseVector v =
          h.hash(Map.of("k", "v", "n", 1.5, "t", List.of("a", "b")), new SparseVector());
      for (int k = 0; k < v.nnz(); k++) {
        assertThat(v.index(k)).isBetween(0, (1 << bits) - 1);
      }
      assertThat(h.categoricalIndex("k", "v")).isEqualTo(raw("k=v", 0) & ((1 << bits) - 1));
    }
  }

  @Test
  void oneBitSpaceShouldMergeCollisions() {
    SparseVector v =
        hash(
            HashingSpec.defaults().withBits(1).withBias(false),
            Map.of("a", "1", "b", "2", "c", "3"));
    float total = 0;
    for (int k = 0; k < v.nnz(); k++) {
      total += v.value(k);
    }
    assertThat(v.nnz()).isLessThanOrEqualTo(2);
    assertThat(total).isEqualTo(3f);
  }

  @Test
  void hashShouldNotAllocatePerFeatureInSteadyState() {
    FeatureHasher h = new FeatureHasher(FIXED_SPEC);
    Map<String, Object> f = new HashMap<>(fixedExample());
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      big.add("tok" + i);
    }
    f.put("tags", big);
    SparseVector out = new SparseVector();
    Runnable task = () -> h.hash(f, out);
    for (int i = 0; i < 20_000; i++) {
      task.run();
    }
    long perCall = Allocations.measure(task, 1000) / 1000;
    // at most the map's entry-set iterator (~32 bytes), which escape analysis usually removes;
    // with 200 bag tokens and 600 crossed features a per-feature allocation would show as KBs
    assertThat(perCall).as("bytes allocated per hash()").isLessThanOrEqualTo(64);
  }

  @Test
  void specShouldRoundTripThroughJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String text = json.writeValueAsString(FIXED_SPEC);
    assertThat(json.readValue(text, HashingSpec.class)).isEqualTo(FIXED_SPEC);
    assertThat(json.readValue("{\"bits\":12}", HashingSpec.class))
        .isEqualTo(HashingSpec.defaults().withBits(12));
  }

  @Test
  void specShouldRejectBadSettings() {
    assertThatThrownBy(() -> HashingSpec.defaults().withBits(0)).hasMessageContaining("bits=0");
    assertThatThrownBy(() -> HashingSpec.defaults().withBits(31)).hasMessageContaining("bits=31");
    assertThatThrownBy(() -> HashingSpec.defaults().withTextField("t", 4))
        .hasMessageContaining("textFields['t']=4");
    assertThatThrownBy(() -> HashingSpec.defaults().withInteraction("a"))
        .hasMessageContaining("2 or 3");
    assertThatThrownBy(() -> HashingSpec.defaults().withInteraction("a", "b", "c", "d"))
        .hasMessageContaining("2 or 3");
    assertThatThrownBy(() -> HashingSpec.defaults().withInteraction("a", "a"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> HashingSpec.defaults().withInteraction("a", "b=c"))
        .hasMessageContaining("'='");
    assertThatThrownBy(() -> HashingSpec.defaults().withLimits(0, 1, 1))
        .hasMessageContaining("maxBagSize=0");
    assertThatThrownBy(() -> HashingSpec.defaults().withLimits(1, 0, 1))
        .hasMessageContaining("maxStringLength=0");
    assertThatThrownBy(() -> HashingSpec.defaults().withLimits(1, 1, 0))
        .hasMessageContaining("maxFeatures=0");
  }

  // ---- rejections ----

  private static void assertRejected(HashingSpec spec, Map<String, ?> f, String... fragments) {
    SparseVector out = new SparseVector();
    out.add(1, 1f);
    assertThatThrownBy(() -> new FeatureHasher(spec).hash(f, out))
        .isInstanceOf(FeatureException.class)
        .hasMessageContainingAll(fragments);
    assertThat(out.nnz()).as("out is left empty").isZero();
  }

  private static Map<String, Object> one(String name, Object value) {
    Map<String, Object> m = new HashMap<>();
    m.put(name, value);
    return m;
  }

  @Test
  void hashShouldRejectNaNAndInfinity() {
    assertRejected(plain(), one("x", Double.NaN), "feature 'x'", "NaN", "not finite");
    assertRejected(plain(), one("x", Double.POSITIVE_INFINITY), "feature 'x'", "Infinity");
    assertRejected(plain(), one("x", Float.NEGATIVE_INFINITY), "feature 'x'", "-Infinity");
  }

  @Test
  void hashShouldRejectNumberOutsideFloatRange() {
    assertRejected(plain(), one("x", 1e39), "feature 'x'", "float range");
  }

  @Test
  void hashShouldRejectEmptyAndNullNames() {
    assertRejected(plain(), one("", 1), "empty feature name");
    assertRejected(plain(), one(null, 1), "null feature name");
  }

  @Test
  void hashShouldRejectNameWithEquals() {
    assertRejected(plain(), one("a=b", "c"), "feature 'a=b'", "'='");
  }

  @Test
  void hashShouldRejectNullValue() {
    assertRejected(plain(), one("x", null), "feature 'x'", "null value");
  }

  @Test
  void hashShouldRejectNestedObject() {
    assertRejected(plain(), one("user", Map.of("age", 3)), "feature 'user'", "nested");
  }

  @Test
  void hashShouldRejectUnsupportedType() {
    assertRejected(plain(), one("when", new Object()), "feature 'when'", "unsupported value type");
    assertRejected(plain(), one("arr", new String[] {"a"}), "feature 'arr'", "String[]");
  }

  @Test
  void hashShouldRejectNonStringBagElements() {
    assertRejected(plain(), one("tags", List.of("a", 3)), "feature 'tags'", "element 1", "Integer");
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    assertRejected(plain(), one("tags", withNull), "feature 'tags'", "element 0 is null");
    assertRejected(plain(), one("tags", List.of(List.of("a"))), "feature 'tags'", "element 0");
  }

  @Test
  void hashShouldRejectOversizeBag() {
    HashingSpec spec = plain().withLimits(2, 100, 100);
    assertRejected(spec, one("tags", List.of("a", "b", "c")), "feature 'tags'", "maxBagSize=2");
  }

  @Test
  void hashShouldRejectOversizeStrings() {
    HashingSpec spec = plain().withLimits(10, 5, 100).withTextField("body", 1);
    assertRejected(spec, one("c", "abcdef"), "feature 'c'", "6 chars", "maxStringLength=5");
    assertRejected(spec, one("tags", List.of("abcdef")), "feature 'tags'", "maxStringLength=5");
    assertRejected(spec, one("body", "a b c d"), "feature 'body'", "maxStringLength=5");
    assertRejected(spec, one("longname", 1), "feature 'longname'", "name of 8 chars");
  }

  @Test
  void hashShouldRejectTooManyFeatures() {
    HashingSpec spec = plain().withLimits(100, 100, 3);
    assertRejected(spec, one("tags", List.of("a", "b", "c", "d")), "maxFeatures=3");
  }

  @Test
  void hashShouldRejectInteractionExplosionBeforeEmittingIt() {
    HashingSpec spec = plain().withLimits(100, 100, 50).withInteraction("a", "b", "c");
    List<String> ten = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    Map<String, Object> f = Map.of("a", ten, "b", ten, "c", List.of("x", "y"));
    assertRejected(spec, f, "feature 'a x b x c'", "200 features", "maxFeatures=50");
  }

  @Test
  void hashShouldRejectNonStringTextField() {
    assertRejected(plain().withTextField("body", 1), one("body", 3), "feature 'body'", "text");
  }

  @Test
  void hashShouldRejectOverflowingInteractionProduct() {
    HashingSpec spec = plain().withInteraction("a", "b");
    assertRejected(spec, Map.of("a", 1e30, "b", 1e30), "feature 'a x b'", "float range");
  }

  @Test
  void rejectionShouldNameAbbreviatedLongFeature() {
    String name = "n".repeat(100);
    assertThatThrownBy(
            () -> new FeatureHasher(plain()).hash(one(name, Double.NaN), new SparseVector()))
        .isInstanceOf(FeatureException.class)
        .hasMessageContaining("n".repeat(61) + "...")
        .satisfies(e -> assertThat(((FeatureException) e).feature()).isEqualTo(name));
  }

  // ---- helpers ----

  private static Map<Integer, Float> asMap(SparseVector v) {
    Map<Integer, Float> m = new TreeMap<>();
    for (int k = 0; k < v.nnz(); k++) {
      m.put(v.index(k), v.value(k));
    }
    return m;
  }

  private static byte[] le(int... hashes) {
    ByteBuffer b = ByteBuffer.allocate(4 * hashes.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int h : hashes) {
      b.putInt(h);
    }
    return b.array();
  }
}
