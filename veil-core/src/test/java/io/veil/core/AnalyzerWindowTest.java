package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.recognizers.BuiltInRecognizers;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AnalyzerWindowTest {
  private static final Analyzer ANALYZER = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
  private static final String[] PIECES = {
      "Call me at +44 20 7946 0958 please. ", "mail jane.doe@example.com ", "card 4111 1111 1111 1111 ",
      "IBAN DE89 3704 0044 0532 0130 00 ", "SSN 123-45-6789. ", "see https://example.com/x?y=1 ",
      "ip 192.168.1.20 ", "born on 9/20/1968. ", "password: hunter2! ", "just some ordinary words here ",
      "the quick brown fox ", "\uD83D\uDE00 emoji ", "\n", "12345 ", "AKIAIOSFODNN7EXAMPLE "};

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.of(PIECES).list().ofMinSize(0).ofMaxSize(120).map(l -> String.join("", l));
  }

  /** A reader that hands out at most a few characters per call, as sockets and pipes do. */
  private static Reader trickle(String text, int chunk) {
    return new Reader() {
      private int pos;

      @Override
      public int read(char[] cbuf, int off, int len) {
        if (pos >= text.length()) {
          return -1;
        }
        int n = Math.min(Math.min(len, chunk), text.length() - pos);
        text.getChars(pos, pos + n, cbuf, off);
        pos += n;
        return n;
      }

      @Override
      public void close() {}
    };
  }

  @Property(tries = 150)
  void windowedAnalysisEqualsWholeTextAnalysis(@ForAll("texts") String text,
                                               @ForAll @IntRange(min = 1, max = 97) int chunk) throws IOException {
    List<Finding> windowed = new ArrayList<>();
    // small windows so that the generated texts cross many window boundaries
    ANALYZER.analyzeWindows(trickle(text, chunk), null, windowed::add, 800, 200);
    assertThat(windowed).isEqualTo(ANALYZER.analyze(text));
  }

  @Test
  void publicReaderApiUsesAbsoluteOffsets() throws IOException {
    String filler = "word ".repeat(60_000); // 300k chars: several default windows
    String text = filler + "mail jane.doe@example.com " + filler + "SSN 123-45-6789 end";
    List<Finding> found = ANALYZER.analyze(new StringReader(text), null);
    assertThat(found).extracting(f -> f.value(text)).containsExactly("jane.doe@example.com", "123-45-6789");
    assertThat(found).isEqualTo(ANALYZER.analyze(text));
  }

  @Test
  void emptyReaderGivesNothing() throws IOException {
    assertThat(ANALYZER.analyze(new StringReader(""), null)).isEmpty();
  }
}
