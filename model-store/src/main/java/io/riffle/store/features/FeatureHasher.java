package io.riffle.store.features;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Turns a flat map of named features into a {@link SparseVector} of hashed indices in {@code [0,
 * 2^bits)} (the hashing trick; Weinberger et al., "Feature Hashing for Large Scale Multitask
 * Learning", ICML 2009, as done by Vowpal Wabbit).
 *
 * <h2>Value types</h2>
 *
 * <ul>
 *   <li>{@link String}: categorical, feature {@code name=value} with value 1;
 *   <li>{@link Boolean}: categorical, exactly as the string {@code "true"} or {@code "false"} (so
 *       {@code true} and {@code "true"} hash alike);
 *   <li>{@link Number}: numeric, feature {@code name} with the number (as float) as its value;
 *   <li>{@link List} of strings: a bag, feature {@code name=token} for every element, repeated
 *       tokens summing to a count;
 *   <li>a string in a field that {@link HashingSpec#textFields} names: text, tokenized into maximal
 *       runs of Unicode letters and digits (a combining mark continues a run), each run lower-cased
 *       code point by code point ({@link Character#toLowerCase(int)}, locale-free), emitted as
 *       {@code name=token} and, per the field's n-gram order, {@code name=t1 t2} and {@code name=t1
 *       t2 t3} (one ASCII space between tokens), each with value 1 under the default {@link
 *       HashingSpec#textWeighting} {@code count} (see below).
 * </ul>
 *
 * <h2>Text values (part of the hashing contract)</h2>
 *
 * Let {@code c} be the number of times one 32-bit feature hash (a token or n-gram, before masking)
 * occurs among the features of one text field's value. {@link HashingSpec#textWeighting}:
 *
 * <ul>
 *   <li>{@code count} (default): every occurrence is emitted with value 1, so the merged value is
 *       {@code c};
 *   <li>{@code log}: each distinct hash is emitted once with value {@code (float) (1 + ln c)};
 *   <li>{@code binary}: each distinct hash is emitted once with value 1.
 * </ul>
 *
 * With {@link HashingSpec#textNorm} {@code l2}, each distinct hash is emitted once with its
 * weighted value {@code w} times {@code 1 / sqrt(sum of w^2)} over the field's distinct hashes
 * (computed in double, rounded to float; a field with no tokens emits nothing). Distinct hashes are
 * emitted in the order of their first occurrence (unigram of token {@code i}, then its bigram and
 * trigram, then token {@code i + 1}), and an interaction with a text field sees these emitted
 * values. The hashes themselves (the byte layout below) do not depend on either setting. Except
 * under {@code count} with {@code none}, {@code maxFeatures} counts a field's distinct hashes, not
 * its occurrences.
 *
 * <p>Rejected with a {@link FeatureException}: a null or empty name, a name containing {@code '='},
 * a null value, a non-finite number (or one outside the float range), a nested object ({@link
 * Map}), any other type, a bag element that is not a string, a bag larger than {@code maxBagSize},
 * a name or string longer than {@code maxStringLength}, and an example producing more than {@code
 * maxFeatures} features. On rejection {@code out} is left empty.
 *
 * <h2>Interactions and bias</h2>
 *
 * An interaction {@code [a, b]} (or {@code [a, b, c]}) emits one feature per combination of the
 * features of the listed fields in this example (all tokens of a bag or text field), whose value is
 * the product of their values: categorical × categorical gives 1, numeric × categorical carries the
 * number, numeric × numeric multiplies. An interaction with a field absent from the example emits
 * nothing. The bias is one constant feature with value 1.
 *
 * <h2>Byte layout (part of the snapshot format: never change it)</h2>
 *
 * Every hash is {@link MurmurHash3} x86 32-bit with the spec's {@code seed}, over:
 *
 * <ul>
 *   <li>numeric feature: {@code utf8(name)};
 *   <li>categorical, boolean, bag element, text token: {@code utf8(name) 0x3D utf8(value)} (0x3D is
 *       {@code '='}; names cannot contain it, so the split is unambiguous); text n-grams put 0x20
 *       between the lower-cased tokens;
 *   <li>interaction: the 32-bit hashes of its member features (before masking) as little-endian
 *       ints, in the order the interaction lists the fields: 8 bytes for a pair, 12 for a triple;
 *   <li>bias: the empty byte string (never a feature, since names are non-empty).
 * </ul>
 *
 * UTF-8 is that of {@link String#getBytes} (an unpaired surrogate encodes as {@code '?'}). The
 * index is {@code hash & (2^bits - 1)}. The returned vector is in canonical form ({@link
 * SparseVector#sumDuplicates}): sorted, colliding features summed, zeros dropped, independent of
 * the map's iteration order. Text lower-casing follows the JDK's Unicode tables: stable for
 * characters assigned in the JDK's Unicode version, which a JDK upgrade only extends.
 *
 * <h2>Threads and allocation</h2>
 *
 * A hasher owns scratch buffers: it is not thread-safe; use one per thread (they are cheap). In the
 * steady state (buffers grown to the largest example seen) {@link #hash} allocates nothing per
 * feature; the only allocation per call is the map's (and a non-random-access list's) iterator,
 * which escape analysis usually removes. {@link Number#doubleValue} of a {@code BigDecimal} may
 * allocate.
 */
public final class FeatureHasher {
  /** Role of a field named in the spec: its n-gram order (0 = not text) and interaction slot. */
  private static final class Role {
    final int ngram;
    final int slot;

    Role(int ngram, int slot) {
      this.ngram = ngram;
      this.slot = slot;
    }
  }

  private final HashingSpec spec;
  private final int seed;
  private final int mask;
  private final int maxFeatures;
  private final int maxBagSize;
  private final int maxStringLength;
  private final HashMap<String, Role> roles = new HashMap<>();
  private final int[][] crosses;
  private final String[] crossNames;
  private final Murmur3Stream stream = new Murmur3Stream();

  // per interacting field: the raw 32-bit hashes and values of its features in this example
  private final int[][] slotHashes;
  private final float[][] slotValues;
  private final int[] slotCount;
  // token boundaries of the current text value: start0, end0, start1, end1, ...
  private int[] tokens = new int[64];
  private final HashingSpec.TextWeighting textWeighting;
  private final boolean textL2;
  // distinct text hashes of one field value (log, binary or l2): an open-addressing table from a
  // 32-bit hash to 1 + its index in the first-occurrence list, cleared through that list
  private int[] table = new int[256];
  private int[] distinctHash = new int[64];
  private int[] distinctCount = new int[64];
  private int[] distinctPos = new int[64];
  private int distinct;
  private int emitted;

  /** A hasher for {@code spec}. */
  public FeatureHasher(HashingSpec spec) {
    this.spec = spec;
    this.seed = spec.seed();
    this.mask = spec.mask();
    this.maxFeatures = spec.maxFeatures();
    this.maxBagSize = spec.maxBagSize();
    this.maxStringLength = spec.maxStringLength();
    this.textWeighting = spec.textWeighting();
    this.textL2 = spec.textNorm() == HashingSpec.TextNorm.L2;
    HashMap<String, Integer> slots = new HashMap<>();
    for (List<String> cross : spec.interactions()) {
      for (String f : cross) {
        slots.putIfAbsent(f, slots.size());
      }
    }
    for (Map.Entry<String, Integer> e : slots.entrySet()) {
      roles.put(e.getKey(), new Role(spec.textFields().getOrDefault(e.getKey(), 0), e.getValue()));
    }
    for (Map.Entry<String, Integer> e : spec.textFields().entrySet()) {
      roles.putIfAbsent(e.getKey(), new Role(e.getValue(), -1));
    }
    crosses = new int[spec.interactions().size()][];
    crossNames = new String[crosses.length];
    for (int i = 0; i < crosses.length; i++) {
      List<String> cross = spec.interactions().get(i);
      crosses[i] = cross.stream().mapToInt(slots::get).toArray();
      crossNames[i] = String.join(" x ", cross);
    }
    slotHashes = new int[slots.size()][8];
    slotValues = new float[slots.size()][8];
    slotCount = new int[slots.size()];
  }

  /** The spec this hasher was built from. */
  public HashingSpec spec() {
    return spec;
  }

  /**
   * Hashes {@code features} into {@code out} (cleared first) and returns {@code out}, in canonical
   * form.
   *
   * @throws FeatureException if a feature is rejected (see the class comment); {@code out} is then
   *     empty
   */
  public SparseVector hash(Map<String, ?> features, SparseVector out) {
    out.clear();
    emitted = 0;
    Arrays.fill(slotCount, 0);
    try {
      for (Map.Entry<String, ?> e : features.entrySet()) {
        hashField(e.getKey(), e.getValue(), out);
      }
      for (int i = 0; i < crosses.length; i++) {
        cross(i, out);
      }
      if (spec.bias()) {
        emit("(bias)", stream.reset(seed).finish(), 1.0f, -1, out);
      }
    } catch (FeatureException ex) {
      out.clear();
      throw ex;
    }
    out.sumDuplicates();
    return out;
  }

  /** Index of the numeric feature {@code name}. */
  public int numericIndex(String name) {
    return hashName(name) & mask;
  }

  /** Index of the categorical feature {@code name=value} (also a bag or text token). */
  public int categoricalIndex(String name, String value) {
    return hashNameValue(name, value, 0, value.length()) & mask;
  }

  /** Index of the bias feature. */
  public int biasIndex() {
    return stream.reset(seed).finish() & mask;
  }

  private void hashField(String name, Object value, SparseVector out) {
    checkName(name);
    Role role = roles.get(name);
    int slot = role == null ? -1 : role.slot;
    if (value == null) {
      throw new FeatureException(name, "null value");
    }
    if (role != null && role.ngram > 0) {
      if (!(value instanceof String)) {
        throw new FeatureException(
            name, "text field must be a string, got " + value.getClass().getSimpleName());
      }
      hashText(name, (String) value, role.ngram, slot, out);
    } else if (value instanceof String) {
      String s = (String) value;
      checkLength(name, s);
      emit(name, hashNameValue(name, s, 0, s.length()), 1.0f, slot, out);
    } else if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new FeatureException(name, "value " + d + " is not finite");
      }
      float f = (float) d;
      if (Float.isInfinite(f)) {
        throw new FeatureException(name, "value " + d + " is outside the float range");
      }
      emit(name, hashName(name), f, slot, out);
    } else if (value instanceof Boolean) {
      String s = ((Boolean) value) ? "true" : "false";
      emit(name, hashNameValue(name, s, 0, s.length()), 1.0f, slot, out);
    } else if (value instanceof List) {
      hashBag(name, (List<?>) value, slot, out);
    } else if (value instanceof Map) {
      throw new FeatureException(name, "nested objects are not supported; flatten the name");
    } else {
      throw new FeatureException(
          name,
          "unsupported value type "
              + value.getClass().getSimpleName()
              + "; expected string, number, boolean or list of strings");
    }
  }

  private void hashBag(String name, List<?> bag, int slot, SparseVector out) {
    int n = bag.size();
    if (n > maxBagSize) {
      throw new FeatureException(
          name, "bag of " + n + " elements exceeds maxBagSize=" + maxBagSize);
    }
    if (bag instanceof RandomAccess) {
      for (int i = 0; i < n; i++) {
        hashBagElement(name, i, bag.get(i), slot, out);
      }
    } else {
      int i = 0;
      for (Object element : bag) {
        hashBagElement(name, i++, element, slot, out);
      }
    }
  }

  private void hashBagElement(String name, int i, Object element, int slot, SparseVector out) {
    if (!(element instanceof String)) {
      throw new FeatureException(
          name,
          "bag element "
              + i
              + " is "
              + (element == null ? "null" : "a " + element.getClass().getSimpleName())
              + "; bag elements must be strings");
    }
    String token = (String) element;
    checkLength(name, token);
    emit(name, hashNameValue(name, token, 0, token.length()), 1.0f, slot, out);
  }

  private void hashText(String name, String text, int ngram, int slot, SparseVector out) {
    checkLength(name, text);
    int count = tokenize(text);
    final int[] t = tokens;
    final boolean merge = textWeighting != HashingSpec.TextWeighting.COUNT || textL2;
    try {
      for (int i = 0; i < count; i++) {
        Murmur3Stream h = stream.reset(seed);
        h.putUtf8(name, 0, name.length());
        h.putByte('=');
        h.putUtf8Lower(text, t[2 * i], t[2 * i + 1]);
        textFeature(name, h.finish(), merge, slot, out);
        for (int n = 2; n <= ngram && i + n <= count; n++) {
          h.reset(seed);
          h.putUtf8(name, 0, name.length());
          h.putByte('=');
          for (int j = i; j < i + n; j++) {
            if (j > i) {
              h.putByte(' ');
            }
            h.putUtf8Lower(text, t[2 * j], t[2 * j + 1]);
          }
          textFeature(name, h.finish(), merge, slot, out);
        }
      }
      if (merge) {
        emitDistinct(name, slot, out);
      }
    } finally {
      clearDistinct();
    }
  }

  /** One token or n-gram of a text field: emitted now ({@code count}) or counted to merge. */
  private void textFeature(String name, int hash, boolean merge, int slot, SparseVector out) {
    if (merge) {
      countDistinct(hash);
    } else {
      emit(name, hash, 1.0f, slot, out);
    }
  }

  /** Counts one occurrence of {@code hash} in the distinct table, adding it on first sight. */
  private void countDistinct(int hash) {
    int[] tab = table;
    int m = tab.length - 1;
    int pos = mix(hash) & m;
    while (true) {
      int e = tab[pos];
      if (e == 0) {
        break;
      }
      if (distinctHash[e - 1] == hash) {
        distinctCount[e - 1]++;
        return;
      }
      pos = (pos + 1) & m;
    }
    if (distinct == distinctHash.length) {
      int n = 2 * distinct;
      distinctHash = Arrays.copyOf(distinctHash, n);
      distinctCount = Arrays.copyOf(distinctCount, n);
      distinctPos = Arrays.copyOf(distinctPos, n);
    }
    distinctHash[distinct] = hash;
    distinctCount[distinct] = 1;
    distinctPos[distinct] = pos;
    distinct++;
    tab[pos] = distinct;
    if (2 * distinct > tab.length) {
      growTable();
    }
  }

  /** Doubles the table (load at most 1/2) and re-inserts the distinct hashes. */
  private void growTable() {
    int[] tab = new int[2 * table.length];
    int m = tab.length - 1;
    for (int k = 0; k < distinct; k++) {
      int pos = mix(distinctHash[k]) & m;
      while (tab[pos] != 0) {
        pos = (pos + 1) & m;
      }
      tab[pos] = k + 1;
      distinctPos[k] = pos;
    }
    table = tab;
  }

  /** Spreads a hash over the table's index bits (Fibonacci hashing, high bits folded in). */
  private static int mix(int hash) {
    int x = hash * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** Emits each distinct hash once, in first-occurrence order, with its weighted value. */
  private void emitDistinct(String name, int slot, SparseVector out) {
    double scale = 1.0;
    if (textL2 && distinct > 0) {
      double sq = 0;
      for (int k = 0; k < distinct; k++) {
        double w = weight(distinctCount[k]);
        sq += w * w;
      }
      scale = 1.0 / Math.sqrt(sq);
    }
    for (int k = 0; k < distinct; k++) {
      double w = weight(distinctCount[k]);
      emit(name, distinctHash[k], (float) (textL2 ? w * scale : w), slot, out);
    }
  }

  private double weight(int c) {
    return switch (textWeighting) {
      case COUNT -> c;
      case LOG -> 1.0 + Math.log(c);
      case BINARY -> 1.0;
    };
  }

  /** Empties the distinct table by clearing only the positions it used. */
  private void clearDistinct() {
    for (int k = 0; k < distinct; k++) {
      table[distinctPos[k]] = 0;
    }
    distinct = 0;
  }

  /** Fills {@link #tokens} with the token boundaries of {@code text}; returns the token count. */
  private int tokenize(String text) {
    int count = 0;
    int start = -1;
    int i = 0;
    final int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      boolean word =
          Character.isLetterOrDigit(cp) || (start >= 0 && isCombiningMark(Character.getType(cp)));
      if (word && start < 0) {
        start = i;
      } else if (!word && start >= 0) {
        count = addToken(count, start, i);
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      count = addToken(count, start, n);
    }
    return count;
  }

  private int addToken(int count, int start, int end) {
    if (2 * count + 2 > tokens.length) {
      tokens = Arrays.copyOf(tokens, tokens.length * 2);
    }
    tokens[2 * count] = start;
    tokens[2 * count + 1] = end;
    return count + 1;
  }

  private static boolean isCombiningMark(int type) {
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  private void cross(int i, SparseVector out) {
    final int[] members = crosses[i];
    long combinations = 1;
    for (int s : members) {
      combinations *= slotCount[s];
    }
    if (combinations == 0) {
      return;
    }
    if (emitted + combinations > maxFeatures) {
      throw new FeatureException(
          crossNames[i],
          "interaction would emit "
              + combinations
              + " features, more than maxFeatures="
              + maxFeatures
              + " allows");
    }
    final int sa = members[0];
    final int sb = members[1];
    final int[] ha = slotHashes[sa];
    final int[] hb = slotHashes[sb];
    final float[] va = slotValues[sa];
    final float[] vb = slotValues[sb];
    final Murmur3Stream h = stream;
    if (members.length == 2) {
      for (int a = 0, na = slotCount[sa]; a < na; a++) {
        for (int b = 0, nb = slotCount[sb]; b < nb; b++) {
          h.reset(seed);
          h.putIntLe(ha[a]);
          h.putIntLe(hb[b]);
          emit(crossNames[i], h.finish(), product(i, (double) va[a] * vb[b]), -1, out);
        }
      }
      return;
    }
    final int sc = members[2];
    final int[] hc = slotHashes[sc];
    final float[] vc = slotValues[sc];
    for (int a = 0, na = slotCount[sa]; a < na; a++) {
      for (int b = 0, nb = slotCount[sb]; b < nb; b++) {
        for (int c = 0, nc = slotCount[sc]; c < nc; c++) {
          h.reset(seed);
          h.putIntLe(ha[a]);
          h.putIntLe(hb[b]);
          h.putIntLe(hc[c]);
          emit(crossNames[i], h.finish(), product(i, (double) va[a] * vb[b] * vc[c]), -1, out);
        }
      }
    }
  }

  private float product(int cross, double v) {
    float f = (float) v;
    if (Float.isInfinite(f)) {
      throw new FeatureException(
          crossNames[cross], "value product " + v + " is outside the float range");
    }
    return f;
  }

  private void emit(String name, int hash, float value, int slot, SparseVector out) {
    if (emitted >= maxFeatures) {
      throw new FeatureException(
          name, "example has more than maxFeatures=" + maxFeatures + " features");
    }
    emitted++;
    out.add(hash & mask, value);
    if (slot >= 0) {
      int k = slotCount[slot];
      if (k == slotHashes[slot].length) {
        slotHashes[slot] = Arrays.copyOf(slotHashes[slot], 2 * k);
        slotValues[slot] = Arrays.copyOf(slotValues[slot], 2 * k);
      }
      slotHashes[slot][k] = hash;
      slotValues[slot][k] = value;
      slotCount[slot] = k + 1;
    }
  }

  private int hashName(String name) {
    Murmur3Stream h = stream.reset(seed);
    h.putUtf8(name, 0, name.length());
    return h.finish();
  }

  private int hashNameValue(String name, CharSequence value, int from, int to) {
    Murmur3Stream h = stream.reset(seed);
    h.putUtf8(name, 0, name.length());
    h.putByte('=');
    h.putUtf8(value, from, to);
    return h.finish();
  }

  private void checkName(String name) {
    if (name == null) {
      throw new FeatureException(null, "null feature name");
    }
    if (name.isEmpty()) {
      throw new FeatureException("", "empty feature name");
    }
    if (name.length() > maxStringLength) {
      throw new FeatureException(
          name, "name of " + name.length() + " chars exceeds maxStringLength=" + maxStringLength);
    }
    if (name.indexOf('=') >= 0) {
      throw new FeatureException(name, "feature names must not contain '='");
    }
  }

  private void checkLength(String name, String value) {
    if (value.length() > maxStringLength) {
      throw new FeatureException(
          name,
          "string value of "
              + value.length()
              + " chars exceeds maxStringLength="
              + maxStringLength);
    }
  }
}
