package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonPathTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DOC = """
      {"id": 7, "text": "top",
       "a": {"b": "ab", "n": 3},
       "messages": [
         {"role": "user", "content": "c0", "meta": {"content": "deep"}},
         {"role": "assistant", "content": ["not", "a", "string"]},
         {"role": "tool", "content": "c2"}],
       "odd key": {"it's": "quoted"},
       "list": ["x", "y", "z"]}
      """;

  private static List<String> select(String path) throws Exception {
    List<String> seen = new ArrayList<>();
    JsonPath.parse(path).apply(MAPPER.readTree(DOC), (p, v) -> {
      seen.add(p + "=" + v);
      return null;
    });
    return seen;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      $.text                     | $.text=top
      text                       | $.text=top
      $.a.b                      | $.a.b=ab
      a.b                        | $.a.b=ab
      $['a']['b']                | $.a.b=ab
      $.a.n                      | ``
      $.missing.b                | ``
      $.messages[*].content      | $.messages[0].content=c0, $.messages[2].content=c2
      $.messages[0].content      | $.messages[0].content=c0
      $.messages[-1].content     | $.messages[2].content=c2
      $.messages[9].content      | ``
      $..content                 | $.messages[0].content=c0, $.messages[0].meta.content=deep, $.messages[2].content=c2
      $.messages.*.role          | $.messages[0].role=user, $.messages[1].role=assistant, $.messages[2].role=tool
      $['odd key']["it's"]       | $['odd key']['it\\'s']=quoted
      $.list[*]                  | $.list[0]=x, $.list[1]=y, $.list[2]=z
      """)
  void selectsStringsInDocumentOrder(String path, String expected) throws Exception {
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(", "));
    assertThat(select(path)).containsExactlyElementsOf(want);
  }

  @Test
  void recursiveWildcardSelectsEveryStringOnce() throws Exception {
    assertThat(select("$..*")).hasSize(15).contains("$.text=top", "$.messages[0].meta.content=deep",
        "$['odd key']['it\\'s']=quoted").doesNotHaveDuplicates();
  }

  @Test
  void replacesSelectedStringsInPlaceAndKeepsTheRest() throws Exception {
    JsonNode doc = MAPPER.readTree(DOC);
    JsonNode out = JsonPath.parse("$..content").apply(doc, (p, v) -> v.toUpperCase());
    assertThat(out.at("/messages/0/content").asText()).isEqualTo("C0");
    assertThat(out.at("/messages/0/meta/content").asText()).isEqualTo("DEEP");
    assertThat(out.at("/messages/1/content/2").asText()).isEqualTo("string"); // an array, not a string
    assertThat(out.at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(out.at("/id").asInt()).isEqualTo(7);
    assertThat(out.at("/text").asText()).isEqualTo("top");
    assertThat(fieldNames(out)).containsExactly("id", "text", "a", "messages", "odd key", "list");
  }

  @Test
  void replacesARootString() throws Exception {
    JsonNode out = JsonPath.parse("$").apply(MAPPER.readTree("\"hello\""), (p, v) -> "bye");
    assertThat(out.textValue()).isEqualTo("bye");
  }

  @Test
  void definiteOnlyWithoutWildcards() {
    assertThat(JsonPath.parse("$.a.b[0]").isDefinite()).isTrue();
    assertThat(JsonPath.parse("text").isDefinite()).isTrue();
    assertThat(JsonPath.parse("$.a[*].b").isDefinite()).isFalse();
    assertThat(JsonPath.parse("$..b").isDefinite()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "$.", "$.a[", "$.a[x]", "$..", "$['a'", "$a", "$.a..", "$.a[1"})
  void rejectsMalformedPaths(String path) {
    assertThatThrownBy(() -> JsonPath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON path");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
