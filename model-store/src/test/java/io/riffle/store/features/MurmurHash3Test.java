package io.riffle.store.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MurmurHash3Test {

  // Published MurmurHash3_x86_32 vectors (SMHasher discussions), cross-checked against the
  // Python mmh3 extension (mmh3.hash(data, seed, signed=False)).
  private static final Object[][] VECTORS = {
    {bytes(), 0, 0x00000000},
    {bytes(), 1, 0x514E28B7},
    {bytes(), 0xffffffff, 0x81F16F39},
    {bytes(0xff, 0xff, 0xff, 0xff), 0, 0x76293B50},
    {bytes(0x21, 0x43, 0x65, 0x87), 0, 0xF55B516B},
    {bytes(0x21, 0x43, 0x65, 0x87), 0x5082EDEE, 0x2362F9DE},
    {bytes(0x21, 0x43, 0x65), 0, 0x7E4A8634},
    {bytes(0x21, 0x43), 0, 0xA0F7B07A},
    {bytes(0x21), 0, 0x72661CF4},
    {bytes(0, 0, 0, 0), 0, 0x2362F9DE},
    {bytes(0, 0, 0), 0, 0x85F0B427},
    {bytes(0, 0), 0, 0x30F4C306},
    {bytes(0), 0, 0x514E28B7},
    {utf8("Hello, world!"), 1234, 0xFAF6CDB3},
    {utf8("Hello, world!"), 4321, 0xBF505788},
    {utf8("The quick brown fox jumps over the lazy dog"), 0, 0x2E4FF723},
    {utf8("The quick brown fox jumps over the lazy dog"), 0x9747b28c, 0x2FA826CD},
    {utf8("aaaa"), 0x9747b28c, 0x5A97808A},
    {utf8("aaa"), 0x9747b28c, 0x283E0130},
    {utf8("aa"), 0x9747b28c, 0x5D211726},
    {utf8("a"), 0x9747b28c, 0x7FA09EA6},
    {utf8("abcd"), 0x9747b28c, 0xF0478627},
    {utf8("abc"), 0x9747b28c, 0xC84A62DD},
    {utf8("ab"), 0x9747b28c, 0x74875592},
    {utf8("Hello, world!"), 0x9747b28c, 0x24884CBA},
    {utf8("ππππππππ"), 0x9747b28c, 0xD58063C1},
    {bytes(), 0x9747b28c, 0xEBB6C228},
    {utf8("a".repeat(256)), 0x9747b28c, 0x37405BDC},
  };

  @Test
  void bytePathShouldMatchPublishedVectors() {
    for (Object[] v : VECTORS) {
      byte[] data = (byte[]) v[0];
      assertThat(MurmurHash3.hash32(data, (int) v[1]))
          .as("%d bytes, seed %08x", data.length, v[1])
          .isEqualTo((int) v[2]);
    }
  }

  @Test
  void bytePathShouldHonourOffsetAndLength() {
    byte[] padded = utf8("xxHello, world!yyy");
    assertThat(MurmurHash3.hash32(padded, 2, 13, 1234)).isEqualTo(0xFAF6CDB3);
  }

  @Test
  void stringPathShouldMatchPublishedVectors() {
    assertThat(MurmurHash3.hash32("", 0)).isZero();
    assertThat(MurmurHash3.hash32("", 1)).isEqualTo(0x514E28B7);
    assertThat(MurmurHash3.hash32("Hello, world!", 1234)).isEqualTo(0xFAF6CDB3);
    assertThat(MurmurHash3.hash32("The quick brown fox jumps over the lazy dog", 0))
        .isEqualTo(0x2E4FF723);
    assertThat(MurmurHash3.hash32("ππππππππ", 0x9747b28c)).isEqualTo(0xD58063C1);
  }

  @Test
  void stringPathShouldEqualBytePathForNonAsciiAndSurrogates() {
    String[] samples = {
      "héllo wörld",
      "日本語のテキスト",
      "emoji 😀 and 👍🏽 pairs",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
      "mixed ß ç Ω Ж ش 한국어 \u0000 nul",
      "lone high \uD83D end",
      "lone low \uDE00 end",
      "\uDE00\uD83D reversed pair",
      "trailing high \uD83D",
      "ab",
      "abc",
      "\u07FF\u0800\uFFFF\u0080\u007F",
    };
    for (String s : samples) {
      for (int seed : new int[] {0, 1, 0x9747b28c, -1}) {
        int expected = MurmurHash3.hash32(utf8(s), seed);
        assertThat(MurmurHash3.hash32(s, seed)).as("%s seed %d", s, seed).isEqualTo(expected);
        Murmur3Stream stream = new Murmur3Stream().reset(seed);
        stream.putUtf8(s);
        assertThat(stream.finish()).as("stream %s", s).isEqualTo(expected);
        assertThat(stream.length()).isEqualTo(utf8(s).length);
      }
    }
  }

  @Test
  void stringPathShouldEqualBytePathForRandomCodeUnits() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int t = 0; t < 2000; t++) {
      char[] cs = new char[rnd.nextInt(0, 40)];
      for (int i = 0; i < cs.length; i++) {
        // bias towards the interesting ranges: ASCII, 2-byte, 3-byte and surrogates
        switch (rnd.nextInt(4)) {
          case 0 -> cs[i] = (char) rnd.nextInt(0, 0x80);
          case 1 -> cs[i] = (char) rnd.nextInt(0x80, 0x800);
          case 2 -> cs[i] = (char) rnd.nextInt(0xD800, 0xE000);
          default -> cs[i] = (char) rnd.nextInt(0x800, 0x10000);
        }
      }
      String s = new String(cs);
      int seed = rnd.nextInt();
      int expected = MurmurHash3.hash32(utf8(s), seed);
      assertThat(MurmurHash3.hash32(s, seed)).isEqualTo(expected);
      // the stream in two pieces split at a random point, so blocks straddle the pieces
      int cut = rnd.nextInt(0, s.length() + 1);
      if (cut > 0 && cut < s.length() && Character.isHighSurrogate(s.charAt(cut - 1))) {
        continue; // a split pair hashes as two '?' by design
      }
      Murmur3Stream h = new Murmur3Stream().reset(seed);
      h.putUtf8(s, 0, cut);
      h.putUtf8(s, cut, s.length());
      assertThat(h.finish()).as("stream split at %d", cut).isEqualTo(expected);
      h.reset(seed);
      h.putUtf8Lower(s, 0, s.length());
      StringBuilder lower = new StringBuilder();
      s.codePoints()
          .map(
              cp ->
                  Character.isSurrogate((char) cp) && cp < 0x10000
                      ? '?'
                      : Character.toLowerCase(cp))
          .forEach(lower::appendCodePoint);
      assertThat(h.finish())
          .as("lower")
          .isEqualTo(MurmurHash3.hash32(utf8(lower.toString()), seed));
    }
  }

  @Test
  void substringPathShouldTreatSplitPairAsUnpaired() {
    String s = "a😀b";
    // [0, 2) cuts the pair after its high surrogate
    assertThat(MurmurHash3.hash32(s, 0, 2, 7)).isEqualTo(MurmurHash3.hash32(utf8("a?"), 7));
    assertThat(MurmurHash3.hash32(s, 1, 4, 7)).isEqualTo(MurmurHash3.hash32(utf8("😀b"), 7));
  }

  @Test
  void streamShouldEqualOneShotHashOverConcatenatedPieces() {
    Murmur3Stream h = new Murmur3Stream().reset(99);
    h.putUtf8("color");
    h.putByte('=');
    h.putUtf8("rouge é");
    assertThat(h.finish()).isEqualTo(MurmurHash3.hash32(utf8("color=rouge é"), 99));
    h.reset(5);
    h.putByte(1);
    h.putIntLe(0x04030201);
    h.putIntLe(0x08070605);
    assertThat(h.finish()).isEqualTo(MurmurHash3.hash32(bytes(1, 1, 2, 3, 4, 5, 6, 7, 8), 5));
  }

  @Test
  void streamLowerShouldEqualHashOfLowerCasedString() {
    String s = "HeLLo ÀÉÎ ΣΑΣ Ǆ 𐐀X";
    Murmur3Stream h = new Murmur3Stream().reset(3);
    h.putUtf8Lower(s, 0, s.length());
    StringBuilder lower = new StringBuilder();
    s.codePoints().map(Character::toLowerCase).forEach(lower::appendCodePoint);
    assertThat(h.finish()).isEqualTo(MurmurHash3.hash32(utf8(lower.toString()), 3));
  }

  @Test
  void bytePathShouldRejectBadRange() {
    assertThatThrownBy(() -> MurmurHash3.hash32(new byte[4], 2, 3, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> MurmurHash3.hash32("abc", 2, 1, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }
}
