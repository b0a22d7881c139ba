package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Lexicon}'s two tables (packed plain keys, pooled other keys) answer every look-up exactly as a
 * {@link HashMap} of the bundled resource's lines does: the flags of the text's normalised
 * ({@link Lexicon#norm}) chars, or 0.
 */
class LexiconTest {
  private static final Lexicon LEXICON = GazetteerNerEngine.lexicon();
  private static final Map<String, Integer> REFERENCE = reference();
  private static final List<String> KEYS = new ArrayList<>(REFERENCE.keySet());

  private static Map<String, Integer> reference() {
    Map<String, Integer> map = new HashMap<>();
    try (InputStream in = Lexicon.class.getResourceAsStream(Lexicon.RESOURCE);
        BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        int tab = line.indexOf('\t');
        map.putIfAbsent(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return map;
  }

  private static int expected(String text, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      b.append(Lexicon.norm(text.charAt(i)));
    }
    return REFERENCE.getOrDefault(b.toString(), 0);
  }

  @Test
  void everyKeyLooksUpItsFlagsInEveryEntryPoint() {
    int plain = 0;
    for (Map.Entry<String, Integer> e : REFERENCE.entrySet()) {
      String k = e.getKey();
      int want = e.getValue();
      assertThat(LEXICON.lookup(k, 0, k.length())).as(k).isEqualTo(want);
      assertThat(LEXICON.lookup(k, 0, k.length(), Lexicon.rawHash(k, 0, k.length()))).as(k).isEqualTo(want);
      long code = Lexicon.plainCode(k, 0, k.length());
      assertThat(LEXICON.lookup(k, 0, k.length(), Lexicon.rawHash(k, 0, k.length()), code)).as(k).isEqualTo(want);
      if (code != 0) {
        plain++;
      }
      String upper = k.toUpperCase(Locale.ROOT);
      if (upper.length() == k.length()) {
        assertThat(LEXICON.lookup(upper, 0, upper.length())).as(upper).isEqualTo(expected(upper, 0, upper.length()));
      }
    }
    // most keys are plain: the packed table is the one that answers nearly every look-up
    assertThat(plain).isGreaterThan(REFERENCE.size() / 2);
  }

  @Test
  void plainCodesAreInjectiveAndOnlyForShortKeysOfTheAlphabet() {
    assertThat(Lexicon.plainCode("a", 0, 1)).isEqualTo(1);
    assertThat(Lexicon.plainCode("ab", 0, 2)).isEqualTo(1 << 5 | 2);
    assertThat(Lexicon.plainCode("O’Neil", 0, 6)).isEqualTo(Lexicon.plainCode("o'neil", 0, 6)).isNotZero();
    assertThat(Lexicon.plainCode("\u0130STANBUL", 0, 8)).isEqualTo(Lexicon.plainCode("istanbul", 0, 8)).isNotZero();
    assertThat(Lexicon.plainCode("abcdefghij", 0, 10)).isNotZero();
    assertThat(Lexicon.plainCode("abcdefghijk", 0, 11)).isZero();
    assertThat(Lexicon.plainCode("a1", 0, 2)).isZero();
    assertThat(Lexicon.plainCode("new york", 0, 8)).isZero();
    assertThat(Lexicon.plainCode("josé", 0, 4)).isZero();
    assertThat(Lexicon.plainCode("", 0, 0)).isZero();
    // no two different words share a code: "a" + "a" vs "b"-like carries cannot happen with symbols 1..28 < 32
    assertThat(Lexicon.plainCode("aa", 0, 2)).isNotEqualTo(Lexicon.plainCode("a", 0, 1)).isNotEqualTo(Lexicon.plainCode("ba", 0, 2));
  }

  @Provide
  Arbitrary<String> words() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<String> mutated = Combinators.combine(keys, Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 40))
        .as(LexiconTest::mutate);
    Arbitrary<String> alphabet = Arbitraries.strings().withChars("abcdeinorstyzABEIKNSZ'’-é\u0130\u212a1 ")
        .ofMinLength(1).ofMaxLength(14);
    Arbitrary<String> any = Arbitraries.strings().ofMinLength(1).ofMaxLength(14);
    return Arbitraries.oneOf(keys, mutated, alphabet, any);
  }

  /** A key changed the way texts differ from it: case, curly apostrophe, one char more, less or replaced. */
  private static String mutate(String key, int how, int at) {
    int i = at % key.length();
    return switch (how) {
      case 0 -> key.toUpperCase(Locale.ROOT);
      case 1 -> Character.toUpperCase(key.charAt(0)) + key.substring(1);
      case 2 -> key.replace('\'', '\u2019').replace('i', '\u0130').replace('k', '\u212a');
      case 3 -> key.substring(0, i) + key.substring(i + 1);
      case 4 -> key.substring(0, i) + "e" + key.substring(i);
      default -> key.substring(0, i) + (key.charAt(i) == 'z' ? 'a' : (char) (key.charAt(i) + 1)) + key.substring(i + 1);
    };
  }

  @Property(tries = 3000)
  void everyWordLooksUpAsTheMapDoes(@ForAll("words") String word) {
    String text = "x " + word + " y";
    int s = 2;
    int e = 2 + word.length();
    int want = expected(text, s, e);
    assertThat(LEXICON.lookup(text, s, e)).as(word).isEqualTo(want);
    assertThat(LEXICON.lookup(text, s, e, Lexicon.rawHash(text, s, e))).as(word).isEqualTo(want);
    assertThat(LEXICON.lookup(text, s, e, Lexicon.rawHash(text, s, e), Lexicon.plainCode(text, s, e))).as(word)
        .isEqualTo(want);
  }

  @Property(tries = 1000)
  void wordsJoinedBySpacesLookUpAsTheMapDoes(@ForAll("words") String a, @ForAll("words") String b) {
    String text = a + " " + b;
    int[] starts = {0, a.length() + 1};
    int[] ends = {a.length(), text.length()};
    assertThat(LEXICON.lookup(text, starts, ends, 0, 2)).as(text).isEqualTo(expected(text, 0, text.length()));
    assertThat(LEXICON.lookup(text, starts, ends, 1, 2)).as(b).isEqualTo(expected(text, starts[1], ends[1]));
  }
}
