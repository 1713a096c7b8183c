package io.riffle.store.features;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings of a {@link FeatureHasher}: immutable, validated when built, and part of a model's
 * snapshot manifest (JSON, property names as the components below). A missing JSON property takes
 * its default.
 *
 * @param bits hashed space is {@code 2^bits} parameters per output, 1..30; default {@value
 *     #DEFAULT_BITS}
 * @param seed MurmurHash3 seed of every feature; default 0
 * @param textFields fields whose string values are tokenized, mapped to the largest n-gram order
 *     emitted (1 = words only, 2 = also bigrams, 3 = also trigrams); default none
 * @param interactions crosses of 2 or 3 distinct field names, hashed in the order listed (like
 *     Vowpal Wabbit's {@code -q}/{@code --cubic}, by field name); default none
 * @param bias whether to add the constant bias feature; default true
 * @param maxBagSize largest list (bag) accepted as a value; default {@value #DEFAULT_MAX_BAG_SIZE}
 * @param maxStringLength largest feature name or string value, in UTF-16 chars (text fields
 *     included); default {@value #DEFAULT_MAX_STRING_LENGTH}
 * @param maxFeatures largest number of features one example may produce, counting every emitted
 *     feature (tokens, n-grams, interactions, bias) before duplicates merge; default {@value
 *     #DEFAULT_MAX_FEATURES}
 */
public record HashingSpec(
    int bits,
    int seed,
    Map<String, Integer> textFields,
    List<List<String>> interactions,
    boolean bias,
    int maxBagSize,
    int maxStringLength,
    int maxFeatures) {

  public static final int DEFAULT_BITS = 18;
  public static final int MAX_BITS = 30;
  public static final int MAX_NGRAM = 3;
  public static final int DEFAULT_MAX_BAG_SIZE = 10_000;
  public static final int DEFAULT_MAX_STRING_LENGTH = 65_536;
  public static final int DEFAULT_MAX_FEATURES = 100_000;

  /** Validates and takes immutable copies (text fields sorted by name, for a stable manifest). */
  public HashingSpec {
    if (bits < 1 || bits > MAX_BITS) {
      throw new IllegalArgumentException("bits=" + bits + " must be in [1, " + MAX_BITS + "]");
    }
    if (textFields == null) {
      textFields = Map.of();
    }
    TreeMap<String, Integer> text = new TreeMap<>();
    for (Map.Entry<String, Integer> e : textFields.entrySet()) {
      checkFieldName(e.getKey(), "textFields");
      Integer n = e.getValue();
      if (n == null || n < 1 || n > MAX_NGRAM) {
        throw new IllegalArgumentException(
            "textFields['" + e.getKey() + "']=" + n + " must be an n-gram order in [1, 3]");
      }
      text.put(e.getKey(), n);
    }
    textFields = Collections.unmodifiableMap(text);
    if (interactions == null) {
      interactions = List.of();
    }
    List<List<String>> crosses = new ArrayList<>();
    for (List<String> cross : interactions) {
      if (cross == null || cross.size() < 2 || cross.size() > 3) {
        throw new IllegalArgumentException(
            "interaction " + cross + " must list 2 or 3 field names");
      }
      Set<String> seen = new HashSet<>();
      for (String name : cross) {
        checkFieldName(name, "interactions");
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "interaction " + cross + " names field '" + name + "' twice");
        }
      }
      crosses.add(List.copyOf(cross));
    }
    interactions = List.copyOf(crosses);
    if (maxBagSize < 1) {
      throw new IllegalArgumentException("maxBagSize=" + maxBagSize + " must be >= 1");
    }
    if (maxStringLength < 1) {
      throw new IllegalArgumentException("maxStringLength=" + maxStringLength + " must be >= 1");
    }
    if (maxFeatures < 1) {
      throw new IllegalArgumentException("maxFeatures=" + maxFeatures + " must be >= 1");
    }
  }

  /** The defaults: 18 bits, seed 0, no text fields, no interactions, bias on, default limits. */
  public static HashingSpec defaults() {
    return new HashingSpec(
        DEFAULT_BITS,
        0,
        Map.of(),
        List.of(),
        true,
        DEFAULT_MAX_BAG_SIZE,
        DEFAULT_MAX_STRING_LENGTH,
        DEFAULT_MAX_FEATURES);
  }

  /** JSON creator: any missing property takes its default. */
  @JsonCreator
  public static HashingSpec fromJson(
      @JsonProperty("bits") Integer bits,
      @JsonProperty("seed") Integer seed,
      @JsonProperty("textFields") Map<String, Integer> textFields,
      @JsonProperty("interactions") List<List<String>> interactions,
      @JsonProperty("bias") Boolean bias,
      @JsonProperty("maxBagSize") Integer maxBagSize,
      @JsonProperty("maxStringLength") Integer maxStringLength,
      @JsonProperty("maxFeatures") Integer maxFeatures) {
    return new HashingSpec(
        bits == null ? DEFAULT_BITS : bits,
        seed == null ? 0 : seed,
        textFields,
        interactions,
        bias == null || bias,
        maxBagSize == null ? DEFAULT_MAX_BAG_SIZE : maxBagSize,
        maxStringLength == null ? DEFAULT_MAX_STRING_LENGTH : maxStringLength,
        maxFeatures == null ? DEFAULT_MAX_FEATURES : maxFeatures);
  }

  /** A copy with {@code bits}. */
  public HashingSpec withBits(int bits) {
    return new HashingSpec(
        bits, seed, textFields, interactions, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** A copy with {@code seed}. */
  public HashingSpec withSeed(int seed) {
    return new HashingSpec(
        bits, seed, textFields, interactions, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** A copy that tokenizes {@code field} with n-grams up to {@code ngram}. */
  public HashingSpec withTextField(String field, int ngram) {
    Map<String, Integer> text = new TreeMap<>(textFields);
    text.put(field, ngram);
    return new HashingSpec(
        bits, seed, text, interactions, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** A copy with one more interaction of 2 or 3 fields. */
  public HashingSpec withInteraction(String... fields) {
    List<List<String>> crosses = new ArrayList<>(interactions);
    crosses.add(List.of(fields));
    return new HashingSpec(
        bits, seed, textFields, crosses, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** A copy with the bias feature on or off. */
  public HashingSpec withBias(boolean bias) {
    return new HashingSpec(
        bits, seed, textFields, interactions, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** A copy with the three limits. */
  public HashingSpec withLimits(int maxBagSize, int maxStringLength, int maxFeatures) {
    return new HashingSpec(
        bits, seed, textFields, interactions, bias, maxBagSize, maxStringLength, maxFeatures);
  }

  /** {@code 2^bits - 1}: the mask that turns a 32-bit hash into an index. */
  public int mask() {
    return (1 << bits) - 1;
  }

  /** {@code 2^bits}: the number of hashed parameters per output. */
  public int dimension() {
    return 1 << bits;
  }

  private static void checkFieldName(String name, String setting) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(setting + ": field names must be non-empty");
    }
    if (name.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          setting + ": field name '" + name + "' must not contain '='");
    }
  }
}
