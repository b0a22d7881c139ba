package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The per-token facts {@link Tokens} computes once (closed-list words' lexicon flags from
 * {@link Lexicon#closedFlags}, case bits, camel case from the tokenizer, title lines counted while
 * tokenizing) equal the direct computations they replace, on texts made of closed-list words, names,
 * places, hyphenated and accented words in every case, and arbitrary strings.
 */
class TokensTest {
  private static final Lexicon LEXICON = GazetteerNerEngine.lexicon();

  private static final List<String> FRAGMENTS = List.of(
      "the", "The", "THE", "in", "In", "İN", "my", "name", "is", "Dear", "Mr", "Dr.", "von", "de", "and", "street",
      "Street", "Straße", "rue", "apt", "Suite", "PO", "Box", "corner", "of", "John", "JOHN", "john", "Smith",
      "Mayo-Walters", "Júlia", "José", "Zoë", "Müller", "München", "Paris", "paris", "New", "York", "OrderService",
      "JavaScript", "PayPal", "McDonald", "iPhone", "ÉCOLE", "naïve", "Ärger", "the-end", "well-known", "O'Brien",
      "don't", "it’s", "Sepi's", "42", "12B", "19th", "A1B", "GB82WEST", ",", ".", ":", "!", "\"", "(", "@", "#",
      "😀", "𝐀bc", "e\u0301", "ǅemal", "ß", "İstanbul", "\u24b6", "a\u216b", "\u24d0");

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> spaced = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(40).map(l -> String.join(" ", l));
    Arbitrary<String> lines = Combinators.combine(Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(40),
        Arbitraries.of(" ", "\n", " \n", "-", "")).as((l, sep) -> String.join(sep, l));
    Arbitrary<String> any = Arbitraries.strings().ofMinLength(1).ofMaxLength(80);
    return Arbitraries.oneOf(spaced, lines, any, Combinators.combine(spaced, any).as((a, b) -> a + " " + b));
  }

  @Property(tries = 1500)
  void closedWordsLookUpAsTheTableDoes(@ForAll("texts") String text) {
    Tokens tk = new Tokens(text, LEXICON);
    for (int t = 0; t < tk.size; t++) {
      if (tk.kind[t] != Tokens.WORD) {
        assertThat(tk.flags[t]).isZero();
        assertThat(tk.plainCode[t]).isZero();
        continue;
      }
      int s = tk.start[t];
      int e = tk.end[t];
      assertThat(tk.plainCode[t]).as("plain code %s", text.substring(s, e)).isEqualTo(Lexicon.plainCode(text, s, e));
      // the chars of a plain word are not hashed: its code finds it; every other word has its hash
      assertThat(tk.rawHash[t]).as("raw hash %s", text.substring(s, e))
          .isEqualTo(tk.plainCode[t] != 0 ? 0 : Lexicon.rawHash(text, s, e));
      assertThat(tk.closed[t]).as("closed %s", text.substring(s, e)).isEqualTo(Closed.mask(text, s, e));
      int direct = LEXICON.lookup(text, s, e);
      if (direct != 0) {
        // an accented word's own flags, plus the name strengths of its ASCII spellings ("José")
        int expected = tk.ascii(t) ? direct : NameSpellings.withFolded(LEXICON, text, s, e, direct);
        assertThat(tk.flags[t]).as("flags %s", text.substring(s, e)).isEqualTo(expected);
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      I met José Ruiz yesterday.    | José
      Zoë called this morning.      | Zoë
      Please ask Søren about it.    | Søren
      Łukasz sent the file.         | Łukasz
      Frau Müller kommt morgen.     | Müller
      Herr Strauß ist da.           | Strauß
      i met josé yesterday          | josé
      """)
  void anAccentedNameHasTheNameStrengthsOfItsAsciiSpelling(String text, String word) {
    int f = flagsOf(text, word);
    assertThat(Lexicon.first(f) + Lexicon.last(f)).as(word).isPositive();
  }

  private static int flagsOf(String text, String word) {
    Tokens tk = new Tokens(text, LEXICON);
    for (int t = 0; t < tk.size; t++) {
      if (tk.start[t] == text.indexOf(word)) {
        return tk.flags[t];
      }
    }
    throw new AssertionError("no token " + word);
  }

  /** Every word of every cue phrase, and the phrase words' kin (upper case, one char more or less). */
  private static final List<String> CUE_WORDS = cueWords();

  private static List<String> cueWords() {
    java.util.Set<String> words = new java.util.TreeSet<>();
    for (String[][] cues : new String[][][] {Words.PERSON_CUES, Words.ORG_CUES, Words.PLACE_PHRASES}) {
      for (String[] cue : cues) {
        for (String w : cue) {
          words.add(w);
          words.add(w.toUpperCase(java.util.Locale.ROOT));
          words.add(w + "s");
          words.add(w.substring(1));
        }
      }
    }
    words.remove("");
    return List.copyOf(words);
  }

  @Provide
  Arbitrary<String> cueTexts() {
    Arbitrary<String> word = Arbitraries.oneOf(Arbitraries.of(CUE_WORDS), Arbitraries.of(FRAGMENTS));
    return Combinators.combine(word.list().ofMinSize(1).ofMaxSize(30), Arbitraries.of(" ", "\n", "", ", "))
        .as((l, sep) -> String.join(sep, l));
  }

  /**
   * The cue-phrase fast path ({@code EntityScanner.Phrase}): a token equals a cue word ({@link Tokens#is}) exactly
   * when the word has a code and the token's plain code is that code, for every word with a code; words
   * without one are compared by {@link Tokens#is} as before.
   */
  @Property(tries = 1000)
  void cueWordCodesMatchExactlyTheTokensThatEqualTheWord(@ForAll("cueTexts") String text) {
    Tokens tk = new Tokens(text, LEXICON);
    for (String[][] cues : new String[][][] {Words.PERSON_CUES, Words.ORG_CUES, Words.PLACE_PHRASES}) {
      for (String[] cue : cues) {
        EntityScanner.Phrase phrase = EntityScanner.Phrase.of(cue);
        for (int k = 0; k < cue.length; k++) {
          long code = phrase.codes()[k];
          if (code == 0) {
            continue;
          }
          for (int t = 0; t < tk.size; t++) {
            assertThat(tk.plainCode[t] == code).as("%s vs token %s", cue[k], text.substring(tk.start[t], tk.end[t]))
                .isEqualTo(tk.is(t, cue[k]));
          }
        }
      }
    }
  }

  @Test
  void cueWordsOfLettersHaveCodesAndPunctuationHasNone() {
    EntityScanner.Phrase p = EntityScanner.Phrase.of(new String[] {"my", "name", "is", ":", "'", "-", "o'neil", "Mr"});
    assertThat(p.codes()[0]).isEqualTo(Lexicon.plainCode("my", 0, 2));
    assertThat(p.codes()[2]).isEqualTo(Lexicon.plainCode("is", 0, 2));
    assertThat(p.codes()[3]).isZero();
    assertThat(p.codes()[4]).isZero();
    assertThat(p.codes()[5]).isZero();
    assertThat(p.codes()[6]).isEqualTo(Lexicon.plainCode("o'neil", 0, 6));
    assertThat(p.codes()[7]).as("an upper-case char never equals a normalised one").isZero();
  }

  @Property(tries = 1500)
  void caseBitsCamelCaseAndTitleLinesEqualTheirDefinitions(@ForAll("texts") String text) {
    Tokens tk = new Tokens(text, LEXICON);
    boolean caseless = text.chars().noneMatch(c -> Character.isUpperCase((char) c));
    assertThat(tk.caseless).isEqualTo(caseless);
    for (int t = -1; t <= tk.size; t++) {
      boolean word = t >= 0 && t < tk.size && tk.kind[t] == Tokens.WORD;
      boolean cap = word && capital(tk, t);
      assertThat(tk.isCap(t)).as("isCap %d in %s", t, text).isEqualTo(cap);
      boolean lower = word && (caseless ? !cap : Character.isLowerCase(text.charAt(tk.start[t])));
      assertThat(tk.isLower(t)).as("isLower %d in %s", t, text).isEqualTo(lower);
      if (word) {
        assertThat(tk.isCamelCase(t)).as("camel %s", text.substring(tk.start[t], tk.end[t]))
            .isEqualTo(camel(text, tk.start[t], tk.end[t]));
      }
    }
    boolean[] title = titleLines(tk);
    for (int t = 0; t < tk.size; t++) {
      assertThat(tk.titleLine(t)).as("title line %d in %s", t, text).isEqualTo(title[t]);
    }
  }

  @Test
  void closedFlagsOfEverySlotAreTheKeysLookUp() {
    int known = 0;
    for (int slot = 0; slot < Closed.SIZE; slot++) {
      String key = Closed.keyAt(slot);
      if (key == null) {
        assertThat(LEXICON.closedFlags(slot)).isEqualTo(Lexicon.UNKNOWN);
        continue;
      }
      int flags = LEXICON.closedFlags(slot);
      if (flags != Lexicon.UNKNOWN) {
        known++;
        assertThat(flags).as(key).isEqualTo(LEXICON.lookup(key, 0, key.length()));
      }
      assertThat(Closed.slot(key, 0, key.length(), Lexicon.rawHash(key, 0, key.length()))).as(key).isEqualTo(slot);
    }
    assertThat(known).isGreaterThan(300);
  }

  @Test
  void upperCaseClosedWordsTakeTheKeysFlags() {
    String text = "THE The the";
    Tokens tk = new Tokens(text, LEXICON);
    int the = LEXICON.lookup("the", 0, 3);
    assertThat(the).isNotZero();
    assertThat(tk.flags).startsWith(the, the, the);
  }

  // ------------------------------------------------------------- the definitions

  private static boolean capital(Tokens tk, int t) {
    String text = tk.text;
    if (tk.caseless) {
      int f = tk.flags[t];
      return (f & (Lexicon.PLACE | Lexicon.FIRST_MASK | (0xF << Lexicon.LAST_SHIFT))) != 0 && (f & Lexicon.COMMON) == 0
          && Character.isLetter(text.charAt(tk.start[t]));
    }
    return Character.isUpperCase(text.codePointAt(tk.start[t]));
  }

  private static boolean camel(String text, int from, int to) {
    int lowerRun = 0;
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (Character.isLowerCase(c)) {
        lowerRun++;
      } else if (Character.isUpperCase(c)) {
        if (lowerRun >= 3) {
          return true;
        }
        lowerRun = 0;
      } else {
        lowerRun = 0;
      }
    }
    return false;
  }

  /** The former two-pass computation over the finished tokens. */
  private static boolean[] titleLines(Tokens tk) {
    boolean[] title = new boolean[tk.size];
    int lineStart = 0;
    int caps = 0;
    int longWords = 0;
    for (int t = 0; t <= tk.size; t++) {
      if (t == tk.size || tk.nlBefore(t) && t > 0) {
        boolean titled = longWords >= 4 && caps * 10 >= longWords * 7;
        for (int u = lineStart; u < t; u++) {
          title[u] = titled;
        }
        lineStart = t;
        caps = 0;
        longWords = 0;
      }
      if (t < tk.size && tk.kind[t] == Tokens.WORD && tk.end[t] - tk.start[t] >= 4) {
        longWords++;
        if (Character.isUpperCase(tk.text.charAt(tk.start[t]))) {
          caps++;
        }
      }
    }
    return title;
  }
}
