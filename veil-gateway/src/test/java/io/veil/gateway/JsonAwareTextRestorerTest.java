package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import io.veil.core.transform.Restorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON the model writes in a text answer stays JSON after restore (a value with a quote, a backslash and
 * a line break is escaped inside string literals), other text gets the value as it is, and a stream cut
 * anywhere restores to exactly what the whole answer does. Real {@link Restorer}s of veil-core.
 */
class JsonAwareTextRestorerTest {
  static final String VALUE = "Patrick O\"Neil, CORP\\pat\n221B Baker Street";
  static final String EMAIL = "jane.doe@example.com";
  static final Map<String, String> ENTRIES = Map.of("<PERSON_1>", VALUE, "<EMAIL_1>", EMAIL);
  static final Map<String, EntityType> TYPES = Map.of("<PERSON_1>", EntityType.PERSON, "<EMAIL_1>", EntityType.EMAIL);

  /** Restorers over the real core restorer, one per format. */
  static final Restorers RESTORERS = restorers(ENTRIES);

  /** Restorers of the given entries (types as {@link #TYPES}) over the real core restorer, one per format. */
  static Restorers restorers(Map<String, String> entries) {
    Restorer text = Restorer.of(entries, TYPES, RestoreFormat.TEXT);
    Restorer json = Restorer.of(entries, TYPES, RestoreFormat.JSON_STRING);
    return new Restorers() {
      @Override
      public String restore(String s, RestoreFormat format) {
        return (format == RestoreFormat.JSON_STRING ? json : text).restore(s);
      }

      @Override
      public StreamingRestorer streaming(RestoreFormat format) {
        return (format == RestoreFormat.JSON_STRING ? json : text).streaming();
      }
    };
  }

  static final String ESCAPED = VALUE.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("a JSON object answer", "{\"name\": \"<PERSON_1>\", \"mail\": \"<EMAIL_1>\"}",
            "{\"name\": \"" + ESCAPED + "\", \"mail\": \"" + EMAIL + "\"}"),
        Arguments.of("a JSON array answer, blank lines first, value inside a longer string",
            " \n[{\"note\": \"call <PERSON_1> today\"}]", " \n[{\"note\": \"call " + ESCAPED + " today\"}]"),
        Arguments.of("escaped quote and backslash before the token keep it inside the string",
            "{\"a\": \"x\\\"y\\\\\", \"b\": \"\\\"<PERSON_1>\"}", "{\"a\": \"x\\\"y\\\\\", \"b\": \"\\\"" + ESCAPED + "\"}"),
        Arguments.of("a bare token where a value would be is not in a string",
            "{\"n\": <PERSON_1>}", "{\"n\": " + VALUE + "}"),
        Arguments.of("text after the document is text", "{\"a\": [1]}\nThat was \"<PERSON_1>\".",
            "{\"a\": [1]}\nThat was \"" + VALUE + "\"."),
        Arguments.of("plain text with quotes is text; a JSON object after it is JSON",
            "Dear \"<PERSON_1>\", {\"no\": \"<PERSON_1>\"}",
            "Dear \"" + VALUE + "\", {\"no\": \"" + ESCAPED + "\"}"),
        Arguments.of("a fenced json block in prose; text after the fence",
            "Here it is:\n```json\n{\"name\": \"<PERSON_1>\"}\n```\nBye \"<PERSON_1>\"",
            "Here it is:\n```json\n{\"name\": \"" + ESCAPED + "\"}\n```\nBye \"" + VALUE + "\""),
        Arguments.of("tilde fence, upper-case info word, indented, CRLF lines",
            "See\r\n  ~~~~JSON title\r\n[\"<PERSON_1>\"]\r\n  ~~~~\r\n\"<PERSON_1>\"",
            "See\r\n  ~~~~JSON title\r\n[\"" + ESCAPED + "\"]\r\n  ~~~~\r\n\"" + VALUE + "\""),
        Arguments.of("a fence of another language is text", "```python\nname = \"<PERSON_1>\"\n```",
            "```python\nname = \"" + VALUE + "\"\n```"),
        Arguments.of("a shorter fence does not close a longer one",
            "````json\n{\"a\": \"```\"}\n```\n\"<PERSON_1>\"\n````\n\"<PERSON_1>\"",
            "````json\n{\"a\": \"```\"}\n```\n\"" + ESCAPED + "\"\n````\n\"" + VALUE + "\""),
        Arguments.of("an unterminated string ends at the line break",
            "```jsonl\n{\"a\": \"x\n\"<PERSON_1>\"}\n```", "```jsonl\n{\"a\": \"x\n\"" + ESCAPED + "\"}\n```"),
        Arguments.of("a JSON object inside prose, no fence; prose after it is text",
            "Result: {\"name\": \"<PERSON_1>\"} for \"<PERSON_1>\"",
            "Result: {\"name\": \"" + ESCAPED + "\"} for \"" + VALUE + "\""),
        Arguments.of("pretty JSON inside prose, an array of objects, and a second one later",
            "Two:\n[\n  {\n    \"a\": \"<PERSON_1>\"\n  }\n]\nand {\"b\": [\"<EMAIL_1>\", \"<PERSON_1>\"]} end \"<PERSON_1>\"",
            "Two:\n[\n  {\n    \"a\": \"" + ESCAPED + "\"\n  }\n]\nand {\"b\": [\"" + EMAIL + "\", \"" + ESCAPED
                + "\"]} end \"" + VALUE + "\""),
        Arguments.of("brackets in prose not followed by a quote are text",
            "A set {1, \"<PERSON_1>\"} and [a link](\"<PERSON_1>\")",
            "A set {1, \"" + VALUE + "\"} and [a link](\"" + VALUE + "\")"),
        Arguments.of("a dict in a fence of another language is text", "```python\nd = {\"n\": \"<PERSON_1>\"}\n```",
            "```python\nd = {\"n\": \"" + VALUE + "\"}\n```"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void restoresByTheRule(String what, String answer, String expected) {
    assertThat(JsonAwareTextRestorer.restore(answer, RESTORERS)).isEqualTo(expected);
    assertThat(streamed(answer, List.of(1, 2, 3))).as("streamed in 1-3 character chunks").isEqualTo(expected);
  }

  /** Before: a text answer holding JSON got the value inserted raw, and the client's JSON.parse failed. */
  @org.junit.jupiter.api.Test
  void aJsonAnswerStillParsesWithTheValueInIt() throws Exception {
    String answer = "{\"name\": \"<PERSON_1>\", \"list\": [\"<EMAIL_1>\", {\"who\": \"Mr <PERSON_1>\"}]}";
    JsonNode restored = Json.MAPPER.readTree(JsonAwareTextRestorer.restore(answer, RESTORERS));
    assertThat(restored.get("name").asText()).isEqualTo(VALUE);
    assertThat(restored.at("/list/0").asText()).isEqualTo(EMAIL);
    assertThat(restored.at("/list/1/who").asText()).isEqualTo("Mr " + VALUE);
  }

  /** Pushes {@code answer} in chunks of the given sizes, cycling. */
  static String streamed(String answer, List<Integer> sizes) {
    JsonAwareTextRestorer r = new JsonAwareTextRestorer(RESTORERS);
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (int k = 0; i < answer.length(); k++) {
      int n = Math.max(1, sizes.get(k % sizes.size()));
      int end = Math.min(answer.length(), i + n);
      out.append(r.push(answer.substring(i, end)));
      i = end;
    }
    return out.append(r.finish()).toString();
  }

  @Provide
  Arbitrary<String> answerText() {
    return Arbitraries.of("{", "}", "[", "]", "\"", "\\", "\\\"", "\n", "\r\n", "```json\n", "```\n", "~~~\n", "```py\n",
        "<PERSON_1>", "<EMAIL_1>", "<PERSON_", "<EMAIL_1", " ", "  ", "word", ":", ",", "1", "O'Neil", "é")
        .list().ofMaxSize(60).map(l -> String.join("", l));
  }

  /** Whole = streamed: the concatenation of a stream's pieces is the whole answer's restore, however it is cut. */
  @Property(tries = 400)
  void aStreamCutAnywhereRestoresLikeTheWholeAnswer(@ForAll("answerText") String answer,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 12) Integer> chunkSizes) {
    assertThat(streamed(answer, chunkSizes)).isEqualTo(JsonAwareTextRestorer.restore(answer, RESTORERS));
  }

  /** Any JSON document whose strings hold tokens, however it is cut, restores to JSON with the values. */
  @Property(tries = 200)
  void aJsonDocumentWithTokensInItsStringsStaysJson(
      @ForAll @Size(max = 6) List<@net.jqwik.api.constraints.StringLength(max = 12) String> prefixes,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 12) Integer> chunkSizes,
      @ForAll boolean pretty) throws Exception {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < prefixes.size(); i++) {
      String token = i % 2 == 0 ? "<PERSON_1>" : "<EMAIL_1>";
      doc.putArray("k" + i).add(prefixes.get(i) + token).addObject().put("v", token + prefixes.get(i));
      expected.add(prefixes.get(i) + ENTRIES.get(token));
    }
    String answer = pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) : Json.write(doc);
    JsonNode restored = Json.MAPPER.readTree(streamed(answer, chunkSizes));
    for (int i = 0; i < prefixes.size(); i++) {
      assertThat(restored.at("/k" + i + "/0").asText()).isEqualTo(expected.get(i));
    }
  }

  /**
   * Values with quotes, backslashes, control characters, line separators and characters outside the BMP:
   * a JSON object the model writes in the middle of prose (no fence), or as the whole answer, or in declared
   * JSON mode (the whole content restored as JSON string content), restores, whole or cut anywhere, to a
   * document that parses and holds exactly the values.
   */
  @Property(tries = 300)
  void anyValueRestoresIntoJsonAnywhereInTheAnswerAndStillParses(
      @ForAll("hostileValue") String person, @ForAll("hostileValue") String email,
      @ForAll @Size(max = 5) List<@net.jqwik.api.constraints.StringLength(max = 6) String> prefixes,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 12) Integer> chunkSizes,
      @ForAll boolean pretty, @ForAll @IntRange(min = 0, max = 2) int where) throws Exception {
    Map<String, String> entries = Map.of("<PERSON_1>", person, "<EMAIL_1>", email);
    Restorers restorers = restorers(entries);
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("name", "<PERSON_1>");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < prefixes.size(); i++) {
      String token = i % 2 == 0 ? "<EMAIL_1>" : "<PERSON_1>";
      doc.putArray("k" + i).add(prefixes.get(i) + token).addObject().put("v", token);
      expected.add(prefixes.get(i) + entries.get(token));
    }
    String document = pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) : Json.write(doc);
    String prose = "Sure, \"here\" it is:\n";
    String restored = switch (where) {
      case 0 -> streamedWith(new JsonAwareTextRestorer(restorers), prose + document + "\nThanks <PERSON_1>.", chunkSizes);
      case 1 -> streamedWith(new JsonAwareTextRestorer(restorers), document, chunkSizes);
      default -> streamedWith(restorers.streaming(RestoreFormat.JSON_STRING), document, chunkSizes); // JSON mode
    };
    if (where == 0) {
      assertThat(restored).startsWith(prose).endsWith("\nThanks " + person + ".");
      assertThat(JsonAwareTextRestorer.restore(prose + document + "\nThanks <PERSON_1>.", restorers)).isEqualTo(restored);
    }
    String tail = "\nThanks " + person + ".";
    JsonNode back = Json.MAPPER.readTree(where == 0
        ? restored.substring(prose.length(), restored.length() - tail.length()) : restored);
    assertThat(back.get("name").asText()).isEqualTo(person);
    for (int i = 0; i < prefixes.size(); i++) {
      assertThat(back.at("/k" + i + "/0").asText()).isEqualTo(expected.get(i));
      assertThat(back.at("/k" + i + "/1/v").asText()).isEqualTo(entries.get(i % 2 == 0 ? "<EMAIL_1>" : "<PERSON_1>"));
    }
  }

  /** Values made of what breaks JSON: quotes, backslashes, control characters, U+2028, non-BMP characters. */
  @Provide
  Arbitrary<String> hostileValue() {
    Arbitrary<Integer> codePoint = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 0x1f),
        Arbitraries.of((int) '"', (int) '\\', (int) '/', (int) ' ', (int) 'a', 0xE9, 0x2028, 0x1F600, 0x10FFFF),
        Arbitraries.integers().between(0x10000, 0x10FFFF));
    return codePoint.list().ofMinSize(1).ofMaxSize(12).map(cps -> {
      StringBuilder b = new StringBuilder();
      cps.forEach(b::appendCodePoint);
      return b.toString();
    });
  }

  /** Pushes {@code answer} through {@code r} in chunks of the given sizes (cycling). */
  static String streamedWith(StreamingRestorer r, String answer, List<Integer> sizes) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (int k = 0; i < answer.length(); k++) {
      int end = Math.min(answer.length(), i + Math.max(1, sizes.get(k % sizes.size())));
      out.append(r.push(answer.substring(i, end)));
      i = end;
    }
    return out.append(r.finish()).toString();
  }
}
