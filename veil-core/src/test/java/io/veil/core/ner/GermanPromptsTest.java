package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GermanPromptsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Schmidt|Schmidts", "Krause|Krauses", "Klaus|Klaus'", "Marx|Marx'", "Seitz|Seitz'", "Strauß|Strauß'",
      "Anna Berg|Anna Bergs", "MÜLLER|MÜLLERS"})
  void genitiveFollowsGermanSpelling(String name, String genitive) {
    assertThat(GermanPrompts.genitive(name)).isEqualTo(genitive);
  }

  @Test
  void templatesUseOnlyKnownSlotsAndRolesAreSingleNouns() {
    for (String t : GermanPrompts.TEMPLATES) {
      assertThat(t.replaceAll("\\{[PFLTCKSONBRGM]}", "")).as(t).doesNotContain("{").doesNotContain("}");
      if (t.contains("{R}")) {
        assertThat(t).as(t).containsPattern("\\{R} \\{[PLF]}"); // a role always stands right before a name
      }
    }
    assertThat(GermanPrompts.TEMPLATES).doesNotHaveDuplicates();
    assertThat(GermanPrompts.ROLES).allSatisfy(r -> assertThat(Character.isUpperCase(r.charAt(0))).isTrue())
        .doesNotHaveDuplicates();
  }

  private static List<String> spans(NerCorpus.Labelled l) {
    return NerModelTrainerTest.spans(l);
  }

  @Test
  void generatedGermanTextsLabelNamesButNotRolesAndKeepTheGenitiveEnding(@TempDir Path dir) throws Exception {
    Path cities = dir.resolve("world-cities.csv");
    Files.writeString(cities, "name,country,subcountry,geonameid\nGraz,Austria,Styria,1\nBern,Switzerland,Bern,2\n");
    List<NerCorpus.Labelled> german = SyntheticPrompts.generate(6000, 13, cities).stream()
        .filter(l -> l.lang().equals("de")).toList();
    assertThat(german).hasSizeBetween(1300, 1700); // one in four of 6,000
    // a role before a name is never part of the PERSON span, and the name after it is labelled
    List<NerCorpus.Labelled> withRole = german.stream()
        .filter(l -> Arrays.stream(GermanPrompts.ROLES).anyMatch(r -> l.text().contains(r + " ")))
        .filter(l -> l.text().contains("kündigte") && l.text().endsWith(" an."))
        .toList();
    assertThat(withRole).isNotEmpty().allSatisfy(l -> {
      String role = Arrays.stream(GermanPrompts.ROLES).filter(r -> l.text().startsWith("Das kündigte " + r + " "))
          .findFirst().orElseThrow();
      int nameStart = ("Das kündigte " + role + " ").length();
      assertThat(l.starts()[0]).isEqualTo(nameStart);
      assertThat(spans(l).get(0)).startsWith("PERSON=").doesNotContain(role);
    });
    // the genitive: labelled with its ending ("Schmidts Amtszeit")
    assertThat(german.stream().filter(l -> l.text().endsWith(" Amtszeit endet im Mai.")).toList())
        .isNotEmpty()
        .allSatisfy(l -> {
          String span = spans(l).get(0);
          assertThat(span).startsWith("PERSON=").matches("PERSON=.*(s|')");
          assertThat(l.ends()[0]).isEqualTo(l.text().indexOf(" Amtszeit"));
        });
    // towns as German writes them ("München", "Mailand") are places
    List<String> places = german.stream().flatMap(l -> spans(l).stream()).filter(x -> x.startsWith("LOCATION=")).toList();
    assertThat(places).anyMatch(x -> Arrays.asList(GermanPrompts.CITIES).contains(x.substring("LOCATION=".length())));
    // {M}: a later mention by surname alone is the surname of the earlier full name
    assertThat(german.stream().filter(l -> l.text().contains(" studierte Physik in ")).toList())
        .isNotEmpty()
        .allSatisfy(l -> {
          List<String> s = spans(l);
          String full = s.get(0).substring("PERSON=".length());
          assertThat(s.get(2)).isEqualTo("PERSON=" + full.substring(full.lastIndexOf(' ') + 1));
        });
  }
}
