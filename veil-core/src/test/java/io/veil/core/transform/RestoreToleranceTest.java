package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What restore accepts from a model, one row per rule of {@link RestoreIndex}. */
class RestoreToleranceTest {
  static final Map<String, String> ENTRIES = new LinkedHashMap<>();
  static final Map<String, EntityType> TYPES = new LinkedHashMap<>();

  static {
    put("<PERSON_1>", "Jane Doe", EntityType.PERSON);
    put("<PERSON_12>", "Bob Stone", EntityType.PERSON);
    put("<EMAIL_1>", "jane@corp.example", EntityType.EMAIL);
    put("<CUSTOM_ID_3>", "EMP-1", EntityType.of("CUSTOM_ID"));
    put("John Smith", "Maria Garcia", EntityType.PERSON);
    put("Ann Lee", "Kim Park", EntityType.PERSON);
    put("Tom Lee", "Eva Chen", EntityType.PERSON); // "Lee" is ambiguous: never restored alone
    put("Springfield", "Berlin", EntityType.LOCATION);
    put("tim.kay@example.com", "t.k@real.example", EntityType.EMAIL);
  }

  static void put(String token, String value, EntityType type) {
    ENTRIES.put(token, value);
    TYPES.put(token, type);
  }

  static String restore(String text) {
    return Restorer.of(ENTRIES, TYPES, RestoreFormat.TEXT).restore(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # exact tokens and prefix collisions
      Hi <PERSON_1>!                     | Hi Jane Doe!
      Hi <PERSON_12>.                    | Hi Bob Stone.
      <PERSON_1><PERSON_12>              | Jane DoeBob Stone
      <PERSON_123>                       | <PERSON_123>
      <PERSON_2>                         | <PERSON_2>
      # case changes
      Hi <person_1>                      | Hi Jane Doe
      Hi <Person_12>                     | Hi Bob Stone
      # punctuation, possessive, markdown emphasis, quotes, brackets
      <PERSON_1>'s car                   | Jane Doe's car
      <PERSON_1>’s car                   | Jane Doe’s car
      **<PERSON_1>**                     | **Jane Doe**
      _<EMAIL_1>_                        | _jane@corp.example_
      (<PERSON_1>), "<EMAIL_1>"          | (Jane Doe), "jane@corp.example"
      # escaped forms
      &lt;PERSON_1&gt;                   | Jane Doe
      \\<PERSON_1\\>                     | Jane Doe
      <PERSON\\_1>                       | Jane Doe
      <CUSTOM\\_ID\\_3>                  | EMP-1
      # bare tokens: only where they stand alone
      Dear PERSON_1,                     | Dear Jane Doe,
      PERSON_1's                         | Jane Doe's
      person_12 said                     | Bob Stone said
      PERSON\\_1 hi                      | Jane Doe hi
      [PERSON_1]                         | [Jane Doe]
      PERSON_123                         | PERSON_123
      XPERSON_1                          | XPERSON_1
      PERSON_1X                          | PERSON_1X
      MY_PERSON_1                        | MY_PERSON_1
      # a bare token that ends the text may be a longer one cut short (max_tokens): restored only if no
      # longer token of the scope continues it with a digit
      Dear <PERSON_1                     | Dear <PERSON_1
      Dear PERSON_1                      | Dear PERSON_1
      Dear <PERSON_12                    | Dear <Bob Stone
      Dear <PERSON_1 and                 | Dear <Jane Doe and
      Dear <EMAIL_1                      | Dear <jane@corp.example
      # surrogates: whole, any case, as whole words
      John Smith called                  | Maria Garcia called
      JOHN SMITH called                  | Maria Garcia called
      John Smith's                       | Maria Garcia's
      John Smithson                      | Maria Smithson
      Springfield, IL                    | Berlin, IL
      Springfields                       | Springfields
      @Cowboy_Springfield                | @Cowboy_Berlin
      springfield, IL                    | springfield, IL
      mail TIM.KAY@EXAMPLE.COM now       | mail t.k@real.example now
      john smith called                  | Maria Garcia called
      # surrogate name parts: exact case, whole words, unambiguous only
      Mr. Smith agreed                   | Mr. Garcia agreed
      John agreed                        | Maria agreed
      Smith's idea                       | Garcia's idea
      smith agreed                       | smith agreed
      Smiths agreed                      | Smiths agreed
      Ann and Tom Lee                    | Kim and Eva Chen
      Mr. Lee                            | Mr. Lee
      # unicode around tokens
      😀<PERSON_1>😀                      | 😀Jane Doe😀
      é<PERSON_1>                        | éJane Doe
      éPERSON_1                          | éPERSON_1
      """)
  void restores(String text, String expected) {
    assertThat(restore(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"to":"<EMAIL_1>"}               | {"to":"jane@corp.example"}
      \\u003cPERSON_1\\u003e           | Jane Doe
      """)
  void jsonStringTolerance(String text, String expected) {
    assertThat(Restorer.of(ENTRIES, TYPES, RestoreFormat.JSON_STRING).restore(text)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void jsonStringEscapesValues() {
    Restorer r = Restorer.of(Map.of("<PERSON_1>", "Jane \"JD\" Doe\\\n"), Map.of(), RestoreFormat.JSON_STRING);
    assertThat(r.restore("{\"a\":\"<PERSON_1>\"}")).isEqualTo("{\"a\":\"Jane \\\"JD\\\" Doe\\\\\\n\"}");
    Restorer t = Restorer.of(Map.of("<PERSON_1>", "Jane \"JD\" Doe"), Map.of(), RestoreFormat.TEXT);
    assertThat(t.restore("<PERSON_1>")).isEqualTo("Jane \"JD\" Doe");
  }

  /**
   * A value detected through JSON escapes ("Zo\\u00eb", a json.dumps record in the prompt) is already JSON string
   * content: restored into a JSON string it stays as it is, so the answer's document reads the letters again (qa11:
   * its backslashes were escaped a second time). An escaped backslash, a short escape and a quote are still quoted.
   */
  @org.junit.jupiter.api.Test
  void jsonEscapesInAValueAreKeptInAJsonString() throws Exception {
    Restorer r = Restorer.of(Map.of("<PERSON_1>", "Zo\\u00eb S\\u00f8rensen", "<PERSON_2>", "a\\\\u00eb \\u00e\" b"),
        Map.of(), RestoreFormat.JSON_STRING);
    String doc = r.restore("{\"a\":\"<PERSON_1>\",\"b\":\"<PERSON_2>\"}");
    assertThat(doc).isEqualTo("{\"a\":\"Zo\\u00eb S\\u00f8rensen\",\"b\":\"a\\\\\\\\u00eb \\\\u00e\\\" b\"}");
    com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(doc);
    assertThat(parsed.get("a").asText()).isEqualTo("Zo\u00eb S\u00f8rensen");
    assertThat(parsed.get("b").asText()).isEqualTo("a\\\\u00eb \\u00e\" b");
  }

  @org.junit.jupiter.api.Test
  void unknownScopeRestoresNothing() {
    assertThat(Restorer.of(Map.of(), Map.of(), RestoreFormat.TEXT).restore("Hi <PERSON_1>")).isEqualTo("Hi <PERSON_1>");
  }

  @org.junit.jupiter.api.Test
  void encryptedTokensAreCaseSensitive() {
    Restorer r = Restorer.of(Map.of("<EMAIL_enc:AbC>", "x@y.example"), Map.of(), RestoreFormat.TEXT);
    assertThat(r.restore("a <EMAIL_enc:AbC> b <EMAIL_enc:abc>")).isEqualTo("a x@y.example b <EMAIL_enc:abc>");
  }
}
