package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Bytes written in any pieces reach the writer as the text they encode (characters cut apart included). */
class DecodingOutputStreamTest {
  @Provide
  Arbitrary<String> text() {
    // well-formed text of every plane (no lone surrogates: those have no UTF-8 form), longer than the buffer too
    return Arbitraries.strings().all().ofMaxLength(20_000)
        .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF));
  }

  @Property(tries = 200)
  void anyCutOfTheBytesGivesTheText(@ForAll("text") String text, @ForAll @IntRange(min = 1, max = 9000) int step)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringWriter w = new StringWriter();
    try (OutputStream o = new DecodingOutputStream(w)) {
      writeInPieces(o, bytes, step);
    }
    assertThat(w.toString()).isEqualTo(text);
  }

  /** Writes {@code bytes} in pieces of {@code step} bytes (one at a time through {@code write(int)} when 1). */
  static void writeInPieces(OutputStream o, byte[] bytes, int step) throws IOException {
    for (int i = 0; i < bytes.length; i += step) {
      if (step == 1) {
        o.write(bytes[i]);
      } else {
        o.write(bytes, i, Math.min(step, bytes.length - i));
      }
    }
  }

  @Property(tries = 50)
  void aCharacterLeftUnfinishedAtTheEndIsReplacedNotLost(@ForAll("text") String text) throws IOException {
    StringWriter w = new StringWriter();
    try (OutputStream o = new DecodingOutputStream(w)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
      o.write(0xE2); // the first byte of a three-byte character
    }
    assertThat(w.toString()).isEqualTo(text + "\uFFFD");
  }
}
