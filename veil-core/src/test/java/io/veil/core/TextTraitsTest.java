package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TextTraitsTest {

  @Test
  void headIsTheFirstThreeCharactersIgnoringCase() {
    assertThat(TextTraits.head("Pass", 0, 4)).isEqualTo(TextTraits.head("pAsSword", 0, 8));
    assertThat(TextTraits.head("xx pw", 3, 5)).isEqualTo(TextTraits.head("PW", 0, 2));
    assertThat(TextTraits.head("pa", 0, 2)).isNotEqualTo(TextTraits.head("pas", 0, 3));
    assertThat(TextTraits.head("p", 0, 1)).isNotEqualTo(TextTraits.head("pa", 0, 2));
    assertThat(TextTraits.head("ÄBC", 0, 3)).isEqualTo(TextTraits.head("äbc", 0, 3));
    assertThat(TextTraits.head("\u212Aey", 0, 3)).isEqualTo(TextTraits.head("key", 0, 3)); // Kelvin sign
    assertThat(TextTraits.head("a1_", 0, 3)).isNotEqualTo(TextTraits.head("a2_", 0, 3));
    for (String s : new String[] {"0", "zz", "___", "\u4e2d\u6587", "Ab9"}) {
      assertThat(TextTraits.head(s, 0, s.length())).isBetween(0, TextTraits.HEADS - 1);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TextTraits.head("abc", 1, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void emptyText() {
    TextTraits t = TextTraits.of("");
    assertThat(t.asciiDigits()).isZero();
    assertThat(t.longestAsciiGraphicRun()).isZero();
    assertThat(t.mayContain('a')).isFalse();
    assertThat(t.mayContain('\u00e9')).as("non-ASCII is never ruled out").isTrue();
  }

  @Test
  void examples() {
    TextTraits t = TextTraits.of("mail a@b.c, call 555\u00a0123 now!");
    assertThat(t.mayContain('@')).isTrue();
    assertThat(t.mayContain('~')).isFalse();
    assertThat(t.mayContain('\u007f')).isFalse();
    assertThat(t.asciiDigits()).isEqualTo(6);
    assertThat(t.longestAsciiGraphicRun()).isEqualTo(6); // "a@b.c,"
  }

  @Test
  void wordCharacterTableAgreesWithTheJdkForEveryChar() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      assertThat(TextTraits.isWordChar((char) c)).as("U+%04X", c).isEqualTo(isWordChar((char) c));
    }
  }

  @Property(tries = 2000)
  void agreesWithANaiveScan(@ForAll("texts") String text) {
    TextTraits t = TextTraits.of(text);
    for (char c = 0; c < 256; c++) {
      assertThat(t.mayContain(c)).isEqualTo(c >= 128 || text.indexOf(c) >= 0);
    }
    assertThat(t.asciiDigits()).isEqualTo((int) text.chars().filter(c -> c >= '0' && c <= '9').count());
    assertThat(t.hasNonAscii()).isEqualTo(text.chars().anyMatch(c -> c >= 0x80));
    assertThat(t.mayNeedView()).isEqualTo(text.chars().anyMatch(c -> c >= 0x100 || c == 0xa0 || c == 0xad));
    int longest = 0;
    for (String run : text.split("[^!-~]+", -1)) {
      longest = Math.max(longest, run.length());
    }
    assertThat(t.longestAsciiGraphicRun()).isEqualTo(longest);
  }

  @Test
  void latin1CharactersOtherThanNoBreakSpaceAndSoftHyphenNeedNoView() {
    for (char c = 0; c < 0x100; c++) {
      String text = "a" + c + "1 " + c;
      boolean changed = DetectionText.of(text).changed();
      assertThat(changed).as("U+%04X", (int) c).isEqualTo(c == '\u00a0' || c == '\u00ad');
      assertThat(TextTraits.of(text).mayNeedView()).as("U+%04X", (int) c).isEqualTo(changed);
    }
    assertThat(TextTraits.of("café").mayNeedView()).isFalse();
    assertThat(TextTraits.of("cafe\u0301").mayNeedView()).as("a combining mark").isTrue();
    assertThat(TextTraits.of("１２３").mayNeedView()).as("full-width digits").isTrue();
    assertThat(TextTraits.of("a\u200bb").mayNeedView()).as("a zero-width space").isTrue();
  }

  @Property(tries = 2000)
  void aTextThatNeedsNoViewIsItsOwnView(@ForAll("texts") String text) {
    if (!TextTraits.of(text).mayNeedView()) {
      assertThat(DetectionText.of(text).changed()).isFalse();
    }
  }

  @Test
  void words() {
    TextTraits t = TextTraits.of("Call 555-0100, DB_PASS=xé αβ 42");
    assertThat(t.length()).isEqualTo(31);
    assertThat(t.wordCount()).isEqualTo(7);
    assertThat(t.wordStart(0)).isZero();
    assertThat(t.wordEnd(0)).isEqualTo(4);
    assertThat(t.wordIsAsciiDigits(1)).isTrue();
    assertThat(t.wordHasUnderscore(3)).isTrue();
    assertThat(t.wordIsAsciiAlnum(3)).isFalse();
    assertThat(t.wordIsAsciiAlnum(4)).as("xé has a non-ASCII letter").isFalse();
    assertThat(t.wordHasAsciiDigit(4)).isFalse();
    assertThat(t.wordIsAsciiDigits(6)).isTrue();
    assertThat(t.firstWordFrom(5)).isEqualTo(1);
    assertThat(t.firstWordFrom(6)).isEqualTo(2);
    assertThat(t.firstWordFrom(99)).isEqualTo(7);
    assertThat(t.toString()).doesNotContain("Call", "555", "DB_PASS");
  }

  @Property(tries = 2000)
  void wordsAgreeWithANaiveScan(@ForAll("texts") String text) {
    TextTraits t = TextTraits.of(text);
    int k = 0;
    int i = 0;
    java.util.List<Integer> withDigit = new java.util.ArrayList<>();
    while (i < text.length()) {
      if (!isWordChar(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < text.length() && isWordChar(text.charAt(i))) {
        i++;
      }
      String w = text.substring(start, i);
      assertThat(k).isLessThan(t.wordCount());
      assertThat(t.wordStart(k)).isEqualTo(start);
      assertThat(t.wordEnd(k)).isEqualTo(i);
      assertThat(t.wordHasAsciiDigit(k)).isEqualTo(w.chars().anyMatch(c -> c >= '0' && c <= '9'));
      assertThat(t.wordIsAsciiDigits(k)).isEqualTo(w.chars().allMatch(c -> c >= '0' && c <= '9'));
      assertThat(t.wordIsAsciiAlnum(k)).isEqualTo(w.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c)));
      assertThat(t.wordHasUnderscore(k)).isEqualTo(w.indexOf('_') >= 0);
      assertThat(t.wordHead(k)).isEqualTo(TextTraits.head(text, start, i));
      if (w.chars().anyMatch(c -> c >= '0' && c <= '9')) {
        withDigit.add(k);
      }
      k++;
    }
    assertThat(t.wordCount()).isEqualTo(k);
    // the words with a digit, in order: exactly those with wordHasAsciiDigit
    assertThat(t.digitWordCount()).isEqualTo(withDigit.size());
    for (int j = 0; j < withDigit.size(); j++) {
      assertThat(t.digitWord(j)).isEqualTo(withDigit.get(j));
    }
    for (int at = 0; at <= text.length() + 1; at++) {
      int first = 0;
      while (first < t.wordCount() && t.wordStart(first) < at) {
        first++;
      }
      assertThat(t.firstWordFrom(at)).isEqualTo(first);
    }
  }

  /**
   * The string paths (Latin-1 bytes with their table of the characters present, or the char loop) and
   * the char loop a non-String CharSequence takes give the same traits, word for word.
   */
  @Property(tries = 2000)
  void aStringAndACharSequenceOfTheSameTextHaveTheSameTraits(@ForAll("texts") String text) {
    TextTraits s = TextTraits.of(text);
    TextTraits b = TextTraits.of(new StringBuilder(text));
    assertThat(s.asciiLow()).isEqualTo(b.asciiLow());
    assertThat(s.asciiHigh()).isEqualTo(b.asciiHigh());
    assertThat(s.asciiDigits()).isEqualTo(b.asciiDigits());
    assertThat(s.longestAsciiGraphicRun()).isEqualTo(b.longestAsciiGraphicRun());
    assertThat(s.hasNonAscii()).isEqualTo(b.hasNonAscii());
    assertThat(s.mayNeedView()).isEqualTo(b.mayNeedView());
    assertThat(s.length()).isEqualTo(b.length());
    assertThat(s.wordCount()).isEqualTo(b.wordCount());
    for (int k = 0; k < s.wordCount(); k++) {
      assertThat(List.of(s.wordStart(k), s.wordEnd(k), s.wordHead(k))).isEqualTo(List.of(b.wordStart(k), b.wordEnd(k), b.wordHead(k)));
      assertThat(List.of(s.wordHasAsciiDigit(k), s.wordIsAsciiDigits(k), s.wordHasUnderscore(k), s.wordIsAsciiAlnum(k)))
          .isEqualTo(List.of(b.wordHasAsciiDigit(k), b.wordIsAsciiDigits(k), b.wordHasUnderscore(k), b.wordIsAsciiAlnum(k)));
    }
    assertThat(s.digitWordCount()).isEqualTo(b.digitWordCount());
    for (int j = 0; j < s.digitWordCount(); j++) {
      assertThat(s.digitWord(j)).isEqualTo(b.digitWord(j));
    }
  }

  /** Traits computed one after another share nothing: a text's words and characters never show in the next's. */
  @Test
  void consecutiveTextsDoNotSeeEachOther() {
    TextTraits first = TextTraits.of("zebra 12345 @ ~~~~~~~~~~ quux_1");
    TextTraits second = TextTraits.of("a b");
    assertThat(second.mayContain('z')).isFalse();
    assertThat(second.mayContain('@')).isFalse();
    assertThat(second.mayContain('1')).isFalse();
    assertThat(second.asciiDigits()).isZero();
    assertThat(second.wordCount()).isEqualTo(2);
    assertThat(second.digitWordCount()).isZero();
    assertThat(second.longestAsciiGraphicRun()).isEqualTo(1);
    assertThat(first.wordCount()).isEqualTo(3);
    assertThat(first.mayContain('b')).isTrue();
  }

  /** The eight-at-a-time Latin-1 path at the edges of its 8-character blocks and 64-character chunks. */
  @Test
  void asciiTextsAtBlockAndChunkEdges() {
    String[] patterns = {"a", "7", "_", " ", "ab1_ ", "x9 ", "!", "Zz09__~ .", "1 ", "\u00e9", "a\u00e91 ", "1\u00a0",
        "\u00d7\u00ad2"};
    for (int len : new int[] {0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 127, 128, 129, 191, 192, 200}) {
      for (String p : patterns) {
        String text = p.repeat(len / p.length() + 1).substring(0, len);
        agreesWithANaiveScan(text);
        wordsAgreeWithANaiveScan(text);
        agreesWithANaiveScan(" " + text.substring(Math.min(1, len)));
        wordsAgreeWithANaiveScan(text.isEmpty() ? text : text.substring(0, len - 1) + "\t");
      }
    }
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofMaxLength(60),
        Arbitraries.strings().withChars("ab_1 -.\u00e9\u03b1").ofMaxLength(60),
        Arbitraries.strings().withChars("a1 \u2019\u201c\u2014\u4e00\u0660\u3000\u0301").ofMaxLength(60),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60),
        Arbitraries.strings().all().ofMaxLength(30),
        // ASCII and Latin-1 texts longer than one 64-character chunk of the eight-at-a-time path, with long words
        // and runs that cross chunk ends
        Arbitraries.strings().withChars("ab_19Z -.\t~").ofMinLength(50).ofMaxLength(300),
        Arbitraries.strings().withChars("aZ9_").ofMinLength(60).ofMaxLength(200),
        Arbitraries.strings().ascii().ofMinLength(60).ofMaxLength(200),
        Arbitraries.strings().withChars("a\u00e9_1 \u00a0\u00ad9\u00ff\u00d7\u00b5.").ofMinLength(50).ofMaxLength(300),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(60).ofMaxLength(200));
  }
}
