package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageGuessTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
      Can you write an email to my landlord about the heating? | en
      Ich habe gestern mit dem Vermieter über die Heizung gesprochen. | de
      El paciente fue ingresado con fiebre y dolor abdominal. | es
      Le directeur est parti avec les documents dans une valise. | fr
      Het bestuur heeft de begroting voor dit jaar niet goedgekeurd. | nl
      12345 67890 !!! | NULL
      """)
  void guessesTheLanguageFromFunctionWords(String text, String expected) {
    assertThat(LanguageGuess.guess(text)).isEqualTo(expected);
  }
}
