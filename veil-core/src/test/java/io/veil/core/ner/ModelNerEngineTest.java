package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The bundled model with its rule layer, through an analyzer at the default threshold (0.5). */
class ModelNerEngineTest {
  private static final NerEngine ENGINE = ModelNerEngine.load();
  private static final Analyzer ANALYZER = Analyzer.builder().addRecognizer(ENGINE).build();

  private static List<String> found(String text) {
    List<String> out = new ArrayList<>();
    for (Finding f : ANALYZER.analyze(text, null)) {
      out.add(f.type() + "=" + f.value(text));
    }
    return out;
  }

  static Stream<Arguments> sentences() {
    return Stream.of(
        Arguments.of("Please forward this to Jennifer Lopez by Friday.", List.of("PERSON=Jennifer Lopez")),
        Arguments.of("I met Krisztián Szöllösy at the station.", List.of("PERSON=Krisztián Szöllösy")),
        // the title is not part of the name
        Arguments.of("Dear Dr. Ngozi Okafor, thank you for the report.", List.of("PERSON=Ngozi Okafor")),
        Arguments.of("my name is nicholas muir and i live in leeds", List.of("PERSON=nicholas muir", "LOCATION=leeds")),
        Arguments.of("She moved from Rotterdam to Lisbon last year.", List.of("LOCATION=Rotterdam", "LOCATION=Lisbon")),
        Arguments.of("He works at Siemens in Munich.", List.of("ORGANIZATION=Siemens", "LOCATION=Munich")),
        // German, Spanish, French
        Arguments.of("Angela Merkel traf sich gestern in Berlin mit Vertretern der Deutschen Bank.",
            List.of("PERSON=Angela Merkel", "LOCATION=Berlin", "ORGANIZATION=Deutschen Bank")),
        Arguments.of("El doctor Juan García López trabaja en el Hospital Clínico de Valencia.",
            List.of("PERSON=Juan García López", "ORGANIZATION=Hospital Clínico de Valencia")),
        Arguments.of("Jean Dupont habite à Lyon depuis 2010.", List.of("PERSON=Jean Dupont", "LOCATION=Lyon")),
        // the rule layer's street address wins over the city inside it
        Arguments.of("Send it to 221B Baker Street, London NW1 6XE, United Kingdom.",
            List.of("ADDRESS=221B Baker Street, London", "LOCATION=United Kingdom")),
        // false positives suppressed: weekdays, code identifiers, numbers, Title Case headings
        Arguments.of("Monday works for me.", List.of()),
        Arguments.of("Call getUserName() before saving.", List.of()),
        Arguments.of("The total was 1234 euros.", List.of()),
        Arguments.of("Please Review The Attached Document.", List.of()),
        // a contracted 's after a function word is no possessive of a name
        Arguments.of("Here's the report you asked for.", List.of()),
        Arguments.of("That's what she said.", List.of()),
        // round 4: a lower-case word no name list knows, in cased text, is no name on the model's word alone
        Arguments.of("You will be responsible for the husbandry and care of the animals.", List.of()),
        // the rest of a name the model stopped short of: a name suffix, an initial and a surname
        Arguments.of("I met Kevin Veitonen II at the bank.", List.of("PERSON=Kevin Veitonen II")),
        Arguments.of("Send it to Ana J. Ruiz today.", List.of("PERSON=Ana J. Ruiz")),
        // German round: a surname alone after a verb; a German pronominal adverb at the sentence start is no name
        // (a role noun before the name: aGermanRoleNounIsNotPartOfTheName)
        Arguments.of("Danach verließ Brandauer wütend den Saal.", List.of("PERSON=Brandauer")),
        Arguments.of("Darin sind sich alle Fraktionen einig.", List.of()),
        // round 5: a top first name that is also a town, with no place cue, is a person in English text
        Arguments.of("She named him Brandon.", List.of("PERSON=Brandon")),
        Arguments.of("We drove from Tyler to Dallas.", List.of("LOCATION=Tyler", "LOCATION=Dallas")),
        // round 8: a name ends at a line break (a CV's name line, its job title on the next)
        Arguments.of("Maria K. Lopez\n\nNetwork and computer systems administrator\n\nPersonal Info:",
            List.of("PERSON=Maria K. Lopez")),
        // round 8: a top first name that is also a common word is no common word at a sentence start where the
        // model saw a person; the same words as common words stay unreported
        Arguments.of("Mark will send you the contract tomorrow.", List.of("PERSON=Mark")),
        Arguments.of("Victor and I went hiking.", List.of("PERSON=Victor")),
        Arguments.of("Mark the box when you are done.", List.of()),
        Arguments.of("Grace period ends on Monday.", List.of()),
        // round 9: a first name that is also a common word, before a determiner or object pronoun, is the verb
        Arguments.of("Jack the price up a bit.", List.of()),
        // round 8: the period of the French "M." ends no sentence, so a surname that is also a common word stays
        Arguments.of("L'enquête ouverte par M. Carrier est close.", List.of("PERSON=Carrier")));
  }

  static Stream<Arguments> townsThatArePeople() {
    // text, the one-token LOCATION span, language, whether it is taken as a person
    return Stream.of(
        Arguments.of("She named him Brandon", "Brandon", "en", true),
        Arguments.of("Don't go to town, Brandon!", "Brandon", "en", true),
        Arguments.of("Leon shouted at Gary: \"What are you doing here?\"", "Gary", "en", true),
        Arguments.of("Tyler\nwhere are you", "Tyler", "en", true),
        // a place cue before it, "at" after no verb aimed at someone, ", Region" after it
        Arguments.of("We flew to Brandon last week.", "Brandon", "en", false),
        Arguments.of("She is originally from Tyler.", "Tyler", "en", false),
        Arguments.of("Meet me at Tyler tomorrow.", "Tyler", "en", false),
        Arguments.of("Brandon, Manitoba is cold in winter.", "Brandon", "en", false),
        // not a top first name, also a country, region or common word, lower case, not English
        Arguments.of("She named him Paris", "Paris", "en", false),
        Arguments.of("She named him Chad", "Chad", "en", false),
        Arguments.of("She named him Sofia", "Sofia", "en", false),
        Arguments.of("She named him Mark", "Mark", "en", false),
        Arguments.of("she named him brandon", "brandon", "en", false),
        Arguments.of("Sie nannte ihn Brandon", "Brandon", "de", false));
  }

  @ParameterizedTest
  @MethodSource("townsThatArePeople")
  void aTopFirstNameThatIsAlsoATownIsAPersonWhereNoPlaceCueSaysOtherwise(String text, String word, String lang,
      boolean person) {
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), lang);
    int t = 0;
    while (tk.starts[t] != text.indexOf(word)) {
      t++;
    }
    assertThat(ModelNerEngine.personRatherThanPlace(tk, facts, t)).isEqualTo(person);
  }

  @Test
  void germanNounsAfterAnAttributeAreNoNames() {
    Analyzer german = Analyzer.builder().addRecognizer(ENGINE).build();
    for (String text : List.of("Die Ärzte untersuchten die infektiösen Viren im Labor.",
        "Er verletzte sich beim Training an der rechten Wade.")) {
      assertThat(german.analyze(text, "de")).noneMatch(f -> f.type() == io.veil.core.EntityType.PERSON);
    }
  }

  @ParameterizedTest
  @MethodSource("sentences")
  void findsNamesPlacesAndOrganizations(String text, List<String> expected) {
    assertThat(found(text)).isEqualTo(expected);
  }

  /**
   * A role noun before a German name is not part of it. The guesser counts no function word in this sentence ("die"
   * and "in" are English words too), so without a language the model reads it as English and takes "Landrätin" into
   * the name (docs/notes/names16.md): the sentence is checked as German, as a caller that knows the language gets it.
   */
  @Test
  void aGermanRoleNounIsNotPartOfTheName() {
    String text = "Gestern eröffnete Landrätin Sabine Kuhlmann die neue Schule in Jena.";
    assertThat(ANALYZER.analyze(text, "de")).extracting(f -> f.type() + "=" + f.value(text))
        .containsExactly("PERSON=Sabine Kuhlmann", "LOCATION=Jena");
  }

  @Test
  void namesStartAndEndWithALetterOrDigitNotWithTheSlashOrBracketsAroundThem() {
    String text = "Great movie w/Rachel Weisz . Also starring (Tom Hanks) and \"Meryl Streep\".";
    List<Finding> findings = ANALYZER.analyze(text, null);
    assertThat(findings).isNotEmpty();
    for (Finding f : findings) {
      assertThat(Character.isLetterOrDigit(text.charAt(f.start()))).as(f.value(text)).isTrue();
      assertThat(Character.isLetterOrDigit(text.charAt(f.end() - 1)) || text.charAt(f.end() - 1) == '.')
          .as(f.value(text)).isTrue();
    }
  }

  @Test
  void aHandleOrHashtagKeepsItsSign() {
    // trimming punctuation off a name must not cut the '@' or '#' it is written with (BTC/WNUT label them so)
    String text = "Just saw @TaylorSwift live with #JustinBieber tonight";
    List<String> values = ANALYZER.analyze(text, null).stream().map(f -> f.value(text)).toList();
    assertThat(values).contains("@TaylorSwift", "#JustinBieber");
  }

  static Stream<Arguments> houseNumbers() {
    // text, offset where the name ends, expected end of the street (-1: no house number there)
    return Stream.of(
        Arguments.of("on Peter Zuidhove 188", 17, 21),
        Arguments.of("on Peter Zuidhove 188\nApt. 4", 17, 21),
        Arguments.of("at 6076 Piroska u. 97.\nPorto Alegre", 15, 21),
        Arguments.of("the north side of Joaquin Suarez 2906.", 32, 37),
        Arguments.of("enter on Hoge Wei 32 St. the first", 17, 20),
        Arguments.of("Beispielweg 12b, Graz", 11, 15),
        Arguments.of("Rua Mina 50 Suite 3", 8, 11),
        // no house number: a year, a count, too many digits, a decimal, nothing after the name
        Arguments.of("as Smith 2019) showed", 8, -1),
        Arguments.of("Ask Peter 2 questions", 9, -1),
        Arguments.of("Order 123456.", 5, -1),
        Arguments.of("Anna 3.5 stars", 4, -1),
        Arguments.of("Anna", 4, -1),
        Arguments.of("Anna,", 4, -1));
  }

  @ParameterizedTest
  @MethodSource("houseNumbers")
  void aHouseNumberAfterANameIsFoundOnlyWhereItEndsAClause(String text, int nameEnd, int expected) {
    assertThat(ModelNerEngine.houseNumberAfter(text, nameEnd)).isEqualTo(expected);
  }

  static Stream<Arguments> nameContinuations() {
    // text, tokens of the name the model found, expected tokens of the whole name
    return Stream.of(
        Arguments.of("Maika van der Berg called", 1, 4),
        Arguments.of("benjamin a seiler called", 1, 3),
        Arguments.of("Ana J. Ruiz today", 1, 4),
        Arguments.of("Kevin Veitonen II at noon", 2, 3),
        // not continued: a place, a word better known as a first name, a lower-case word after a capitalised
        // name, a particle or initial with no surname after it, a line break, two spaces
        Arguments.of("Anna de Paris today", 1, 1),
        Arguments.of("Ana Tom and Eve", 1, 1),
        Arguments.of("Anna a story", 1, 1),
        Arguments.of("Anna van the", 1, 1),
        Arguments.of("Ana\nRuiz", 1, 1),
        Arguments.of("Ana  Ruiz", 1, 1),
        // round 8: a name does not end on its particle: the word after it is the surname even when no list knows
        // it, whether the model took the particle in or not; a span of particles alone takes nothing
        Arguments.of("Rania el Amrani called", 2, 3),
        Arguments.of("rania el amrani called", 2, 3),
        Arguments.of("Youssef al Hariri called", 1, 3),
        Arguments.of("Rania el Paris today", 2, 2),
        Arguments.of("de la liberté", 2, 2));
  }

  static Stream<Arguments> selfIntroductions() {
    // text, language, the lower-case name found after the self-introduction (null: none)
    return Stream.of(
        Arguments.of("my name is krisztian and i need help", "en", "krisztian"),
        Arguments.of("My name is zsofia", null, "zsofia"),
        Arguments.of("call me tendai", "en", "tendai"),
        Arguments.of("hi im oluwaseun adeyemi from lagos", "en", "oluwaseun adeyemi"),
        Arguments.of("hey i'm ngozi.", "en", "ngozi"),
        Arguments.of("this is wanjiru kamau, checking on my order", "en", "wanjiru kamau"),
        // states, not names: a common word, a chat abbreviation, a clause that goes on, capitalised words (the
        // model's), a German "im", a cue split by a line break
        Arguments.of("im tired of this", "en", null),
        Arguments.of("call me asap", "en", null),
        Arguments.of("im sooo tired", "en", null),
        Arguments.of("i'm subed and i liked the vid", "en", null),
        Arguments.of("this is ridiculous", "en", null),
        Arguments.of("My name is Krisztian", "en", null),
        Arguments.of("wir waren im edlen hotel", "de", null),
        Arguments.of("my name\nis krisztian", "en", null));
  }

  @ParameterizedTest
  @MethodSource("selfIntroductions")
  void aLowerCaseNameAfterASelfIntroductionIsAPerson(String text, String lang, String expected) {
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), lang);
    List<GazetteerNerEngine.Span> spans = new ArrayList<>();
    ModelNerEngine.selfIntroductions(tk, facts, spans);
    assertThat(spans.stream().map(s -> text.substring(s.start(), s.end())).toList())
        .isEqualTo(expected == null ? List.of() : List.of(expected));
    assertThat(spans).allMatch(s -> s.type() == io.veil.core.EntityType.PERSON && s.score() >= 0.5);
  }

  @Test
  void lowerCaseNamesAfterASelfIntroductionAreFoundThroughTheEngine() {
    for (String[] c : new String[][] {{"my name is krisztian and i need help", "krisztian"},
        {"call me tendai", "tendai"}, {"hi im oluwaseun adeyemi from lagos", "oluwaseun adeyemi"}}) {
      assertThat(ANALYZER.analyze(c[0], "en")).as(c[0])
          .anyMatch(f -> f.type() == io.veil.core.EntityType.PERSON && f.value(c[0]).equals(c[1]));
    }
  }

  @Test
  void aSelfIntroductionJoinsTheModelsPartOfTheName() {
    String text = "this is wanjiru kamau, checking on my order";
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), "en");
    List<GazetteerNerEngine.Span> spans = new ArrayList<>(List.of(
        new GazetteerNerEngine.Span(16, 21, io.veil.core.EntityType.PERSON, 0.85)));
    ModelNerEngine.selfIntroductions(tk, facts, spans);
    assertThat(spans).containsExactly(new GazetteerNerEngine.Span(8, 21, io.veil.core.EntityType.PERSON, 0.85));
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Patient: Nasser Al Suwaidi, 54, presents | Nasser         | Nasser Al Suwaidi
      tell rania el amrani i will be late      | rania          | rania el amrani
      tell rania el amrani i will be late      | rania el       | rania el amrani
      Ask Rania Van Dijk today                 | Rania          | Rania Van Dijk
      ask anna van the keys                    | anna           | anna
      ask anna de paris                        | anna           | anna
      ask rania                                | rania          | rania
      ask rania el                             | rania          | rania
      """)
  void aRuleLayerNameBeforeAParticleTakesTheParticleAndTheSurnameAfterIt(String text, String name, String expected) {
    int start = text.indexOf(name);
    assertThat(text.substring(start, ModelNerEngine.ruleNameEnd(text, start, start + name.length())))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      tell rania el amrani i will be late | rania el       | rania el amrani
      Ask Rania El Amrani today           | Rania El       | Rania El Amrani
      ask anna van the keys               | anna van       | anna van
      ask anna de paris                   | anna de        | anna de
      en faveur de la liberté             | de la          | de la
      ask rania el Amrani                 | rania el       | rania el
      ask rania                           | rania          | rania
      """)
  void aRuleLayerNameThatEndsOnAParticleTakesTheSurnameAfterIt(String text, String name, String expected) {
    int start = text.indexOf(name);
    assertThat(text.substring(start, ModelNerEngine.surnameAfterParticle(text, start, start + name.length())))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Patient: Nasser Al Suwaidi, 54, presents   | Al Suwaidi        | true
      Contact Omar El Khoury, 12 Main St         | El Khoury         | true
      Biuro: Warszawa, Al Jerozolimskie 54       | Al Jerozolimskie  | false
      Adres: Al. Jerozolimskie 54                | Al. Jerozolimskie | false
      we met at Al Hamra 12                      | Al Hamra          | false
      """)
  void anArabicArticleAfterANameIsNoStreetPrefix(String text, String address, boolean article) {
    assertThat(ModelNerEngine.articleAfterName(text, text.indexOf(address))).isEqualTo(article);
  }

  @Test
  void anArabicNameFollowedByAnAgeIsAPersonNotAnAddress() {
    String text = "Patient: Nasser Al Suwaidi, 54, presents with chest pain.";
    List<Finding> findings = ANALYZER.analyze(text, "en");
    assertThat(findings).noneMatch(f -> f.type() == io.veil.core.EntityType.ADDRESS);
    assertThat(findings).anyMatch(f -> f.type() == io.veil.core.EntityType.PERSON && f.value(text).contains("Suwaidi"));
  }

  @ParameterizedTest
  @MethodSource("nameContinuations")
  void aPersonSpanContinuesOverParticlesInitialsSuffixesAndAKnownSurname(String text, int found, int expected) {
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), "en");
    int[] tags = new int[tk.size];
    tags[0] = 1;
    for (int t = 1; t < found; t++) {
      tags[t] = 2;
    }
    assertThat(ModelNerEngine.nameContinues(tk, facts, found, tk.size, tags, 0)).isEqualTo(expected);
  }

  /** German: a capitalised word right after an inflected attribute in lower case is a noun, not a name. */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Die Ärzte fanden die infektiösen Viren.       | Viren     | true
      Er verletzte sich an der rechten Wade.        | Wade      | true
      Sie wohnt in einem kleinen Dorf.              | Dorf      | true
      Sie sprach mit dem alten Freund.              | Freund    | true
      Die Werke zahlreicher Autoren lagen dort.     | Autoren   | false
      Bis dahin hatten Pinnick und Tabor Zeit.      | Pinnick   | false
      Dort traf er den 14-jährigen Wise.            | Wise      | false
      Das Spiel gegen Mario ging verloren.          | Mario     | false
      Er sprach mit dem Trainer.                    | Trainer   | false
      Danach sagte Brandauer nichts mehr.           | Brandauer | false
      Viren                                         | Viren     | false
      Das Ende der AUSGABEN Liste.                  | Liste     | false
      """)
  void aGermanAttributeBeforeACapitalisedWordMakesItANoun(String text, String word, boolean expected) {
    assertThat(ModelNerEngine.afterGermanAttribute(text, text.indexOf(word))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      par M. Carrier est       | Carrier | true
      J. Baker called          | Baker   | true
      M. Pot                   | Pot     | true
      the U.S. Army            | Army    | false
      it ended. Baker          | Baker   | false
      Mr. Baker                | Baker   | false
      Plan B.Baker             | Baker   | false
      """)
  void aWordAfterAnInitialOrTheFrenchMonsieurIsNoSentenceStart(String text, String word, boolean expected) {
    assertThat(ModelNerEngine.afterInitial(text, text.indexOf(word))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Mark the date in your calendar.  | Mark  | true
      Jack the price up a bit.         | Jack  | true
      Sue them if they do not pay.     | Sue   | true
      Grant us access to the folder.   | Grant | true
      Bill your client for the hours.  | Bill  | true
      Mark sent the date yesterday.    | Mark  | false
      Mark, the date is wrong.         | Mark  | false
      Mark The Date                    | Mark  | false
      Mark  the date                   | Mark  | false
      Mark                             | Mark  | false
      """)
  void aDeterminerOrObjectPronounAfterTheFirstWordMakesItAVerb(String text, String word, boolean expected) {
    ModelTokens tk = new ModelTokens(text);
    int t = 0;
    while (tk.starts[t] != text.indexOf(word)) {
      t++;
    }
    assertThat(ModelNerEngine.imperativeBeforeObject(tk, t)).isEqualTo(expected);
  }

  @Test
  void aPossessiveIsToldFromAContraction() {
    String owned = "verses from Kevin Lamovec's Cautionary Tales";
    assertThat(ModelNerEngine.afterPossessive(owned, owned.indexOf("Cautionary"))).isTrue();
    String curly = "from Ana\u2019s Garden";
    assertThat(ModelNerEngine.afterPossessive(curly, curly.indexOf("Garden"))).isTrue();
    String contraction = "As promised, here's Gregorina's address";
    assertThat(ModelNerEngine.afterPossessive(contraction, contraction.indexOf("Gregorina"))).isFalse();
    String its = "Hi, it's Bo";
    assertThat(ModelNerEngine.afterPossessive(its, its.indexOf("Bo"))).isFalse();
    String none = "Ask Bo";
    assertThat(ModelNerEngine.afterPossessive(none, none.indexOf("Bo"))).isFalse();
    assertThat(ModelNerEngine.afterPossessive("'s Bo", 3)).isFalse();
  }

  @Test
  void codeIdentifiersAreRecognised() {
    assertThat(ModelNerEngine.codeIdentifier("user_id", 0, 7)).isTrue();
    assertThat(ModelNerEngine.codeIdentifier("getName", 0, 7)).isTrue();
    assertThat(ModelNerEngine.codeIdentifier("Save() now", 0, 4)).isTrue();
    assertThat(ModelNerEngine.codeIdentifier("McDonald", 0, 8)).isFalse();
    assertThat(ModelNerEngine.codeIdentifier("Anna Smith", 0, 10)).isFalse();
    // a handle with underscores is a name written the social-media way, not code
    assertThat(ModelNerEngine.codeIdentifier("@mike_jones", 0, 11)).isFalse();
    assertThat(ModelNerEngine.codeIdentifier("thanks @_dave_p_ !", 7, 16)).isFalse();
    assertThat(ModelNerEngine.codeIdentifier("ask @mike_jones.", 4, 15)).isFalse();
    // but a decorator or member access stays code
    assertThat(ModelNerEngine.codeIdentifier("@login_required(x)", 0, 15)).isTrue();
    assertThat(ModelNerEngine.codeIdentifier("@my_app.route", 0, 7)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"david_2012", "mike_the_man", "Tom_hardy_", "chris_p_bacon", "sarahlee_x"})
  void aNameFoundOnPartOfAHandleCoversTheWholeHandle(String handle) {
    // the tokenizer splits "@david_2012" at '_'; a name on "@david" alone sent "_2012" to the provider
    String text = "omg @" + handle + " this is so good";
    assertThat(found(text)).containsExactly("PERSON=@" + handle);
  }

  @Test
  void aSpanInsideAHandleWidensToTheWholeHandleAndOthersStayAsTheyAre() {
    assertThat(ModelNerEngine.handleAt("hi @mike_jones!", 3, 8)).isEqualTo(3);
    assertThat(ModelNerEngine.handleAt("hi @mike_jones!", 4, 8)).isEqualTo(3);
    assertThat(ModelNerEngine.handleAt("hi @MikeJones!", 8, 13)).isEqualTo(3);
    assertThat(ModelNerEngine.handleEnd("hi @mike_jones!", 3, 8)).isEqualTo(14);
    assertThat(ModelNerEngine.handleEnd("hi @mike_jones!", 3, 14)).isEqualTo(14);
    assertThat(ModelNerEngine.handleAt("Mike_Jones here", 0, 4)).isEqualTo(-1);
    assertThat(ModelNerEngine.handleAt("mail mike_j@acme_corp.org", 12, 16)).as("an address").isEqualTo(-1);
    assertThat(ModelNerEngine.handleAt("hi @mike Jones", 4, 14)).as("runs past the handle").isEqualTo(-1);
    assertThat(ModelNerEngine.handleEnd("@" + "a".repeat(50), 0, 5)).as("too long for a handle").isEqualTo(5);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "|", textBlock = """
      la santé publique et la salle du conseil         | fr | 0  | 8   | false
      que le corbillard passe devant la mairie         | fr | 0  | 17  | false
      madame la comtesse de la tour est arrivée        | fr | 19 | 24  | false
      el paciente fue visto en la sala de urgencias    | es | 25 | 45  | false
      jean dupont habite à lyon                        | fr | 0  | 11  | true
      juan garcía lópez vive en valencia               | es | 0  | 17  | true
      der arzt hat mit frau müller gesprochen          | de | 22 | 28  | true
      hablé con el sr. garcía ayer                     | es | 17 | 23  | true
      hola, me llamo xiomara quispe y vivo en lima     | es | 15 | 29  | true
      hallo, ich heiße jannik bröckelmann und wohne in köln | de | 17 | 35 | true
      je m'appelle tiphaine lemaitre                   | fr | 13 | 30  | true
      mijn naam is sanne de wit                        | nl | 13 | 25  | true
      la salle du conseil                              | fr | 3  | 19  | false
      """)
  void aNameInATextWithNoCapitalsOutsideEnglishNeedsAWellKnownNameWordOrATitle(String text, String lang, int start,
      int end, boolean evidence) {
    assertThat(ModelNerEngine.nameEvidence(text, start, end)).as(text.substring(start, end)).isEqualTo(evidence);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "|", textBlock = """
      la santé publique et la salle du conseil         | fr | ''
      que le corbillard passe devant la mairie         | fr | ''
      madame la comtesse de la tour est arrivée        | fr | ''
      el paciente fue visto por el doctor en la sala de urgencias | es | ''
      jean dupont habite à lyon depuis dix ans         | fr | jean dupont
      der arzt hat mit frau müller gesprochen          | de | müller
      me llamo xiomara quispe                          | es | xiomara quispe
      mi nombre es xiomara quispe                      | es | xiomara quispe
      ich heiße jannik bröckelmann und wohne in köln   | de | jannik bröckelmann
      """)
  void articlesAndNounsInALowerCasedNonEnglishTextAreNoPersons(String text, String lang, String name) {
    // before: "la santé", "la salle du conseil", "que le corbillard", "de la", "la sala de urgencias" were PERSONs
    // (the rule layer pairs articles that the lists also know as names with the noun after them). A name after a
    // self-introduction is one, known to the lists or not (review16: "xiomara quispe", "jannik bröckelmann" were
    // found by the model and the rule layer on f498b60, and dropped by the rule that asked for name evidence)
    List<String> persons = new ArrayList<>();
    for (Finding f : ANALYZER.analyze(text, lang)) {
      if (f.type() == io.veil.core.EntityType.PERSON) {
        persons.add(f.value(text));
      }
    }
    assertThat(persons).isEqualTo(name.isEmpty() ? List.of() : List.of(name));
  }

  @Test
  void loadIsIdempotentAndModesShareTheModel() {
    assertThat(ModelNerEngine.load()).isSameAs(ENGINE);
    assertThat(ModelNerEngine.load(ModelNerEngine.Mode.MODEL)).isSameAs(ENGINE);
    assertThat(ModelNerEngine.load(ModelNerEngine.Mode.UNION).name()).isEqualTo("model-union");
  }

  @Test
  void aModelFileThatIsNoModelFailsWithItsNameOnly(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.bin.gz");
    Files.writeString(f, "Jane Doe lives here");
    assertThatThrownBy(() -> ModelNerEngine.load(f, ModelNerEngine.Mode.MODEL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bad.bin.gz")
        .hasMessageNotContaining("Jane");
  }

  @Test
  void longTextsAreDecodedInWindowsAndStillFound() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      sb.append("The weather was fine and nothing happened on day ").append(i).append(". ");
    }
    int at = sb.length();
    sb.append("Then Jennifer Lopez arrived.");
    String text = sb.toString();
    List<Finding> fs = ENGINE.analyze(text, null);
    assertThat(fs).anySatisfy(f -> {
      assertThat(f.start()).isGreaterThanOrEqualTo(at);
      assertThat(f.value(text)).isEqualTo("Jennifer Lopez");
    });
  }

  @Test
  void concurrentAnalysesEqualSequentialOnes() throws Exception {
    List<String> texts = sentences().map(a -> (String) a.get()[0]).toList();
    List<List<Finding>> expected = texts.stream().map(t -> ENGINE.analyze(t, null)).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        fs.add(pool.submit(() -> {
          for (int k = 0; k < texts.size(); k++) {
            if (!ENGINE.analyze(texts.get(k), null).equals(expected.get(k))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : fs) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> words = Arbitraries.of("Jennifer", "Lopez", "Dr.", "Berlin", "Siemens", "GmbH", "the", "and",
        "in", "\n", ",", ".", "12", "Street", "😀", "é", "'s", "@anna", "#Paris", "O'Brien", "getName()", " ");
    return words.list().ofMaxSize(60).map(l -> String.join(" ", l));
  }

  @Property(tries = 300)
  void findingsAreInsideSortedAndNeverOverlap(@ForAll("texts") String text) {
    assertFindingsWellFormed(text);
  }

  @Property(tries = 200)
  void anyStringIsHandled(@ForAll String text) {
    assertFindingsWellFormed(text);
  }

  private static void assertFindingsWellFormed(String text) {
    List<Finding> fs = ENGINE.analyze(text, null);
    int last = 0;
    for (Finding f : fs) {
      assertThat(f.start()).isGreaterThanOrEqualTo(last);
      assertThat(f.end()).isLessThanOrEqualTo(text.length());
      assertThat(f.score()).isBetween(0.0, 1.0);
      assertThat(Character.isLowSurrogate(text.charAt(f.start()))).isFalse();
      assertThat(ENGINE.entityTypes()).contains(f.type());
      last = f.end();
    }
  }
  // --- text of unknown language ---------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(delimiter = ';', nullValues = "null", textBlock = """
      Regards, Judy Okafor;                null; en
      Judy Okafor, 555-0100;               null; en
      Thanks for the report, Judy.;        null; en
      Der Bericht ist fertig, Judy.;       null; de
      Gracias por el informe, Judy.;       null; es
      Judy Okafor;                         fr;   fr
      José Müller;                         null; en
      """)
  void theModelReadsTextOfUnknownLanguageAsEnglish(String text, String given, String expected) {
    assertThat(ModelNerEngine.featureLanguage(given != null ? given : LanguageGuess.guess(text))).isEqualTo(expected);
  }

  /** Texts with no function word of any language (the guess is null): the model reads them as English. */
  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      Wiremu Tapsell (Sales);   PERSON=Wiremu Tapsell
      Tapsell, Wiremu;          PERSON=Tapsell
      """)
  void findsNamesInTextOfUnknownLanguage(String text, String expected) {
    assertThat(LanguageGuess.guess(text)).isNull();
    assertThat(found(text)).contains(expected);
  }

  /**
   * The gateway's path: text in German, Dutch or French analysed without a language is read as it is with its
   * language given. The guesser read each of these as English before (from "was"/"will", "is"/"was", "On"), and the
   * English reading took the title into the name ("Frau Meier") or the sentence's first word for one ("De",
   * "Lundi"); see docs/notes/names17.md.
   */
  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      Was sie will: Frau Meier trifft Klaus Becker in Bonn.;       de; PERSON=Frau Meier
      De vrouw die gisteren Anna de Vries zag, is naar Utrecht.;   nl; PERSON=De
      On Lundi, Monsieur Georges Durand est arrivé.;               fr; PERSON=Lundi
      """)
  void textOfAnotherLanguageWithoutALanguageIsReadAsWithIt(String text, String language, String wrong) {
    List<String> guessed = ANALYZER.analyze(text).stream().map(f -> f.type() + "=" + f.value(text)).toList();
    List<String> given = ANALYZER.analyze(text, language).stream().map(f -> f.type() + "=" + f.value(text)).toList();
    assertThat(guessed).isEqualTo(given).doesNotContain(wrong).anyMatch(f -> f.startsWith("PERSON="));
  }
}
