package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The central property of restore: for any text and any way of cutting it into chunks, the
 * concatenated output of a {@link StreamingRestorer} equals {@link Restorer#restore(String)} of the
 * whole text — and no output piece ends in the middle of a surrogate pair.
 */
class StreamingRestorePropertyTest {
  private static final Map<String, String> ENTRIES = new LinkedHashMap<>();
  private static final Map<String, EntityType> TYPES = new LinkedHashMap<>();

  static {
    put("<PERSON_1>", "Jane \"Doe\"", EntityType.PERSON);
    put("<PERSON_12>", "Bob 😀 Stone", EntityType.PERSON);
    put("<PERSON_123>", "Zoë", EntityType.PERSON);
    put("<EMAIL_1>", "jane@corp.example", EntityType.EMAIL);
    put("<EMAIL_enc:AbC-_9>", "enc@corp.example", EntityType.EMAIL);
    put("John Smith", "Maria Garcia", EntityType.PERSON);
    put("Johnny Smithers", "Kim Park", EntityType.PERSON);
    put("Ann Lee", "Kim Lo", EntityType.PERSON);
    put("Tom Lee", "Eva Chen", EntityType.PERSON);
    put("Springfield", "Berlin", EntityType.LOCATION);
    put("😀x", "emoji-surrogate", EntityType.USERNAME);
    put("4111 1111 1111 1111", "5500 0000 0000 0004", EntityType.CREDIT_CARD);
  }

  private static void put(String token, String value, EntityType type) {
    ENTRIES.put(token, value);
    TYPES.put(token, type);
  }

  /** Pieces that stress the matcher: whole tokens, prefixes, near misses, escapes, unicode. */
  private static final List<String> PIECES = List.of(
      "<PERSON_1>", "<PERSON_12>", "<PERSON_123>", "<PERSON_1234>", "<PERSON_", "<PERSON", "<PER", "<", ">",
      "<person_1>", "<Person_12>", "PERSON_1", "PERSON_12", "person_1", "PERSON\\_1", "<PERSON\\_12>",
      "&lt;PERSON_1&gt;", "&lt;", "&gt;", "\\<PERSON_1\\>", "\\u003cPERSON_1\\u003e", "\\u003c", "_", "1", "2",
      "<EMAIL_1>", "<EMAIL_", "<EMAIL_enc:AbC-_9>", "<EMAIL_enc:abc-_9>", "<EMAIL_enc:AbC",
      "John Smith", "John", "Smith", "Smithers", "Johnny Smithers", "JOHN SMITH", "john smith", "Jo", "Lee",
      "Ann Lee", "Ann", "Springfield", "Springfields", "SPRINGFIELD", "Spring",
      "4111 1111 1111 1111", "4111 1111", "4111 1111 1111 11112",
      "'s", "’s", "**", "*", "\"", "\\", " ", "  ", "\n", ",", ".", "a", "Z", "x", "9",
      "😀", "😀x", "\uD83D", "\uDE00", "é", "e\u0301", "Ω", "ß", "İ", "ﬁ", "\u0000", "\u200B");

  @Provide
  Arbitrary<String> nastyText() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of(PIECES),
        Arbitraries.strings().ofMinLength(0).ofMaxLength(4),
        Arbitraries.strings().withChars("<>_PERSONperson1234 ;'&").ofMaxLength(6));
    return piece.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 1000).list().ofMaxSize(30);
  }

  @Property(tries = 3000)
  void streamingEqualsWholeText(@ForAll("nastyText") String text, @ForAll("cuts") List<Integer> cuts,
      @ForAll boolean json) {
    RestoreFormat format = json ? RestoreFormat.JSON_STRING : RestoreFormat.TEXT;
    Restorer restorer = Restorer.of(ENTRIES, TYPES, format);
    List<String> chunks = chunk(text, cuts);
    StringBuilder streamed = new StringBuilder();
    StreamingRestorer s = restorer.streaming();
    List<String> outputs = new ArrayList<>();
    for (String c : chunks) {
      outputs.add(s.push(c));
    }
    outputs.add(s.finish());
    outputs.forEach(streamed::append);
    assertThat(streamed.toString()).isEqualTo(restorer.restore(text));
    int boundary = 0;
    String all = streamed.toString();
    for (int k = 0; k < outputs.size() - 1; k++) {
      boundary += outputs.get(k).length();
      boolean splitsPair = boundary > 0 && boundary < all.length()
          && Character.isHighSurrogate(all.charAt(boundary - 1)) && Character.isLowSurrogate(all.charAt(boundary));
      assertThat(splitsPair).as("output piece %d splits a surrogate pair", k).isFalse();
    }
  }

  @Property(tries = 500)
  void charByCharEqualsWholeText(@ForAll("nastyText") String text) {
    Restorer restorer = Restorer.of(ENTRIES, TYPES, RestoreFormat.TEXT);
    StreamingRestorer s = restorer.streaming();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      out.append(s.push(text.substring(i, i + 1)));
    }
    out.append(s.finish());
    assertThat(out.toString()).isEqualTo(restorer.restore(text));
  }

  @Property(tries = 300)
  void holdsBackOnlyABoundedTail(@ForAll("nastyText") String text, @ForAll @IntRange(min = 1, max = 50) int times) {
    Restorer restorer = Restorer.of(ENTRIES, TYPES, RestoreFormat.TEXT);
    StreamingRestorer s = restorer.streaming();
    int pushed = 0;
    int emittedInputEstimate = 0;
    String longText = text.repeat(times);
    for (int i = 0; i < longText.length(); i += 7) {
      String c = longText.substring(i, Math.min(longText.length(), i + 7));
      s.push(c);
      pushed += c.length();
      int held = Integer.parseInt(s.toString().replaceAll("\\D", ""));
      assertThat(held).isLessThanOrEqualTo(restorer.maxHoldBack() + 1);
    }
    assertThat(pushed + emittedInputEstimate).isEqualTo(longText.length());
  }

  @Example
  void emitsPlainTextImmediately() {
    StreamingRestorer s = Restorer.of(ENTRIES, TYPES, RestoreFormat.TEXT).streaming();
    assertThat(s.push("Hello there, ")).isEqualTo("Hello there, ");
    assertThat(s.push("dear <PERS")).isEqualTo("dear ");
    assertThat(s.push("ON_1")).isEmpty();
    // "<PERSON_1" could still become <PERSON_12> or <PERSON_123>
    assertThat(s.push(">, how")).isEqualTo("Jane \"Doe\", how");
    assertThat(s.finish()).isEmpty();
  }

  @Example
  void holdsABareTokenUntilItsEndIsKnown() {
    StreamingRestorer s = Restorer.of(ENTRIES, TYPES, RestoreFormat.TEXT).streaming();
    assertThat(s.push("PERSON_1")).isEmpty();
    assertThat(s.push("2")).isEmpty();
    assertThat(s.push(" ok")).isEqualTo("Bob 😀 Stone ok");
    assertThat(s.finish()).isEmpty();
  }

  @Example
  void neverSplitsASurrogatePair() {
    StreamingRestorer s = Restorer.of(Map.of(), Map.of(), RestoreFormat.TEXT).streaming();
    assertThat(s.push("a\uD83D")).isEqualTo("a");
    assertThat(s.push("\uDE00b")).isEqualTo("😀b");
    assertThat(s.push("\uD83D")).isEmpty();
    assertThat(s.finish()).isEqualTo("\uD83D");
  }

  private static List<String> chunk(String text, List<Integer> cuts) {
    List<Integer> points = new ArrayList<>();
    for (int c : cuts) {
      points.add(text.isEmpty() ? 0 : c % (text.length() + 1));
    }
    points.add(0);
    points.add(text.length());
    points.sort(Integer::compare);
    List<String> chunks = new ArrayList<>();
    for (int k = 1; k < points.size(); k++) {
      chunks.add(text.substring(points.get(k - 1), points.get(k)));
    }
    return chunks;
  }
}
