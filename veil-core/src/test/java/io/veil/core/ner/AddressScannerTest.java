package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Addresses without any digit: the scanner's early return (no number token and no address word in the
 * text) must not skip them. Each row has just one kind of address word.
 */
class AddressScannerTest {
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      We walked down Vizirov Street yesterday. | Vizirov Street
      Meet at the corner of Main Street and Elm Avenue. | the corner of Main Street and Elm Avenue
      """)
  void digitFreeAddressesAreFound(String text, String address) {
    List<Finding> found = GazetteerNerEngine.addressRecognizer().analyze(text, "en");
    assertThat(found).extracting(f -> f.value(text)).contains(address);
  }

  /**
   * The farthest house number a street can reach from a capitalised word: three name words, the street
   * word, its period, the number (5 tokens on); the address starts at the first name word.
   */
  @org.junit.jupiter.api.Test
  void aStreetReachesItsNumberFiveTokensOn() {
    String text = "Sie wohnt in der Große Alte Neue Michaelkirchstr. 15 seit Jahren.";
    List<Finding> found = GazetteerNerEngine.addressRecognizer().analyze(text, "en");
    assertThat(found).extracting(f -> f.value(text)).anySatisfy(v -> assertThat(v).startsWith("Große Alte Neue Michaelkirchstr. 15"));
  }

  /**
   * Street words written on their own before the house number ({@code STANDALONE}) and full suffixes, in
   * every case: an ASCII word is matched by its plain code or the closed list, a word with other chars by
   * its lower-case String.
   */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Send it to Nordahl Rolfsens vei 187 please. | Nordahl Rolfsens vei 187
      Send it to Nordahl Rolfsens VEI 187 please. | Nordahl Rolfsens VEI 187
      Send it to Nordahl Rolfsens Vei 187 please. | Nordahl Rolfsens Vei 187
      Send it to Hegedűs Gyula utca 7 please. | Hegedűs Gyula utca 7
      Send it to Dózsa György út 78 please. | Dózsa György út 78
      Send it to Dózsa György ÚT 78 please. | Dózsa György ÚT 78
      Send it to Kossuth tér 3 please. | Kossuth tér 3
      Send it to Marienburger Straße 12 please. | Marienburger Straße 12
      Send it to Marienburger STRASSE 12 please. | Marienburger STRASSE 12
      """)
  void standaloneStreetWordsInAnyCase(String text, String address) {
    List<Finding> found = GazetteerNerEngine.addressRecognizer().analyze(text, "en");
    assertThat(found).extracting(f -> f.value(text)).anySatisfy(v -> assertThat(v).startsWith(address));
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      We talked about it yesterday.
      Jennifer Lopez met Mr Smith in Paris.
      """)
  void textsWithoutNumbersOrAddressWordsHaveNone(String text) {
    Tokens tk = new Tokens(text, GazetteerNerEngine.lexicon());
    assertThat(tk.anyNumber).isFalse();
    assertThat(tk.closedUnion & (Closed.LOWER_STARTS | Closed.PREFIXES | Closed.FULL_SUFFIXES)).isZero();
    assertThat(GazetteerNerEngine.addressRecognizer().analyze(text, "en")).isEmpty();
  }
}
