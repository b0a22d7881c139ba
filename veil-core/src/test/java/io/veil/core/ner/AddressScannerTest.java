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
   * The farthest full street suffix a capitalised word reaches without a number: three name words, then the
   * suffix (3 tokens on); the address starts at the first name word, not at a later one. The scanner visits
   * only the tokens that may start an address, and this is the edge of that window.
   */
  @org.junit.jupiter.api.Test
  void aStreetNameReachesItsSuffixThreeTokensOn() {
    String text = "We walked down Great Old Vizirov Street yesterday.";
    List<Finding> found = GazetteerNerEngine.addressRecognizer().analyze(text, "en");
    assertThat(found).extracting(f -> f.value(text)).containsExactly("Great Old Vizirov Street");
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
  /**
   * Where an address ends: after the house number of a number-last street (de, fr, es, nl), a capitalised
   * run that reads as a name and is closed by a comma is the next entry's person; after any street, a
   * first name + surname is no city. The next person's name stays outside the span,
   * and the address itself is still found whole. Each row: text | the address | a word it must not contain.
   */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Deliver to 12 Main St Mary Smith, then call her. | 12 Main St | Mary
      Inhaber: Hauptstraße 5 Anna Müller, Berlin | Hauptstraße 5 | Anna
      Geschäft Marienburger Straße 12 Klaus Becker, Inhaber | Marienburger Straße 12 | Klaus
      Il loge rue Saint-Jacques, 85 Jean Dupont, son voisin, aussi. | rue Saint-Jacques, 85 | Jean
      Bureau : rue du Centre 32 Pierre Martin, gérant | rue du Centre 32 | Pierre
      Tienda en Calle Mayor 5 María García, propietaria. | Calle Mayor 5 | María
      Winkel Kerkstraat 12 Pieter Jansen, eigenaar. | Kerkstraat 12 | Pieter
      """)
  void anAddressEndsBeforeTheNextPersonsName(String text, String address, String notInside) {
    String t = text.replace("\\n", "\n");
    List<String> found = GazetteerNerEngine.addressRecognizer().analyze(t, "en").stream().map(f -> f.value(t)).toList();
    assertThat(found).anySatisfy(v -> assertThat(v).endsWith(address));
    assertThat(found).noneMatch(v -> v.contains(notInside));
  }

  /** A street-prefix abbreviation ("C" for calle) is followed by a street name, not by a sentence. */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      C Capon lives at 92597 with his sister. | Capon
      R Dubois works at 12 of the sites. | Dubois
      """)
  void aPrefixIsNotFollowedByASentence(String text, String notInside) {
    assertThat(GazetteerNerEngine.addressRecognizer().analyze(text, "en")).extracting(f -> f.value(text))
        .noneMatch(v -> v.contains(notInside));
  }

  /**
   * What an address continues with: unit, city, state, postal code, country, as before; a town at the end
   * of the line after a number-last house number stays in the address.
   */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      I live at 123 Main St Springfield, IL 62704 now. | 123 Main St Springfield, IL 62704
      Ship to 742 Evergreen Terrace, Springfield. | 742 Evergreen Terrace, Springfield
      Ship to 742 Evergreen Terrace\\nSpringfield, OR 97477 | 742 Evergreen Terrace\\nSpringfield, OR 97477
      Adresse: Hauptstraße 5, 10115 Berlin | Hauptstraße 5, 10115 Berlin
      Adresse: Hauptstraße 5 10115 Berlin | Hauptstraße 5 10115 Berlin
      Adresse : rue du Centre 32, 75001 Paris | rue du Centre 32, 75001 Paris
      Dirección: Calle Mayor, 5, 28013 Madrid | Calle Mayor, 5, 28013 Madrid
      Dirección: Calle Mayor 5 Madrid | Calle Mayor 5 Madrid
      Adres: Kerkstraat 12, 1017 GC Amsterdam | Kerkstraat 12, 1017 GC Amsterdam
      Adres: Kerkstraat 12\\nAmsterdam | Kerkstraat 12\\nAmsterdam
      Adres: Kerkstraat 12 Ede\\nTel. 0318 123456 | Kerkstraat 12 Ede
      Write to Suite 5, 100 Pine Street, Denver, CO 80202 | 100 Pine Street, Denver, CO 80202
      """)
  void anAddressKeepsItsCityStateAndPostalCode(String text, String address) {
    String t = text.replace("\\n", "\n");
    String a = address.replace("\\n", "\n");
    assertThat(GazetteerNerEngine.addressRecognizer().analyze(t, "en")).extracting(f -> f.value(t))
        .anySatisfy(v -> assertThat(v).contains(a));
  }
}
