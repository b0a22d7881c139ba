package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link NameMentions}: a sure name found once is found everywhere in the text, by the rules of its Javadoc. The
 * table tests give the seeds by hand (so they test the pass, not the model); the engine tests run the real
 * engines, whose per-mention scoring missed each of these mentions before.
 */
class NameMentionsTest {

  /**
   * The value of each finding added to {@code text} when the findings are {@code given}: "TYPE:value:score"
   * items separated by '|', in text order (each value's first occurrence after the item before).
   */
  private static List<String> added(String text, String given, int lang) {
    List<Finding> findings = new ArrayList<>();
    if (!given.isBlank()) {
      int from = 0;
      for (String item : given.split("\\|")) {
        String[] p = item.split(":");
        int at = text.indexOf(p[1], from);
        from = at + p[1].length();
        assertThat(at).as("given value %s is in the text", p[1]).isNotNegative();
        findings.add(new Finding(at, at + p[1].length(), EntityType.of(p[0]), Double.parseDouble(p[2]), "t"));
      }
    }
    findings.sort(java.util.Comparator.comparingInt(Finding::start));
    List<Finding> out = NameMentions.apply(text, List.copyOf(findings), lang, "t");
    for (Finding f : findings) {
      assertThat(out.contains(f) || f.score() < NameMentions.MIN_SEED).isTrue();
    }
    List<String> values = new ArrayList<>();
    for (Finding f : out) {
      if (!findings.contains(f)) {
        assertThat(f.type()).isEqualTo(EntityType.PERSON);
        values.add(f.value(text));
      }
    }
    return values;
  }

  private static List<String> list(String expected) {
    return expected == null || expected.isBlank() ? List.of() : Arrays.asList(expected.split("\\|"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      # mentions found: the surname, the given name, shouted, in a possessive (the 's stays outside)
      Dear Ms. Jane Okafor, your order shipped. Okafor's account is open. Thanks, Jane!; PERSON:Jane Okafor:0.95; Okafor|Jane
      Jane Okafor wrote to us. OKAFOR signed it.; PERSON:Jane Okafor:0.9; OKAFOR
      Jane Okafor wrote to us. Okafor’s reply came.; PERSON:Jane Okafor:0.9; Okafor
      Jane Okafor wrote to us. We thank Okafor.; PERSON:Jane Okafor:0.9; Okafor
      # two parts one space apart are one finding
      Jane Okafor wrote to us. Later JANE OKAFOR called.; PERSON:Jane Okafor:0.9; JANE OKAFOR
      # a text with no capital at all: any case; a text with capitals: lower case is no mention
      hi i met jane okafor today. okafor was late; PERSON:jane okafor:0.85; okafor
      Jane Okafor wrote. then okafor left; PERSON:Jane Okafor:0.9;
      # whole words only: not inside an e-mail, a domain, a handle, a hashtag, a path, a compound or a longer word
      Jane Okafor: Okafor@mail.com Jane.Okafor@mail.com @Okafor #Okafor Okafor.dev /home/Okafor Okafor_1 Okafor-Smith Okafors Okafor2; PERSON:Jane Okafor:0.9;
      # the conflict rule: a part written inside a place or organization finding does not propagate
      Michael Jordan visited Jordan. Jordan scored twice.; PERSON:Michael Jordan:0.9|LOCATION:Jordan:0.85;
      Michael Jordan flew home. He met Jordan Ltd in Amman. Jordan scored.; PERSON:Michael Jordan:0.9|ORGANIZATION:Jordan Ltd:0.8;
      # a part inside an e-mail, URL or handle finding is the person's own there: no conflict, the lone surname is found
      Jane Okafor wrote from jane.okafor@example.com. Okafor signed.; PERSON:Jane Okafor:0.9|EMAIL:jane.okafor@example.com:1.0; Okafor
      Jane Okafor (@okafor_jane) wrote. Okafor signed.; PERSON:Jane Okafor:0.9|USERNAME:@okafor_jane:0.9; Okafor
      Jane Okafor posted okafor.example.org/jane today. Okafor signed.; PERSON:Jane Okafor:0.9|URL:okafor.example.org/jane:0.9; Okafor
      # a place name right after a place cue is the place
      George Washington spoke. He flew to Washington. Washington smiled.; PERSON:George Washington:0.9; Washington
      # titles, particles, suffixes and words under three letters do not propagate
      Ms. Ana de la Vega Jr. wrote. De la Ana came. Ms. Jr. Vega left.; PERSON:Ana de la Vega Jr.:0.9; Ana|Vega
      Dr. Li Wu called. Li and Wu came.; PERSON:Dr. Li Wu:0.95;
      # nothing from a seed under the threshold, nor from one word that is not very sure, nor from a handle
      Jane Okafor wrote to us. Okafor signed.; PERSON:Jane Okafor:0.45;
      Okafor wrote to us. Okafor signed.; PERSON:Okafor:0.85;
      Okafor wrote to us. Later Okafor signed.; PERSON:Okafor:0.95; Okafor
      @JaneOkafor wrote. JaneOkafor signed.; PERSON:@JaneOkafor:0.95;
      # an unsure finding gives way to the mention; an unsure place is no conflict
      Jane Okafor wrote to us. Okafor signed.; PERSON:Jane Okafor:0.9|PERSON:Okafor:0.45; Okafor
      Jane Okafor wrote to us. Okafor Street is near.; PERSON:Jane Okafor:0.9|LOCATION:Okafor Street:0.4; Okafor
      Jane Okafor wrote to us. Okafor Street is near.; PERSON:Jane Okafor:0.9|LOCATION:Okafor Street:0.6;
      # only PERSON seeds
      Acme Okafor Ltd wrote. Okafor signed.; ORGANIZATION:Acme Okafor Ltd:0.95;
      """)
  void propagatesBySeedPartCaseAndConflict(String text, String given, String expected) {
    assertThat(added(text, given, NameMentions.ENGLISH)).containsExactlyElementsOf(list(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      Tom Baker called us. The client Baker said no.; Baker
      Tom Baker called us. Baker said no.;
      Tom Baker called us.\\nBaker said no.;
      tom baker called us. baker said no.;
      """)
  void aPartThatIsACommonWordPropagatesOnlyCapitalisedInsideASentence(String text, String expected) {
    text = text.replace("\\n", "\n");
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    assertThat(lexicon.lookup("baker", 0, 5) & Lexicon.COMMON).as("baker is a common word").isNotZero();
    String seed = text.startsWith("tom") ? "tom baker" : "Tom Baker";
    assertThat(added(text, "PERSON:" + seed + ":0.9", NameMentions.ENGLISH)).containsExactlyElementsOf(list(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      Martin Ketterer wurde 1950 geboren. Ketterers Buch erschien. Ketterer studierte.; 2; Ketterers|Ketterer
      Martin Ketterer was born in 1950. Ketterers came.; 1;
      """)
  void aGermanGenitiveIsPartOfTheMention(String text, int lang, String expected) {
    assertThat(added(text, "PERSON:Martin Ketterer:0.9", lang)).containsExactlyElementsOf(list(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      # an acronym inside a mixed-case seed is no name part; a shouted seed's parts are
      Juan TAC Ruiz came. The TAC was normal. Ruiz left.; PERSON:Juan TAC Ruiz:0.9; 1; Ruiz
      JANE OKAFOR WROTE. OKAFOR SIGNED.; PERSON:JANE OKAFOR:0.9; 1; OKAFOR
      # a word the lists know only as a place is no name part
      Maria Deventer wrote. Deventer replied.; PERSON:Maria Deventer:0.9; 1;
      # outside English and German, a sentence's first word must be a known name; inside a sentence a capital suffices
      Servicio Ruiz llamó. Servicio de urgencias abierto. El Servicio cerró.; PERSON:Servicio Ruiz:0.9; 3; Servicio
      Servicio Ruiz llamó. Servicio de urgencias abierto. El Servicio cerró.; PERSON:Servicio Ruiz:0.9; 1; Servicio|Servicio
      # a part the cased text also writes in lower case is a common noun there
      Servicio Ruiz llamó. El servicio de urgencias abrió. El Servicio cerró. Ruiz vino.; PERSON:Servicio Ruiz:0.9; 3; Ruiz
      # and in a text with no capitals too
      hoy vino servicio ruiz. servicio de urgencias abierto.; PERSON:servicio ruiz:0.9; 3;
      hoy vino pedro ruiz. dijo que pedro estaba bien.; PERSON:pedro ruiz:0.9; 3; pedro
      """)
  void partsAndMentionsByShapeAndLanguage(String text, String given, int lang, String expected) {
    assertThat(added(text, given, lang)).containsExactlyElementsOf(list(expected));
  }

  @org.junit.jupiter.api.Test
  void theListsKnowTheWordsTheTableReliesOn() {
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    int deventer = lexicon.lookup("deventer", 0, 8);
    assertThat(deventer & Lexicon.PLACE).isNotZero();
    assertThat(Lexicon.first(deventer) + Lexicon.last(deventer)).isZero();
    int servicio = lexicon.lookup("servicio", 0, 8);
    assertThat(Lexicon.first(servicio) + Lexicon.last(servicio)).isZero();
    assertThat(Lexicon.first(lexicon.lookup("pedro", 0, 5))).isGreaterThanOrEqualTo(NameMentions.KNOWN_NAME);
    assertThat(lexicon.lookup("washington", 0, 10) & Lexicon.PLACE).isNotZero();
  }

  // --- the engines ---------------------------------------------------------------------------------------

  private static List<String> persons(io.veil.core.NerEngine engine, String text) {
    List<String> out = new ArrayList<>();
    for (Finding f : Analyzer.builder().addRecognizer(engine).build().analyze(text, "en")) {
      if (f.type().equals(EntityType.PERSON)) {
        out.add(f.value(text));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = ';', textBlock = """
      model;     Please forward this to Ngozi Adeyemi before Friday. Adeyemi needs it for the audit.; Adeyemi
      model;     Patient Wiremu Tapsell was admitted on Monday. Tapsell reported chest pain.; Tapsell
      gazetteer; Please forward this to Ngozi Adeyemi before Friday. Adeyemi needs it for the audit.; Adeyemi
      gazetteer; Patient Wiremu Tapsell was admitted on Monday. Tapsell reported chest pain.; Tapsell
      """)
  void bothEnginesCoverTheLoneSurname(String engine, String text, String surname) {
    assertThat(persons(engine.equals("model") ? ModelNerEngine.load() : GazetteerNerEngine.load(), text))
        .contains(surname);
  }

  // --- the property -------------------------------------------------------------------------------------

  private static final String[] WORDS = {"Jane", "Okafor", "jane", "OKAFOR", "Jordan", "the", "Dr.", "van", "Li",
      "Baker", "Washington", "in", "said", "okafor's", "Okafor's", "Ketterers", "mail", "@Okafor", "Okafor@x.com",
      "Okafor-Smith", "x.Okafor", "and", "Moyo", ",", ".", "\n"};

  record Case(String text, List<Finding> findings) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<String>> words = Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(30);
    Arbitrary<List<Integer>> marks = Arbitraries.integers().between(0, 99).list().ofSize(30);
    return Combinators.combine(words, marks).as((ws, ms) -> {
      StringBuilder sb = new StringBuilder();
      int[] starts = new int[ws.size()];
      int[] ends = new int[ws.size()];
      for (int i = 0; i < ws.size(); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        starts[i] = sb.length();
        sb.append(ws.get(i));
        ends[i] = sb.length();
      }
      // findings: runs of one to three words, chosen by the marks (type and score from the mark's value)
      List<Finding> findings = new ArrayList<>();
      int i = 0;
      while (i < ws.size()) {
        int m = ms.get(i);
        if (m < 40) {
          int len = 1 + m % 3;
          int last = Math.min(ws.size(), i + len) - 1;
          EntityType type = m < 28 ? EntityType.PERSON : m < 34 ? EntityType.LOCATION : EntityType.ORGANIZATION;
          double score = new double[] {0.3, 0.5, 0.85, 0.95}[m % 4];
          findings.add(new Finding(starts[i], ends[last], type, score, "t"));
          i = last + 1;
        } else {
          i++;
        }
      }
      return new Case(sb.toString(), List.copyOf(findings));
    });
  }

  @Property(tries = 3000)
  void addsOnlyWholeWordRepeatsOfSeedPartsAndNeverMovesAFinding(@ForAll("cases") Case c) {
    String text = c.text();
    int lang = text.length() % 4;
    boolean german = lang == NameMentions.GERMAN;
    List<Finding> out = NameMentions.apply(text, c.findings(), lang, "t");
    // every sure finding it did not add is there, unchanged; an unsure one is gone only under a mention; the
    // output is sorted and free of overlaps
    for (Finding f : c.findings()) {
      if (!out.contains(f)) {
        assertThat(f.score()).isLessThan(NameMentions.MIN_SEED);
        assertThat(out.stream().anyMatch(m -> !c.findings().contains(m) && m.overlaps(f))).isTrue();
      }
    }
    for (int k = 1; k < out.size(); k++) {
      assertThat(out.get(k).start()).isGreaterThanOrEqualTo(out.get(k - 1).end());
    }
    List<String> parts = new ArrayList<>();
    for (Finding f : c.findings()) {
      if (NameMentions.seed(text, f)) {
        for (String w : f.value(text).split("[^\\p{L}'’]+")) {
          parts.add(w.replaceAll("['’][sS]$", "").toLowerCase(Locale.ROOT));
        }
      }
    }
    for (Finding f : out) {
      if (c.findings().contains(f)) {
        continue;
      }
      assertThat(f.type()).isEqualTo(EntityType.PERSON);
      assertThat(f.score()).isGreaterThanOrEqualTo(NameMentions.MIN_SEED);
      assertThat(f.start() == 0 || !Character.isLetterOrDigit(text.charAt(f.start() - 1))).isTrue();
      assertThat(f.end() == text.length() || !Character.isLetterOrDigit(text.charAt(f.end()))).isTrue();
      for (String w : f.value(text).split(" ")) {
        String lower = w.toLowerCase(Locale.ROOT);
        assertThat(w.length()).isGreaterThanOrEqualTo(NameMentions.MIN_PART);
        assertThat(parts.contains(lower) || german && lower.endsWith("s")
            && parts.contains(lower.substring(0, lower.length() - 1)))
            .as("%s repeats a seed part %s", w, parts).isTrue();
      }
    }
  }
}
