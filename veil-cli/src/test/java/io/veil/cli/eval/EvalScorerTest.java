package io.veil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalScorerTest {

  /** Finds "Bob" and "Alice Smith" as PERSON, "Paris" as LOCATION, and words like "x@y.z" as EMAIL. */
  private static final Recognizer FAKE = new Recognizer() {
    private final Pattern p = Pattern.compile("Bob|Alice|Paris|\\S+@\\S+");

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.PERSON, EntityType.LOCATION, EntityType.EMAIL);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      List<Finding> out = new ArrayList<>();
      Matcher m = p.matcher(text);
      while (m.find()) {
        EntityType t = m.group().contains("@") ? EntityType.EMAIL
            : m.group().equals("Paris") ? EntityType.LOCATION : EntityType.PERSON;
        out.add(new Finding(m.start(), m.end(), t, 0.9, "fake"));
      }
      return out;
    }
  };

  @TempDir
  Path dir;

  private List<EvalExample> read(String... lines) throws IOException {
    Path f = dir.resolve("d.jsonl");
    Files.write(f, List.of(lines));
    return EvalDatasetReader.read(f);
  }

  @Test
  void overlapCountsPartialSpansExactDoesNot() throws IOException {
    List<EvalExample> ex = read(
        "{\"id\":\"1\",\"text\":\"Hi Alice Smith from Paris\",\"spans\":[{\"start\":3,\"end\":14,\"label\":\"PERSON\"},"
            + "{\"start\":20,\"end\":25,\"label\":\"LOCATION\"}]}");
    Analyzer a = Analyzer.builder().addRecognizer(FAKE).build();
    DatasetScore overlap = new EvalScorer(a, MatchMode.OVERLAP, null).score("d", ex);
    DatasetScore exact = new EvalScorer(a, MatchMode.EXACT, null).score("d", ex);
    assertThat(overlap.entities().get("PERSON").tp()).isEqualTo(1);
    assertThat(exact.entities().get("PERSON").tp()).isZero();
    assertThat(exact.entities().get("PERSON").fp()).isEqualTo(1);
    assertThat(exact.entities().get("LOCATION").tp()).isEqualTo(1);
    // " Smith" survives redaction of "Alice" only: the whole gold value is not in the output, so no leak
    assertThat(overlap.micro().leaked()).isZero();
  }

  @Test
  void otherSpansAreIgnoredAndUnlabelledTypesAreNotScored() throws IOException {
    List<EvalExample> ex = read(
        "{\"id\":\"1\",\"text\":\"Bob read Paris Review, mail a@b.c\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PERSON\"},"
            + "{\"start\":9,\"end\":21,\"label\":\"OTHER\"}]}");
    DatasetScore s = new EvalScorer(Analyzer.builder().addRecognizer(FAKE).build(), MatchMode.OVERLAP, null)
        .score("d", ex);
    assertThat(s.entities()).containsOnlyKeys("PERSON");
    assertThat(s.micro().fp()).isZero(); // Paris is inside OTHER; EMAIL is not labelled in this dataset
    assertThat(s.micro().tp()).isEqualTo(1);
  }

  @Test
  void missedValuesLeakAndCodePointOffsetsAreConverted() throws IOException {
    // the emoji is one code point but two UTF-16 units: gold offsets are code points
    List<EvalExample> ex = read(
        "{\"id\":\"1\",\"text\":\"\uD83D\uDE00 Carol and Bob\",\"spans\":[{\"start\":2,\"end\":7,\"label\":\"PERSON\"},"
            + "{\"start\":12,\"end\":15,\"label\":\"PERSON\"}]}");
    assertThat(ex.get(0).spans().get(0).start()).isEqualTo(3);
    DatasetScore s = new EvalScorer(Analyzer.builder().addRecognizer(FAKE).build(), MatchMode.EXACT, null)
        .score("d", ex);
    TypeScore person = s.entities().get("PERSON");
    assertThat(person.tp()).isEqualTo(1);
    assertThat(person.fn()).isEqualTo(1);
    assertThat(person.leaked()).isEqualTo(1);
    assertThat(s.micro().leakRate()).isEqualTo(0.5);
  }

  /** Finds "Paris" as LOCATION and "1 Main St, Paris" as ADDRESS (the longer wins where both occur), "Rome" as ADDRESS. */
  private static final Recognizer PLACES = new Recognizer() {
    private final Pattern p = Pattern.compile("1 Main St, Paris|Paris|Rome|Oslo");

    @Override
    public String name() {
      return "places";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.LOCATION, EntityType.ADDRESS);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      List<Finding> out = new ArrayList<>();
      Matcher m = p.matcher(text);
      while (m.find()) {
        EntityType t = m.group().equals("Paris") || m.group().equals("Oslo") ? EntityType.LOCATION : EntityType.ADDRESS;
        out.add(new Finding(m.start(), m.end(), t, 0.9, "places"));
      }
      return out;
    }
  };

  @Test
  void aTypeGroupCountsAMatchOfAnyMemberTypeAndLeavesTheTypeRowsAlone() throws IOException {
    // gold: "Paris" inside the address labelled LOCATION (found only by the ADDRESS prediction),
    // "Rome" labelled LOCATION (predicted as ADDRESS), "Lyon" labelled ADDRESS (missed),
    // "Oslo" predicted LOCATION with no gold (false positive), "Bob" PERSON (not a member)
    String text = "At 1 Main St, Paris and Rome, not Lyon; Oslo; Bob";
    List<EvalExample> ex = read("{\"id\":\"1\",\"text\":\"" + text + "\",\"spans\":["
        + "{\"start\":14,\"end\":19,\"label\":\"LOCATION\"},{\"start\":24,\"end\":28,\"label\":\"LOCATION\"},"
        + "{\"start\":34,\"end\":38,\"label\":\"ADDRESS\"},{\"start\":46,\"end\":49,\"label\":\"PERSON\"}]}");
    Recognizer both = new Recognizer() {
      @Override
      public String name() {
        return "both";
      }

      @Override
      public Set<EntityType> entityTypes() {
        return Set.of(EntityType.LOCATION, EntityType.ADDRESS, EntityType.PERSON);
      }

      @Override
      public List<Finding> analyze(String t, String language) {
        List<Finding> out = new ArrayList<>(PLACES.analyze(t, language));
        out.addAll(FAKE.analyze(t, language).stream().filter(f -> f.type() == EntityType.PERSON).toList());
        return out;
      }
    };
    Analyzer a = Analyzer.builder().addRecognizer(both).build();
    DatasetScore s = new EvalScorer(a, MatchMode.OVERLAP, null, List.of(TypeGroup.LOCATION_ADDRESS)).score("d", ex);

    TypeScore group = s.groups().get("LOCATION+ADDRESS");
    assertThat(group.gold()).isEqualTo(3);
    assertThat(group.tp()).isEqualTo(2); // Paris (via ADDRESS), Rome (via ADDRESS)
    assertThat(group.fn()).isEqualTo(1); // Lyon
    assertThat(group.fp()).isEqualTo(1); // Oslo
    assertThat(group.matchedPredictions()).isEqualTo(2); // the address and Rome
    assertThat(group.recall()).isEqualTo(2.0 / 3);
    assertThat(group.precision()).isEqualTo(2.0 / 3);
    assertThat(group.leaked()).isEqualTo(1); // Lyon survives redaction
    // per type nothing of the above counts across types
    assertThat(s.entities().get("LOCATION").tp()).isZero();
    assertThat(s.entities().get("LOCATION").fn()).isEqualTo(2);
    assertThat(s.entities().get("ADDRESS").fp()).isEqualTo(2);
    // the group is no entity type and not part of the micro average
    assertThat(s.entities()).containsOnlyKeys("ADDRESS", "LOCATION", "PERSON");
    assertThat(s.micro().gold()).isEqualTo(4);
  }

  @Test
  void aTypeGroupIsScoredOnlyWhereTwoOfItsTypesAreLabelled() throws IOException {
    List<EvalExample> ex = read(
        "{\"id\":\"1\",\"text\":\"Bob in Paris\",\"spans\":[{\"start\":7,\"end\":12,\"label\":\"LOCATION\"}]}");
    Analyzer a = Analyzer.builder().addRecognizer(FAKE).build();
    assertThat(new EvalScorer(a, MatchMode.OVERLAP, null).score("d", ex).groups()).isEmpty();
  }

  @Test
  void typeGroupsParseAndRefuseSingleTypes() {
    assertThat(TypeGroup.parse("location+Address")).isEqualTo(TypeGroup.LOCATION_ADDRESS);
    assertThat(TypeGroup.parse("PERSON+ORGANIZATION+LOCATION").name()).isEqualTo("PERSON+ORGANIZATION+LOCATION");
    for (String bad : List.of("LOCATION", "LOCATION+", "+ADDRESS", "LOCATION+LOCATION", "")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TypeGroup.parse(bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void malformedLineIsNamedWithoutItsText() {
    Path f = dir.resolve("bad.jsonl");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      Files.write(f, List.of("{\"text\":\"ok\",\"spans\":[]}", "{\"text\": \"secret jane@x.org"));
      EvalDatasetReader.read(f);
    }).hasMessageContaining("bad.jsonl:2").hasMessageNotContaining("jane");
  }
}
