package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NerModelTrainerTest {
  private static final String[] FIRST = {"Alice", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro",
      "Ines", "Jonas", "Kemal", "Lena", "Marek", "Nadia", "Oskar", "Paula"};
  private static final String[] LAST = {"Berger", "Costa", "Dahl", "Evans", "Ferro", "Gruber", "Haas", "Ivanova",
      "Jansen", "Kowalski", "Lund", "Moreau", "Novak", "Ortiz", "Petrov", "Quist"};
  private static final String[] CITY = {"Oslo", "Porto", "Graz", "Lyon", "Gdansk", "Turku", "Bergen", "Leeds"};
  private static final String[] TEMPLATES = {
      "Yesterday P met P in C .", "P moved to C last year .", "Please call P tomorrow .",
      "The office in C is closed .", "Nothing happened on Monday ."};

  /** A tiny corpus: token texts with PERSON (P) and LOCATION (C) slots. */
  private static List<NerCorpus.Labelled> corpus(long seed, int n) {
    Random r = new Random(seed);
    List<NerCorpus.Labelled> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NerCorpus.Builder b = new NerCorpus.Builder();
      for (String tok : TEMPLATES[r.nextInt(TEMPLATES.length)].split(" ")) {
        switch (tok) {
          case "P" -> {
            b.add(FIRST[r.nextInt(FIRST.length)], "B-PER");
            b.add(LAST[r.nextInt(LAST.length)], "I-PER");
          }
          case "C" -> b.add(CITY[r.nextInt(CITY.length)], "B-LOC");
          default -> b.add(tok, "O");
        }
      }
      out.add(b.build("t" + i, "en"));
    }
    return out;
  }

  private static byte[] bytes(SequenceModel m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.write(out);
    return out.toByteArray();
  }

  @Test
  void learnsTheCorpusAndIsDeterministic() throws Exception {
    NerModelTrainer.Options o = new NerModelTrainer.Options(4, 14, 5);
    SequenceModel a = new NerModelTrainer(o, s -> {}).train(corpus(1, 300), corpus(2, 60));
    SequenceModel b = new NerModelTrainer(o, s -> {}).train(corpus(1, 300), corpus(2, 60));
    assertThat(bytes(a)).isEqualTo(bytes(b));
    SequenceModel c = new NerModelTrainer(new NerModelTrainer.Options(4, 14, 6), s -> {})
        .train(corpus(1, 300), corpus(2, 60));
    assertThat(bytes(c)).isNotEqualTo(bytes(a));

    assertFindsTheCorpusNames(a);
  }

  @Test
  void severalSeedsAverageTheirModelsDeterministically() throws Exception {
    List<NerCorpus.Labelled> train = corpus(1, 300);
    List<NerCorpus.Labelled> select = corpus(2, 60);
    byte[] five = bytes(new NerModelTrainer(new NerModelTrainer.Options(4, 14, 5), s -> {}).train(train, select));
    byte[] six = bytes(new NerModelTrainer(new NerModelTrainer.Options(4, 14, 6), s -> {}).train(train, select));
    List<String> log = new ArrayList<>();
    NerModelTrainer both = new NerModelTrainer(new NerModelTrainer.Options(4, 14, List.of(5L, 6L)), log::add);
    SequenceModel avg = both.train(train, select);
    byte[] fiveSix = bytes(avg);
    // an average, not one of the two models (nor the last one trained), and independent of the order
    assertThat(fiveSix).isNotEqualTo(five).isNotEqualTo(six);
    assertThat(bytes(new NerModelTrainer(new NerModelTrainer.Options(4, 14, List.of(6L, 5L)), s -> {})
        .train(train, select))).isEqualTo(fiveSix);
    assertThat(bytes(new NerModelTrainer(new NerModelTrainer.Options(4, 14, List.of(5L, 6L)), s -> {})
        .train(train, select))).isEqualTo(fiveSix);
    assertThat(log).anyMatch(l -> l.startsWith("average of 2 seeds: selection span F1"));

    assertFindsTheCorpusNames(avg);
  }

  @Test
  void seedsMustBeOneToEightDifferentOnes() {
    assertThatThrownBy(() -> new NerModelTrainer.Options(4, 14, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NerModelTrainer.Options(4, 14, List.of(1L, 1L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NerModelTrainer.Options(4, 14, List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new NerModelTrainer.Options(4, 14, List.of(1L, 2L, 3L)).seeds()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void goldTagsFollowSpansOverTokens() {
    NerCorpus.Builder b = new NerCorpus.Builder();
    b.add("Ask", "O");
    b.add("Jean-Luc", "B-PER");
    b.add("Picard", "I-PER");
    b.add("in", "O");
    b.add("Paris", "I-LOC"); // IOB1: I- starts an entity
    b.add("Lyon", "B-LOC"); // a second entity of the same type right after
    NerCorpus.Labelled l = b.build("x", "en");
    assertThat(l.text()).isEqualTo("Ask Jean-Luc Picard in Paris Lyon");
    int[] tags = NerModelTrainer.goldTags(new ModelTokens(l.text()), l);
    assertThat(tags).containsExactly(0, 1, 2, 0, 3, 3);
  }

  @Test
  void readsEachCorpusFormat(@TempDir Path dir) throws Exception {
    Path conll = dir.resolve("c.conll");
    Files.writeString(conll, "@\tB-PER\nanna\tI-PER\nlikes\tO\nNew\tB-location\nYork\tI-location\n\nok\tO\n");
    List<NerCorpus.Labelled> c = NerCorpus.conll(conll, "c-", "en");
    assertThat(c).hasSize(2);
    assertThat(c.get(0).text()).isEqualTo("@anna likes New York");
    assertThat(spans(c.get(0))).containsExactly("PERSON=@anna", "LOCATION=New York");

    Path germ = dir.resolve("g.tsv");
    Files.writeString(germ, "#\tsource\n1\tKlaus\tB-PER\tO\n2\tfährt\tO\tO\n3\tdeutsche\tB-LOCderiv\tO\n"
        + "4\tAutos\tO\tO\n\n");
    assertThat(spans(NerCorpus.germEval(germ).get(0))).containsExactly("PERSON=Klaus");

    Path enp = dir.resolve("e.bio");
    StringBuilder sb = new StringBuilder("Le O\nmaire O\nde O\nParis I-LOC\nest O\nparti O\n. O\n");
    sb.append("Jean I-PER\nValjean I-PER\nB-PER B-PER\n");
    Files.writeString(enp, sb.toString());
    List<NerCorpus.Labelled> e = NerCorpus.europeana(enp, "fr");
    assertThat(e).hasSize(2);
    assertThat(spans(e.get(0))).containsExactly("LOCATION=Paris");
    assertThat(spans(e.get(1))).containsExactly("PERSON=Jean Valjean", "PERSON=B-PER");

    Path brat = Files.createDirectory(dir.resolve("brat"));
    Files.writeString(brat.resolve("d1.txt"), "Paciente: Ana Ruiz 😀, de Madrid.", StandardCharsets.UTF_8);
    // BRAT offsets count code points: the emoji is one
    Files.writeString(brat.resolve("d1.ann"), "T1\tNOMBRE_SUJETO_ASISTENCIA 10 18\tAna Ruiz\n"
        + "T2\tTERRITORIO 25 31\tMadrid\nT3\tSEXO_SUJETO_ASISTENCIA 0 8\tPaciente\n");
    List<NerCorpus.Labelled> m = NerCorpus.brat(brat, "es");
    assertThat(spans(m.get(0))).containsExactly("PERSON=Ana Ruiz", "LOCATION=Madrid");
  }

  private static void assertFindsTheCorpusNames(SequenceModel model) {
    ModelNerEngine engine = new ModelNerEngine(model, ModelNerEngine.Mode.MODEL);
    String text = "Yesterday Greta Novak met Hiro Dahl in Turku .";
    List<String> found = new ArrayList<>();
    for (Finding f : engine.analyze(text, "en")) {
      found.add(f.type() + "=" + f.value(text));
    }
    assertThat(found).containsExactly("PERSON=Greta Novak", "PERSON=Hiro Dahl", "LOCATION=Turku");
  }

  /** A labelled text's spans as TYPE=text (shared with the other generator tests of this package). */
  static List<String> spans(NerCorpus.Labelled l) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.starts().length; i++) {
      out.add(ModelFeatures.TYPES[l.types()[i]] + "=" + l.text().substring(l.starts()[i], l.ends()[i]));
    }
    return out;
  }

  @Test
  void syntheticPromptsAreDeterministicAndLabelTheirSlots(@TempDir Path dir) throws Exception {
    Path cities = dir.resolve("world-cities.csv");
    Files.writeString(cities, "name,country,subcountry,geonameid\nLeeds,United Kingdom,England,1\nPorto,Portugal,Porto,2\n");
    List<NerCorpus.Labelled> a = SyntheticPrompts.generate(300, 3, cities);
    List<NerCorpus.Labelled> b = SyntheticPrompts.generate(300, 3, cities);
    assertThat(a).hasSizeGreaterThan(250);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).text()).isEqualTo(b.get(i).text());
      assertThat(a.get(i).starts()).isEqualTo(b.get(i).starts());
    }
    assertThat(a).anySatisfy(l -> assertThat(spans(l)).anyMatch(s -> s.startsWith("PERSON=")));
    assertThat(a).anySatisfy(l -> assertThat(spans(l)).anyMatch(s -> s.startsWith("ORGANIZATION=")));
    assertThat(a).anySatisfy(l -> assertThat(spans(l)).isEmpty());
    for (NerCorpus.Labelled l : a) {
      for (String s : spans(l)) {
        assertThat(s).doesNotEndWith(" ").doesNotContain("{");
      }
    }
    assertThat(EntityType.PERSON).isEqualTo(ModelFeatures.TYPES[0]);
  }

  @Test
  void syntheticPromptsMixGermanTextsAndGazetteerNames(@TempDir Path dir) throws Exception {
    Path cities = dir.resolve("world-cities.csv");
    Files.writeString(cities, "name,country,subcountry,geonameid\nLeeds,United Kingdom,England,1\nGraz,Austria,Styria,2\n");
    Path gaz = dir.resolve("gazetteers");
    Files.createDirectories(gaz.resolve("ssa_first_names"));
    Files.createDirectories(gaz.resolve("us_census_1990_names"));
    Files.writeString(gaz.resolve("ssa_first_names/ssa_national_names_aggregated.csv"),
        "name,sex,total_count,first_year,last_year,peak_year,peak_year_count\n"
            + "Zephyrine,F,150,1900,2000,1950,9\nRarely,M,20,1900,2000,1950,1\n");
    Files.writeString(gaz.resolve("us_census_1990_names/dist.all.last"), "QUAGMIRE       0.001  0.001      1\n");
    SyntheticPrompts.NameLists names = SyntheticPrompts.NameLists.read(gaz);
    assertThat(names.firstNames()).containsExactly("Zephyrine"); // under 100 uses: left out
    assertThat(names.surnames()).containsExactly("QUAGMIRE");
    List<NerCorpus.Labelled> a = SyntheticPrompts.generate(600, 5, cities, names);
    assertThat(a).anySatisfy(l -> assertThat(l.lang()).isEqualTo("de"));
    assertThat(a).anySatisfy(l -> assertThat(l.lang()).isEqualTo("en"));
    assertThat(a).filteredOn(l -> l.lang().equals("de")).hasSizeBetween(100, 200); // one in four
    List<String> all = a.stream().flatMap(l -> spans(l).stream()).toList();
    assertThat(all).anyMatch(s -> s.startsWith("PERSON=") && s.contains("Zephyrine"));
    assertThat(all).anyMatch(s -> s.startsWith("PERSON=") && s.contains("Quagmire"));
    assertThat(all).noneMatch(s -> s.contains("Rarely"));
    // round 3: states and regions (from the subcountry column or Datafaker), firms named after people as
    // ORGANIZATION, towns in capitals
    assertThat(all).anyMatch(s -> s.equals("LOCATION=Styria") || s.equals("LOCATION=England"));
    assertThat(all).anyMatch(s -> s.startsWith("ORGANIZATION=") && (s.contains(", ") || s.contains(" and ")));
    assertThat(all).anyMatch(s -> s.equals("LOCATION=LEEDS") || s.equals("LOCATION=GRAZ"));
    // German templates label the name, not the title in front of it
    assertThat(a).filteredOn(l -> l.lang().equals("de") && l.text().contains("Herr "))
        .allSatisfy(l -> assertThat(spans(l)).noneMatch(s -> s.contains("Herr")));
  }

  @Test
  void syntheticPromptsCoverTheRoundFourKindsOfPersonMention(@TempDir Path dir) throws Exception {
    Path cities = dir.resolve("world-cities.csv");
    Files.writeString(cities, "name,country,subcountry,geonameid\nLeeds,United Kingdom,England,1\nGraz,Austria,Styria,2\n");
    List<NerCorpus.Labelled> a = SyntheticPrompts.generate(4000, 11, cities);
    // dialogue with speaker labels: both speakers labelled, at the start of their lines
    assertThat(a).filteredOn(l -> l.text().contains(": Did you lock the door?\n"))
        .isNotEmpty()
        .allSatisfy(l -> {
          assertThat(spans(l)).hasSize(2).allMatch(s -> s.startsWith("PERSON="));
          assertThat(l.starts()[0]).isZero();
          assertThat(l.text().charAt(l.starts()[1] - 1)).isEqualTo('\n');
        });
    // a name as the modifier of a work is a person; the work is not part of the span
    assertThat(a).filteredOn(l -> l.text().endsWith(" biography, more than the film."))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(spans(l)).singleElement().asString().startsWith("PERSON=").doesNotContain("biography"));
    // lower-case chat templates get lower-case names about half the time, and still label them
    List<NerCorpus.Labelled> chat = a.stream().filter(l -> l.text().startsWith("i swear ")).toList();
    assertThat(chat).isNotEmpty();
    assertThat(chat).anySatisfy(l -> assertThat(spans(l)).singleElement().satisfies(
        s -> assertThat(s.substring("PERSON=".length())).isLowerCase()));
    assertThat(chat).anySatisfy(l -> assertThat(Character.isUpperCase(l.text().charAt(l.starts()[0]))).isTrue());
    // one-word brands are organizations
    assertThat(a).filteredOn(l -> l.text().endsWith(" raised 20 million dollars last year."))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(spans(l)).singleElement().asString().startsWith("ORGANIZATION=").doesNotContain(" "));
  }

  @Test
  void syntheticPromptsCoverTheRoundFiveKinds(@TempDir Path dir) throws Exception {
    Path cities = dir.resolve("world-cities.csv");
    Files.writeString(cities, "name,country,subcountry,geonameid\nLeeds,United Kingdom,England,1\nGraz,Austria,Styria,2\n");
    List<NerCorpus.Labelled> a = SyntheticPrompts.generate(6000, 13, cities);
    // a product or make ({V}) is in the text but carries no label: the only span is the person
    List<NerCorpus.Labelled> lent = a.stream().filter(l -> l.text().endsWith(" for the trip.")
        && l.text().contains(" lent me her ")).toList();
    assertThat(lent).isNotEmpty().allSatisfy(l -> {
      assertThat(spans(l)).singleElement().asString().startsWith("PERSON=");
      String product = l.text().substring(l.text().indexOf(" lent me her ") + 13, l.text().length() - 14);
      assertThat(product).isNotBlank().doesNotContain("{");
    });
    // products with no person around them give texts without spans
    assertThat(a).filteredOn(l -> l.text().endsWith(" worth the money?") && l.text().startsWith("Is the "))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(spans(l)).isEmpty());
    // a firm named after its partners is one organization; a list of surnames that are founders is three people
    assertThat(a).filteredOn(l -> l.text().endsWith(" is a consulting firm based in Leeds.")
            || l.text().endsWith(" is a consulting firm based in Graz."))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(spans(l)).first().asString().startsWith("ORGANIZATION="));
    assertThat(a).filteredOn(l -> l.text().startsWith("Our three founders, "))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(spans(l)).hasSize(3).allMatch(s -> s.startsWith("PERSON=")));
  }
}
