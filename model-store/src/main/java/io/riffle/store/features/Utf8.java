package io.riffle.store.features;

/** UTF-8 byte arithmetic shared by the allocation-free hashing paths. */
final class Utf8 {
  private Utf8() {}

  /** Number of UTF-8 bytes of code point {@code cp} (a valid scalar value, not a surrogate). */
  static int length(int cp) {
    if (cp < 0x80) {
      return 1;
    }
    if (cp < 0x800) {
      return 2;
    }
    return cp < 0x10000 ? 3 : 4;
  }

  /** The {@code b}-th byte (0-based, 0..255) of the {@code bytes}-byte UTF-8 encoding of cp. */
  static int octet(int cp, int bytes, int b) {
    switch (bytes) {
      case 1:
        return cp;
      case 2:
        return b == 0 ? 0xc0 | cp >>> 6 : 0x80 | (cp & 0x3f);
      case 3:
        if (b == 0) {
          return 0xe0 | cp >>> 12;
        }
        return 0x80 | (cp >>> (b == 1 ? 6 : 0) & 0x3f);
      default:
        if (b == 0) {
          return 0xf0 | cp >>> 18;
        }
        return 0x80 | (cp >>> (6 * (3 - b)) & 0x3f);
    }
  }
}
