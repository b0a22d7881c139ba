package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GazetteerNerEngineTest {
  private static final NerEngine ENGINE = GazetteerNerEngine.load();
  private static final Analyzer ANALYZER = Analyzer.builder().addRecognizer(ENGINE).build();

  /** What the analyzer (default threshold 0.5) reports, as "TYPE=value" strings. */
  private static List<String> found(String text) {
    return found(text, null);
  }

  private static List<String> found(String text, String language) {
    List<String> out = new ArrayList<>();
    for (Finding f : ANALYZER.analyze(text, language)) {
      out.add(f.type() + "=" + f.value(text));
    }
    return out;
  }

  static Stream<Arguments> sentences() {
    return Stream.of(
        // people: first + last, initials, titles, cues, unknown names after a cue, lower case after a cue
        Arguments.of("Please forward this to Jennifer Lopez by Friday.", List.of("PERSON=Jennifer Lopez")),
        Arguments.of("The report was written by Tom I. Holzman last year.", List.of("PERSON=Tom I. Holzman")),
        Arguments.of("Yesterday Mr. Grimes called about the invoice.", List.of("PERSON=Mr. Grimes")),
        Arguments.of("Dear Dr. Brenda Eldarkhanov, thank you.", List.of("PERSON=Dr. Brenda Eldarkhanov")),
        Arguments.of("My name is Rubija and I need help.", List.of("PERSON=Rubija")),
        Arguments.of("my name is nicholas muir", List.of("PERSON=nicholas muir")),
        Arguments.of("I met Krisztián Szöllösy at the station.", List.of("PERSON=Krisztián Szöllösy")),
        Arguments.of("As promised, here's Anna's number.", List.of("PERSON=Anna")),
        Arguments.of("Regards,\nMichael", List.of("PERSON=Michael")),
        // requests to an assistant: the opening verb is not part of the name (Call, Tell are also surnames)
        Arguments.of("Call Jane Doe at noon.", List.of("PERSON=Jane Doe")),
        Arguments.of("Tell Mark Smith the news", List.of("PERSON=Mark Smith")),
        Arguments.of("What's your last name? Turgeon", List.of("PERSON=Turgeon")),
        Arguments.of("Everyone calls me Aantje", List.of("PERSON=Aantje")),
        // code identifiers are neither people nor places
        Arguments.of("NullPointerException in OrderService when the user clicks Submit.", List.of()),
        // places
        Arguments.of("She moved here from New Zealand last year.", List.of("LOCATION=New Zealand")),
        Arguments.of("We flew from Berlin to Toronto.", List.of("LOCATION=Berlin", "LOCATION=Toronto")),
        Arguments.of("I grew up in Oklahoma City.", List.of("LOCATION=Oklahoma City")),
        // organizations
        Arguments.of("She works at Acme Logistics Inc. since May.", List.of("ORGANIZATION=Acme Logistics Inc.")),
        Arguments.of("He studied at the University of Michigan.", List.of("ORGANIZATION=University of Michigan")),
        Arguments.of("Our lawyers are Owens, Duran and Oneal.", List.of("ORGANIZATION=Owens, Duran and Oneal")),
        Arguments.of("The Siemens AG plant closed.", List.of("ORGANIZATION=Siemens AG")),
        // addresses
        Arguments.of("Ship it to 221 Baker Street, London, please.", List.of("ADDRESS=221 Baker Street, London")),
        Arguments.of("Send it to 1317 Kimberly Way\n Apt. 962\n Grand Rapids\n United States 21959",
            List.of("ADDRESS=1317 Kimberly Way\n Apt. 962\n Grand Rapids\n United States 21959")),
        Arguments.of("Ich wohne in der Hauptstraße 5, Berlin.", List.of("ADDRESS=Hauptstraße 5, Berlin")),
        Arguments.of("Meet me at 12 rue du Centre, Paris", List.of("ADDRESS=12 rue du Centre, Paris")),
        Arguments.of("Mail: PSC 2721, Box 8637\nAPO AA 06259", List.of("ADDRESS=PSC 2721, Box 8637\nAPO AA 06259")),
        Arguments.of("My zip code is 71382", List.of("ADDRESS=71382")),
        // a phone number on the line after the address is not part of it
        Arguments.of("96 Via Moiariello 102\n Suite 850\n Calascibetta\n Italy 07512\n0319 3649187-Office",
            List.of("ADDRESS=96 Via Moiariello 102\n Suite 850\n Calascibetta\n Italy 07512")),
        // street words written apart from the name, before the house number (no, hu, tr)
        Arguments.of("He lives in Nordahl Rolfsens vei 187 now.", List.of("ADDRESS=Nordahl Rolfsens vei 187")),
        Arguments.of("The office is at Dózsa György út 78, next to the bank.", List.of("ADDRESS=Dózsa György út 78")),
        Arguments.of("Send it to Bağdat caddesi 12 please", List.of("ADDRESS=Bağdat caddesi 12")),
        Arguments.of("Meet at the corner of Main Street and Elm Avenue.",
            List.of("ADDRESS=the corner of Main Street and Elm Avenue")));
  }

  @ParameterizedTest
  @MethodSource("sentences")
  void findsWhatTheSentenceHolds(String text, List<String> expected) {
    assertThat(found(text)).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> noNames() {
    return Stream.of(
        // names that are also common words, at sentence start or mid-sentence without support
        Arguments.of("Will you mark the bill as paid?"),
        Arguments.of("Hope this helps, and grant me a long weekend."),
        Arguments.of("May I ask what the rose costs?"),
        Arguments.of("Can we meet at noon?"),
        Arguments.of("Capitalized words like Wisdom and Discipline are often mistaken with names."),
        // German nouns are capitalised: no names without evidence
        Arguments.of("Der Hund läuft über die Wiese und die Katze schläft im Garten."),
        Arguments.of("Die Rechnung wurde gestern bezahlt und der Vertrag ist unterschrieben."),
        // identifiers with digits are no names
        Arguments.of("Transfer from GB97LOWW46888763196059 to another account."),
        // an English word before a number is no street ("gate" is a street word only in Norwegian)
        Arguments.of("Boarding is at gate 23, the other flight leaves from Gate 7."),
        // plain numbers are no addresses
        Arguments.of("I have 3 more on the way and 16 b 17 in feb."));
  }

  @ParameterizedTest
  @MethodSource("noNames")
  void suppressesCommonWordsAndGermanNouns(String text) {
    assertThat(found(text)).isEmpty();
  }

  @Test
  void germanModeIsConservativeButKeepsKnownNames() {
    assertThat(found("Gestern hat Michael Schneider die Unterlagen gebracht.", "de"))
        .containsExactly("PERSON=Michael Schneider");
    assertThat(found("Der Antrag und die Vorlage liegen beim Amt.", "de")).isEmpty();
  }

  @Test
  void aLowerCasedNonEnglishTextNeedsAWellKnownNameOrATitle() {
    // before: "PERSON=la santé", "PERSON=la salle du" and "PERSON=que le" (articles the lists know as names)
    assertThat(found("la santé publique et la salle du conseil", "fr")).noneMatch(f -> f.startsWith("PERSON="));
    assertThat(found("que le corbillard passe devant la mairie", "fr")).noneMatch(f -> f.startsWith("PERSON="));
    assertThat(found("jean dupont habite à lyon depuis dix ans", "fr")).contains("PERSON=jean dupont");
    assertThat(found("juan garcía lópez vive en valencia", "es")).contains("PERSON=juan garcía lópez");
    // English lower-case chat keeps its own rules
    assertThat(found("talked to anna kowalski today", "en")).contains("PERSON=anna kowalski");
  }

  @Test
  void weakEvidenceStaysUnderTheDefaultThreshold() {
    // a lone word that is both a first name and a common word is proposed with a low score only
    List<Finding> raw = ENGINE.analyze("We will grant access.", "en");
    assertThat(raw).allMatch(f -> f.score() < 0.5);
  }

  @Test
  void loadIsIdempotentAndThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<List<Finding>>> jobs = new ArrayList<>();
      String text = "Dear Jennifer Lopez, your parcel to 221 Baker Street, London is late. Regards, Acme Ltd";
      for (int i = 0; i < 32; i++) {
        jobs.add(() -> {
          NerEngine e = GazetteerNerEngine.load();
          assertThat(e).isSameAs(ENGINE);
          return e.analyze(text, null);
        });
      }
      List<Finding> expected = ENGINE.analyze(text, null);
      for (Future<List<Finding>> f : pool.invokeAll(jobs)) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void addressRecognizerReportsOnlyAddresses() {
    var r = GazetteerNerEngine.addressRecognizer();
    String text = "Jennifer Lopez lives at 221 Baker Street, London.";
    List<Finding> found = r.analyze(text, null);
    assertThat(found).extracting(Finding::type).containsOnly(EntityType.ADDRESS);
    assertThat(found).extracting(f -> f.value(text)).containsExactly("221 Baker Street, London");
  }

  @Test
  void typesAndName() {
    assertThat(ENGINE.name()).isEqualTo("gazetteer");
    assertThat(ENGINE.entityTypes()).containsExactlyInAnyOrder(
        EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS);
  }

  @Test
  void emptyAndPunctuationOnlyTexts() {
    assertThat(ENGINE.analyze("", null)).isEmpty();
    assertThat(ENGINE.analyze("  \n\t ... ,,, !!!", null)).isEmpty();
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> words = Arbitraries.of(
        "John", "Smith", "Mr.", "Dr", "Paris", "New", "York", "Street", "St.", "Apt", "Suite", "12", "221B",
        "Inc.", "Ltd", "University", "of", "and", ",", ".", "\n", "my", "name", "is", "rue", "Hauptstraße", "5",
        "APO", "AA", "06259", "Box", "PSC", "corner", "the", "Will", "may", "😀", "Zoë", "O'Neil", "-", "'s",
        "'", "Szöllösy", "in", "from", "GmbH", "zip", "code", "Dear", "Regards", "Mayo-Walters", "P.O.", "#");
    Arbitrary<String> seps = Arbitraries.of(" ", "", "\n", ", ", "  ");
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("aA .,'-\n5é😀").ofMaxLength(60),
        words.list().ofMaxSize(40).flatMap(ws -> seps.list().ofSize(ws.size()).map(ss -> {
          StringBuilder b = new StringBuilder();
          for (int i = 0; i < ws.size(); i++) {
            b.append(ws.get(i)).append(ss.get(i));
          }
          return b.toString();
        })));
  }

  @Property(tries = 400)
  void findingsAreInsideTheTextSortedAndNeverOverlap(@ForAll("texts") String text) {
    List<Finding> found = ENGINE.analyze(text, null);
    for (int i = 0; i < found.size(); i++) {
      Finding f = found.get(i);
      assertThat(f.start()).isGreaterThanOrEqualTo(0);
      assertThat(f.end()).isLessThanOrEqualTo(text.length());
      assertThat(f.score()).isBetween(0.0, 1.0);
      // spans never cut a surrogate pair
      assertThat(Character.isLowSurrogate(text.charAt(f.start()))).isFalse();
      if (i > 0) {
        assertThat(found.get(i - 1).end()).isLessThanOrEqualTo(f.start());
      }
    }
  }
}
