package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven tests of {@link MentionRecognizer}: each row is a text and the handle bodies it must find
 * (none where the {@code @} is code, markup, an address or a broadcast).
 */
class MentionRecognizerTest {
  private static final MentionRecognizer RECOGNIZER = new MentionRecognizer();

  static Stream<Arguments> rows() {
    return Stream.of(
        // mentions: start of text, after whitespace or punctuation, RT, runs
        row("@jane_doe see you there", "jane_doe"),
        row("thanks @JennyK88 for the tip", "JennyK88"),
        row("RT @dave_p: great game tonight", "dave_p"),
        row("@mike @sarahlee @NikolaJokic congrats!", "mike", "sarahlee", "NikolaJokic"),
        row("lol (@tomhanks) and \"@rita\"", "tomhanks", "rita"),
        row("cc:@octo-cat, please review", "octo-cat"),
        row("great talk by @jane.", "jane"),
        row(".@jane_doe said so", "jane_doe"),
        row("@jane", "jane"),
        row("ping @2pac_fan now", "2pac_fan"),
        row("Hey\n@jane_doe are you coming?", "jane_doe"),
        // e-mail addresses and '@' inside words or URLs
        row("mail jane.doe@example.com today", new String[0]),
        row("see https://medium.com/@jane_doe/post-1", new String[0]),
        row("it's @example.com now", new String[0]),
        row("price: 5@3 each", new String[0]),
        // Java / Kotlin annotations
        row("@Override\npublic String toString() {", new String[0]),
        row("  @Test(expected = Foo.class)\n  void x() {}", new String[0]),
        row("class A {\n  @Inject\n  Service s;\n}", new String[0]),
        row("@MyCustomThing public void run() {}", new String[0]),
        row("use @SuppressWarnings(\"unchecked\") there", new String[0]),
        // Python decorators
        row("@app.route('/users')\ndef users():", new String[0]),
        row("    @property\n    def name(self):", new String[0]),
        row("@login_required(redirect='/x')", new String[0]),
        row("@pytest.fixture\ndef db():", new String[0]),
        // CSS at-rules
        row("@media (max-width: 600px) { a { color: red } }", new String[0]),
        row("@import url('x.css');", new String[0]),
        row("@font-face { font-family: X; }", new String[0]),
        // Javadoc / JSDoc tags
        row(" * @param name the user's name\n * @return the greeting", new String[0]),
        row("/** {@link Foo} and {@inheritDoc} */", new String[0]),
        row("// @ts-ignore next line", new String[0]),
        // npm scopes
        row("npm i @types/node @babel/core", new String[0]),
        // broadcasts
        row("@here standup in 5, @channel @everyone", new String[0]),
        // '@' alone, digits only, times
        row("meet @ noon", new String[0]),
        row("rated @ 5 stars, @2024 and @10am or @5pm", new String[0]),
        row("@", new String[0]),
        row("a@", new String[0]),
        row("@__ and @_1", new String[0]));
  }

  private static Arguments row(String text, String... handles) {
    return Arguments.of(text, List.of(handles));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("rows")
  void findsMentionsButNotCode(String text, List<String> handles) {
    List<Finding> found = RECOGNIZER.analyze(text, "en");
    assertThat(found).extracting(f -> f.value(text)).containsExactlyElementsOf(handles);
    assertThat(found).allSatisfy(f -> {
      assertThat(f.type()).isEqualTo(EntityType.USERNAME);
      assertThat(text.charAt(f.start() - 1)).isEqualTo('@');
    });
  }

  @Property(tries = 2000)
  void anyHandleAfterWhitespaceIsFoundWhole(@ForAll("prefixes") String before, @ForAll("handles") String handle,
      @ForAll("suffixes") String after) {
    String text = before + "@" + handle + after;
    assertThat(RECOGNIZER.analyze(text, "en")).extracting(f -> f.value(text)).containsExactly(handle);
  }

  @Property(tries = 2000)
  void findingsAreInsideTheTextAndNeverOverlap(@ForAll("noise") String text) {
    List<Finding> found = RECOGNIZER.analyze(text, "en");
    int last = 0;
    for (Finding f : found) {
      assertThat(f.start()).isGreaterThan(last).isGreaterThanOrEqualTo(1);
      assertThat(f.end()).isLessThanOrEqualTo(text.length());
      assertThat(text.charAt(f.start() - 1)).isEqualTo('@');
      last = f.end();
    }
  }

  @Provide
  Arbitrary<String> handles() {
    // a letter first (so no digits-and-unit body) and a non-keyword by its capital-digit mix
    Arbitrary<String> rest = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_").ofMaxLength(12);
    return Combinators.combine(Arbitraries.of("Jo", "Mx", "Zed", "Kay"), rest, Arbitraries.integers().between(0, 99))
        .as((a, b, c) -> a + b + c);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "hi ", "RT ", "thanks\n ", "(", "so, ", "ok. ", "\"");
  }

  @Provide
  Arbitrary<String> suffixes() {
    return Arbitraries.of("", " ", ": wow", ", and you", ".", "!", ")", " @", "\"");
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings().withChars("@ab_.-/(\n 1:x").ofMaxLength(40);
  }
}
