package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> lines(byte[] bytes, int max) throws IOException {
    LineReader r = new LineReader(new ByteArrayInputStream(bytes), "in.jsonl", max);
    List<String> out = new ArrayList<>();
    String l;
    while ((l = r.next()) != null) {
      out.add(r.lineNumber() + ":" + l);
    }
    return out;
  }

  @Test
  void splitsOnLfAndCrLfAndKeepsALastLineWithoutEnd() throws IOException {
    byte[] in = "a\r\n\nbé\nlast".getBytes(StandardCharsets.UTF_8);
    assertThat(lines(in, 100)).containsExactly("1:a", "2:", "3:bé", "4:last");
  }

  @Test
  void dropsAByteOrderMarkOnTheFirstLineOnly() throws IOException {
    byte[] in = "\uFEFFa\n\uFEFFb".getBytes(StandardCharsets.UTF_8);
    assertThat(lines(in, 100)).containsExactly("1:a", "2:\uFEFFb");
  }

  @Test
  void readsLinesLongerThanItsChunk() throws IOException {
    String big = "é".repeat(100_000);
    assertThat(lines((big + "\n" + big).getBytes(StandardCharsets.UTF_8), 1 << 20))
        .containsExactly("1:" + big, "2:" + big);
  }

  @Test
  void namesTheLineWithInvalidUtf8() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("ok\nok\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {'s', 'e', 'c', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> lines(b.toByteArray(), 100))
        .isInstanceOf(InputException.class)
        .hasMessage("in.jsonl:3: invalid UTF-8");
  }

  @Test
  void refusesALineOverTheLimit() {
    byte[] in = ("short\n" + "x".repeat(101) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> lines(in, 100))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("in.jsonl:2: line longer than 100 bytes");
  }
}
