package io.riffle.store.features;

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, SMHasher, public domain), over bytes or over the
 * UTF-8 encoding of a {@link CharSequence} computed on the fly.
 *
 * <p>The result is bit-identical to the reference {@code MurmurHash3_x86_32}: blocks are read
 * little-endian whatever the platform, and the seed is the reference's {@code uint32_t} seed
 * reinterpreted as a Java {@code int}. Hashed indices are part of Riffle's snapshot format, so this
 * function must never change.
 *
 * <p><b>UTF-8 encoding.</b> The {@link CharSequence} methods hash exactly the bytes {@code
 * s.toString().getBytes(StandardCharsets.UTF_8)} would produce, without creating them: a surrogate
 * pair becomes one 4-byte sequence, and an unpaired surrogate becomes {@code '?'} (0x3F), the JDK
 * encoder's replacement.
 *
 * <p>All methods are static and allocate nothing. For hashing a sequence of pieces (a feature name,
 * a separator, a value) without concatenating them, see {@link Murmur3Stream}.
 */
public final class MurmurHash3 {
  static final int C1 = 0xcc9e2d51;
  static final int C2 = 0x1b873593;

  private MurmurHash3() {}

  /** Hash of {@code data[offset, offset + length)}. */
  public static int hash32(byte[] data, int offset, int length, int seed) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + offset + " + " + length + ") of " + data.length + " bytes");
    }
    int h1 = seed;
    int end = offset + (length & ~3);
    for (int i = offset; i < end; i += 4) {
      int k1 =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      h1 = mixH1(h1, k1);
    }
    int k1 = 0;
    switch (length & 3) {
      case 3:
        k1 ^= (data[end + 2] & 0xff) << 16;
      // fall through
      case 2:
        k1 ^= (data[end + 1] & 0xff) << 8;
      // fall through
      case 1:
        k1 ^= data[end] & 0xff;
        h1 ^= mixK1(k1);
        break;
      default:
        break;
    }
    return fmix32(h1 ^ length);
  }

  /** Hash of all of {@code data}. */
  public static int hash32(byte[] data, int seed) {
    return hash32(data, 0, data.length, seed);
  }

  /** Hash of the UTF-8 encoding of {@code s} (see the class comment for unpaired surrogates). */
  public static int hash32(CharSequence s, int seed) {
    return hash32(s, 0, s.length(), seed);
  }

  /**
   * Hash of the UTF-8 encoding of {@code s.subSequence(from, to)}, computed without allocating. A
   * surrogate pair split by {@code from} or {@code to} counts as unpaired.
   */
  public static int hash32(CharSequence s, int from, int to, int seed) {
    if (from < 0 || to < from || to > s.length()) {
      throw new IndexOutOfBoundsException(
          "range [" + from + ", " + to + ") of " + s.length() + " chars");
    }
    int h1 = seed;
    // pending holds up to 3 bytes not yet forming a block, lowest byte first; n counts them
    int pending = 0;
    int n = 0;
    int total = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      int cp = c;
      int bytes;
      if (c < 0x80) {
        bytes = 1;
      } else if (c < 0x800) {
        bytes = 2;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < to
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          cp = Character.toCodePoint(c, s.charAt(++i));
          bytes = 4;
        } else {
          cp = '?';
          bytes = 1;
        }
      } else {
        bytes = 3;
      }
      // emit the UTF-8 bytes of cp one by one into the block accumulator
      for (int b = 0; b < bytes; b++) {
        int octet = Utf8.octet(cp, bytes, b);
        pending |= octet << (n << 3);
        if (++n == 4) {
          h1 = mixH1(h1, pending);
          pending = 0;
          n = 0;
        }
      }
      total += bytes;
    }
    if (n > 0) {
      h1 ^= mixK1(pending);
    }
    return fmix32(h1 ^ total);
  }

  static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }

  static int mixH1(int h1, int k1) {
    h1 ^= mixK1(k1);
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
