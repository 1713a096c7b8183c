package io.riffle.store.features;

/**
 * Incremental MurmurHash3 x86 32-bit: feed bytes, ints and UTF-8 text in pieces, then {@link
 * #finish}. The result equals {@link MurmurHash3#hash32(byte[], int)} over the concatenation of
 * everything fed since {@link #reset}, so a feature {@code name=value} hashes without building the
 * string.
 *
 * <p>Mutable and not thread-safe: one instance per thread (each {@link FeatureHasher} owns one).
 * Every method allocates nothing.
 */
public final class Murmur3Stream {
  private int h1;
  private int pending;
  private int pendingBytes;
  private int total;

  /** Starts a new hash with {@code seed}; returns this. */
  public Murmur3Stream reset(int seed) {
    h1 = seed;
    pending = 0;
    pendingBytes = 0;
    total = 0;
    return this;
  }

  /** Appends one byte (the low 8 bits of {@code b}). */
  public void putByte(int b) {
    pending |= (b & 0xff) << (pendingBytes << 3);
    total++;
    if (++pendingBytes == 4) {
      h1 = MurmurHash3.mixH1(h1, pending);
      pending = 0;
      pendingBytes = 0;
    }
  }

  /** Appends the 4 bytes of {@code v}, little-endian. */
  public void putIntLe(int v) {
    if (pendingBytes == 0) {
      h1 = MurmurHash3.mixH1(h1, v);
      total += 4;
      return;
    }
    putByte(v);
    putByte(v >>> 8);
    putByte(v >>> 16);
    putByte(v >>> 24);
  }

  /**
   * Appends the UTF-8 encoding of {@code s[from, to)}, with the conventions of {@link MurmurHash3}
   * (an unpaired surrogate becomes {@code '?'}).
   */
  public void putUtf8(CharSequence s, int from, int to) {
    int i = from;
    while (i < to) {
      // fast path: block-aligned and four ASCII chars, mixed as one block
      if (pendingBytes == 0 && to - i >= 4) {
        char c0 = s.charAt(i);
        char c1 = s.charAt(i + 1);
        char c2 = s.charAt(i + 2);
        char c3 = s.charAt(i + 3);
        if ((c0 | c1 | c2 | c3) < 0x80) {
          h1 = MurmurHash3.mixH1(h1, c0 | c1 << 8 | c2 << 16 | c3 << 24);
          total += 4;
          i += 4;
          continue;
        }
      }
      char c = s.charAt(i++);
      if (c < 0x80) {
        putByte(c);
        continue;
      }
      int cp = c;
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(s.charAt(i))) {
          cp = Character.toCodePoint(c, s.charAt(i++));
        } else {
          putByte('?');
          continue;
        }
      }
      putCodePoint(cp);
    }
  }

  /** Appends the UTF-8 encoding of all of {@code s}. */
  public void putUtf8(CharSequence s) {
    putUtf8(s, 0, s.length());
  }

  /**
   * Appends the UTF-8 encoding of {@code s[from, to)} lower-cased code point by code point with
   * {@link Character#toLowerCase(int)} (locale-independent simple case mapping; unlike {@link
   * String#toLowerCase()} it never changes the number of code points). Unpaired surrogates become
   * {@code '?'}.
   */
  public void putUtf8Lower(CharSequence s, int from, int to) {
    int i = from;
    while (i < to) {
      if (pendingBytes == 0 && to - i >= 4) {
        char c0 = s.charAt(i);
        char c1 = s.charAt(i + 1);
        char c2 = s.charAt(i + 2);
        char c3 = s.charAt(i + 3);
        if ((c0 | c1 | c2 | c3) < 0x80) {
          h1 =
              MurmurHash3.mixH1(
                  h1,
                  asciiLower(c0)
                      | asciiLower(c1) << 8
                      | asciiLower(c2) << 16
                      | asciiLower(c3) << 24);
          total += 4;
          i += 4;
          continue;
        }
      }
      char c = s.charAt(i++);
      if (c < 0x80) {
        putByte(asciiLower(c));
        continue;
      }
      int cp = c;
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(s.charAt(i))) {
          cp = Character.toCodePoint(c, s.charAt(i++));
        } else {
          putByte('?');
          continue;
        }
      }
      putCodePoint(Character.toLowerCase(cp));
    }
  }

  private static int asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }

  /** Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate). */
  public void putCodePoint(int cp) {
    int bytes = Utf8.length(cp);
    for (int b = 0; b < bytes; b++) {
      putByte(Utf8.octet(cp, bytes, b));
    }
  }

  /** Number of bytes fed since the last {@link #reset}. */
  public int length() {
    return total;
  }

  /** The hash of everything fed since {@link #reset}. Does not change the state. */
  public int finish() {
    int h = h1;
    if (pendingBytes > 0) {
      h ^= MurmurHash3.mixK1(pending);
    }
    return MurmurHash3.fmix32(h ^ total);
  }
}
