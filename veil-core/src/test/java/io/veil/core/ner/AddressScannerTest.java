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
