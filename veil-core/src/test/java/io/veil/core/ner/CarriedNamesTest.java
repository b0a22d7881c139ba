package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CarriedNames}: the sure names of a stream's earlier windows are found in its later windows, within bounds. */
class CarriedNamesTest {

  /** A PERSON finding on the first occurrence of {@code name} in {@code text}, scored as the model scores names. */
  private static Finding person(String text, String name) {
    int at = text.indexOf(name);
    return new Finding(at, at + name.length(), EntityType.PERSON, 0.85, "model");
  }

  /** English-stream names that have seen the window {@code first}, whose one finding is the PERSON {@code name}. */
  private static CarriedNames after(String first, String name) {
    CarriedNames names = new CarriedNames("en");
    assertThat(names.next(first, List.of(person(first, name)))).containsExactly(person(first, name));
    return names;
  }

  /** The values {@link CarriedNames#next} adds to {@code text}, whose own findings are {@code own}. */
  private static List<String> added(CarriedNames names, String text, List<Finding> own) {
    return added(names, text, own, 0, text.length());
  }

  /** The values {@link CarriedNames#next} adds to {@code text} whose part {@code [from, to)} is delivered. */
  private static List<String> added(CarriedNames names, String text, List<Finding> own, int from, int to) {
    List<Finding> out = names.next(text, own, from, to);
    assertThat(out).containsAll(own);
    List<String> values = new ArrayList<>();
    for (Finding f : out) {
      if (!own.contains(f)) {
        assertThat(f.type()).isEqualTo(EntityType.PERSON);
        assertThat(f.recognizer()).isEqualTo(CarriedNames.RECOGNIZER);
        assertThat(f.score()).isEqualTo(0.85);
        values.add(f.value(text));
      }
    }
    return values;
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = ';', textBlock = """
      Patient Wiremu Tapsell was admitted.; Later Tapsell reported chest pain.;  Wiremu Tapsell; Tapsell
      Dear Ms. Jane Okafor, thanks.;        We updated Okafor's account, Jane.; Jane Okafor;    Okafor|Jane
      Patient Wiremu Tapsell was admitted.; Later Tap\u200Bsell reported pain.;  Wiremu Tapsell; Tap\u200Bsell
      Patient Wiremu Tapsell was admitted.; Later \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C left.; Wiremu Tapsell; \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C
      """)
  void aNameOfAnEarlierWindowIsFoundInALaterOne(String first, String later, String name, String expected) {
    CarriedNames names = after(first, name);
    assertThat(added(names, later, List.of())).containsExactly(expected.split("\\|"));
  }

  @Test
  void aWindowWithoutARepeatedNameIsReturnedAsItIs() {
    CarriedNames names = new CarriedNames(null);
    List<Finding> own = List.of(person("Jane Okafor called.", "Jane Okafor"));
    assertThat(names.next("Jane Okafor called.", own)).isSameAs(own);
    List<Finding> none = List.of();
    assertThat(names.next("The report is ready.", none)).isSameAs(none);
  }

  @Test
  void onlyTheDeliveredPartOfAWindowGivesNamesAndConflicts() {
    CarriedNames names = new CarriedNames("en");
    String window = "Patient Wiremu Tapsell was admitted. Later Tapsell left. Tapsell Corp";
    int corp = window.lastIndexOf("Tapsell");
    List<Finding> own = List.of(person(window, "Wiremu Tapsell"),
        new Finding(corp, corp + 12, EntityType.ORGANIZATION, 0.85, "model"));
    // the ORGANIZATION at the cut edge (past the delivered part) stops nothing; the name's mention is found
    assertThat(added(names, window, own, 0, corp)).containsExactly("Tapsell");
    // a window whose name lies in the part that is not delivered remembers nothing
    CarriedNames undelivered = new CarriedNames("en");
    undelivered.next(window, own, 0, 5);
    assertThat(undelivered.seedCount()).isZero();
  }

  @Test
  void aPlaceInAnEarlierOrTheSameWindowStopsTheName() {
    CarriedNames names = after("Michael Jordan called.", "Michael Jordan");
    String place = "She flew to Amman in Jordan last year.";
    int at = place.indexOf("Jordan");
    assertThat(added(names, place, List.of(new Finding(at, at + 6, EntityType.LOCATION, 0.9, "model")))).isEmpty();
    assertThat(added(names, "Jordan said yes. Michael agreed.", List.of())).containsExactly("Michael");
  }

  @Test
  void aLaterWindowsOwnFindingsWinAndAnUnsureOneGivesWay() {
    CarriedNames names = after("Patient Wiremu Tapsell was admitted.", "Wiremu Tapsell");
    String later = "Tapsell met Dr. Tapsell today.";
    int second = later.lastIndexOf("Tapsell");
    Finding sure = new Finding(second - 4, second + 7, EntityType.PERSON, 0.95, "model");
    Finding unsure = new Finding(0, 7, EntityType.PERSON, 0.3, "model");
    List<Finding> out = names.next(later, List.of(unsure, sure));
    // scored as the best seed: the window's own sure "Dr. Tapsell" (0.95) is one too
    assertThat(out).containsExactly(new Finding(0, 7, EntityType.PERSON, 0.95, CarriedNames.RECOGNIZER), sure);
  }

  @Test
  void seedsAreBoundedAndTheLeastRecentlySeenGoesFirst() {
    String kept = "Ngozi Adeyemi signed.";
    CarriedNames names = after(kept, "Ngozi Adeyemi");
    for (int i = 0; i < 2 * CarriedNames.MAX_SEEDS; i++) {
      String name = "Zorblat" + (char) ('a' + i % 26) + (char) ('a' + i / 26) + " Quennick";
      String text = name + " signed.";
      names.next(text, List.of(person(text, name)));
      if (i % 8 == 0) { // seen again: stays among the most recent
        names.next(kept, List.of(person(kept, "Ngozi Adeyemi")));
      }
      assertThat(names.seedCount()).isLessThanOrEqualTo(CarriedNames.MAX_SEEDS);
    }
    assertThat(names.seedCount()).isEqualTo(CarriedNames.MAX_SEEDS);
    assertThat(added(names, "Then Adeyemi left and Quennick stayed.", List.of()))
        .containsExactly("Adeyemi", "Quennick");
    CarriedNames evicting = after(kept, "Ngozi Adeyemi");
    for (int i = 0; i < CarriedNames.MAX_SEEDS; i++) {
      String name = "Zorblat" + (char) ('a' + i % 26) + (char) ('a' + i / 26) + " Quennick";
      evicting.next(name + " signed.", List.of(person(name + " signed.", name)));
    }
    assertThat(added(evicting, "Then Adeyemi left.", List.of())).isEmpty();
  }

  @Test
  void conflictingWordsAreBounded() {
    CarriedNames names = new CarriedNames("en");
    StringBuilder text = new StringBuilder();
    List<Finding> places = new ArrayList<>();
    for (int i = 0; i < 3 * CarriedNames.MAX_CONFLICTS; i++) {
      int at = text.length();
      text.append("Plac").append((char) ('a' + i % 26)).append((char) ('a' + i / 26 % 26))
          .append((char) ('a' + i / 676)).append("ville ");
      places.add(new Finding(at, text.length() - 1, EntityType.LOCATION, 0.9, "model"));
    }
    names.next(text.toString(), places);
    assertThat(names.conflictCount()).isEqualTo(CarriedNames.MAX_CONFLICTS);
  }

  @Test
  void aLongPersonFindingIsNoSeed() {
    CarriedNames names = new CarriedNames("en");
    String text = "Ngozi Adeyemi " + "Okafor ".repeat(40);
    names.next(text, List.of(new Finding(0, text.length() - 1, EntityType.PERSON, 0.85, "model")));
    assertThat(names.seedCount()).isZero();
  }

  /**
   * A word of a place, organization or address longer than any seed is kept by no conflict: it can stop no name,
   * and the model labels a 20,000-letter word ORGANIZATION, so keeping such words (1,024 of them, for the whole
   * stream) let the memory grow with the input. A word as long as a seed still stops the name.
   */
  @Test
  void aConflictingWordLongerThanAnySeedIsNotKept() {
    CarriedNames names = new CarriedNames("en");
    String word = "Q" + "x".repeat(CarriedNames.MAX_SEED_CHARS);
    String text = "She works at " + word + " Inc.";
    int at = text.indexOf(word);
    names.next(text, List.of(new Finding(at, at + word.length(), EntityType.ORGANIZATION, 0.9, "model")));
    assertThat(names.conflictCount()).isZero();
    String longest = "Q" + "x".repeat(CarriedNames.MAX_SEED_CHARS - 1);
    String place = "She works at " + longest + " Inc.";
    names.next(place, List.of(new Finding(at, at + longest.length(), EntityType.ORGANIZATION, 0.9, "model")));
    assertThat(names.conflictCount()).isOne();
  }

  /**
   * The stream's language decides as in the engines' own pass: a German genitive belongs to the name, a sentence's
   * first word outside English and German must be a well-known name; with no language given, each window's is
   * guessed (when a candidate needs it). Fails where the ISO code is read as a text to guess (every code unknown,
   * so every stream English) or a text as an ISO code (every text another language).
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = ';', nullValues = "-", textBlock = """
      de; Sehr geehrter Herr Wiremu Tapsell, danke.; Wir lesen heute Tapsells Bericht und die Notizen.; Tapsells
      - ; Sehr geehrter Herr Wiremu Tapsell, danke.; Wir lesen heute Tapsells Bericht und die Notizen.; Tapsells
      en; Dear Mr. Wiremu Tapsell, thanks.;          We read Tapsells today and the notes.;             -
      es; Estimado Wiremu Tapsell, gracias.;         Tapsell no vino a la reunión con el paciente.;     -
      - ; Estimado Wiremu Tapsell, gracias.;         Tapsell no vino a la reunión con el paciente.;     -
      en; Dear Mr. Wiremu Tapsell, thanks.;          Tapsell did not come to the meeting.;              Tapsell
      - ; Dear Mr. Wiremu Tapsell, thanks.;          Tapsell did not come to the meeting.;              Tapsell
      """)
  void theStreamsLanguageDecidesAsInTheEnginesPass(String language, String first, String later, String expected) {
    CarriedNames names = new CarriedNames(language);
    names.next(first, List.of(person(first, "Wiremu Tapsell")));
    assertThat(added(names, later, List.of())).containsExactlyElementsOf(expected == null ? List.of()
        : List.of(expected));
  }
}
