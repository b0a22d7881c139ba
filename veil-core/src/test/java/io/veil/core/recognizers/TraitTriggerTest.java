package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import io.veil.core.Recognizer;
import io.veil.core.TextTraits;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Recognizer#mayFind(TextTraits)} lets the analyzer skip a recognizer on texts without its
 * trigger, so a recognizer must never report anything in a text for which it returns false. Each
 * built-in's answer only grows when characters are added to a text (more characters present, more
 * digits, longer runs), so it suffices that every finding's own value already passes the test: then
 * every text containing that value does too. Both that and the direct claim are checked here on texts
 * built from near-misses and real values of every kind.
 */
class TraitTriggerTest {
  private static final Map<String, Recognizer> BY_NAME = BuiltInRecognizers.all().stream()
      .collect(Collectors.toMap(Recognizer::name, Function.identity()));

  @Test
  void theGatedRecognizers() {
    TextTraits plain = TextTraits.of("just some words");
    assertThat(BuiltInRecognizers.all().stream().filter(r -> !r.mayFind(plain)).map(Recognizer::name))
        .containsExactlyInAnyOrder("email", "mention", "url", "ip-address", "mac-address", "credit-card", "iban", "phone",
            "us-ssn", "keyword-id", "crypto-wallet", "secret");
  }

  /** Every built-in states its trigger as data, so the analyzer never calls its mayFind. */
  @Test
  void everyBuiltInHasATriggerThatMayFindFollows() {
    for (Recognizer r : BuiltInRecognizers.all()) {
      assertThat(r.trigger()).as(r.name()).isNotNull();
      for (String text : List.of("just some words", "a@b", "1.2.3.4", "::", "1234 5678 9012", "a".repeat(26),
          "-", "001a.2b3c.4d5e", "12 34 56")) {
        TextTraits traits = TextTraits.of(text);
        assertThat(r.mayFind(traits)).as(r.name()).isEqualTo(r.trigger().test(traits));
      }
    }
  }

  @Test
  void eachTriggerOpensItsRecognizer() {
    assertThat(BY_NAME.get("email").mayFind(TextTraits.of("a@b"))).isTrue();
    assertThat(BY_NAME.get("url").mayFind(TextTraits.of("a.b"))).isTrue();
    assertThat(BY_NAME.get("url").mayFind(TextTraits.of("a:b"))).isTrue();
    assertThat(BY_NAME.get("ip-address").mayFind(TextTraits.of("1.2.3"))).isFalse();
    assertThat(BY_NAME.get("ip-address").mayFind(TextTraits.of("1.2.3.4"))).isTrue();
    assertThat(BY_NAME.get("ip-address").mayFind(TextTraits.of("::"))).isTrue();
    assertThat(BY_NAME.get("credit-card").mayFind(TextTraits.of("12345678901"))).isFalse();
    assertThat(BY_NAME.get("credit-card").mayFind(TextTraits.of("1234 5678 9012"))).isTrue();
    assertThat(BY_NAME.get("phone").mayFind(TextTraits.of("12345"))).isFalse();
    assertThat(BY_NAME.get("phone").mayFind(TextTraits.of("12 34 56"))).isTrue();
    assertThat(BY_NAME.get("crypto-wallet").mayFind(TextTraits.of("a".repeat(25) + " " + "b".repeat(25)))).isFalse();
    assertThat(BY_NAME.get("crypto-wallet").mayFind(TextTraits.of("a".repeat(26)))).isTrue();
    assertThat(BY_NAME.get("secret").mayFind(TextTraits.of("a".repeat(19)))).isFalse();
    assertThat(BY_NAME.get("secret").mayFind(TextTraits.of("a".repeat(20)))).isTrue();
    assertThat(BY_NAME.get("secret").mayFind(TextTraits.of("-"))).isTrue();
    assertThat(BY_NAME.get("mac-address").mayFind(TextTraits.of("00:1A:2B:3C:4"))).isFalse();
    assertThat(BY_NAME.get("mac-address").mayFind(TextTraits.of("001a.2b3c.4d5e"))).isTrue();
    assertThat(BY_NAME.get("mac-address").mayFind(TextTraits.of("00112233445566"))).isFalse();
  }

  /**
   * The path the analyzer takes (the shared traits) finds exactly what the plain call finds, for every
   * built-in: recognizers that answer from the traits (word spans, the secret scanner's early return)
   * must not lose or add a finding.
   */
  @Property(tries = 3000)
  void theTraitsPathFindsWhatThePlainCallFinds(@ForAll("prompts") String text) {
    TextTraits traits = TextTraits.of(text);
    for (Recognizer r : BuiltInRecognizers.all()) {
      assertThat(r.analyze(text, null, traits)).as(r.name()).isEqualTo(r.analyze(text, null));
    }
  }

  @Property(tries = 4000)
  void noRecognizerReportsWhereItWouldBeSkipped(@ForAll("prompts") String text) {
    TextTraits traits = TextTraits.of(text);
    for (Recognizer r : BuiltInRecognizers.all()) {
      List<Finding> found = r.analyze(text, null);
      if (!r.mayFind(traits)) {
        assertThat(found).as("%s would be skipped but reports", r.name()).isEmpty();
      }
      for (Finding f : found) {
        // a mention's value is the handle after its '@' (so the '@' stays in the text): the '@' is its trigger
        int from = r.name().equals("mention") ? f.start() - 1 : f.start();
        assertThat(r.mayFind(TextTraits.of(text.substring(from, f.end()))))
            .as("%s reported a value without its trigger", r.name()).isTrue();
      }
    }
  }

  @Provide
  Arbitrary<String> prompts() {
    Arbitrary<String> fragment = Arbitraries.oneOf(
        Arbitraries.of("john.doe@example.com", "a@b.co", "@", "http://example.org/x", "www.example.com",
            "example.io", "ftp://h", "192.168.0.1", "10.0.0.1/24", "1.2.3", "2001:db8::1", "fe80::1%eth0", "::1",
            "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e", "4111 1111 1111 1111", "4111111111111111",
            "378282246310005", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "+44 20 7946 0958",
            "(212) 555-0100", "555-0100", "078-05-1120", "078051120", "passport", "account number", "MRN",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "0x52908400098527886E0F7030069857D2E4169EE7",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "AKIAIOSFODNN7EXAMPLE",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
            "xoxb-123456789012-abcdefghijkl", "AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
            "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----",
            "password=", "token:", "key", "aws", "secret", "wallet", "card", "IBAN", "tel", " ", "\n", ".", ":", "-",
            "/", "=", "\""),
        Arbitraries.strings().withChars("0123456789abcdefABCDEF:-./@ ").ofMinLength(1).ofMaxLength(30),
        Arbitraries.strings().withChars("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz").ofMinLength(18)
            .ofMaxLength(45),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20));
    Arbitrary<String> separator = Arbitraries.of(" ", " ", "", "\n", ", ");
    return Arbitraries.lazy(() -> fragment.list().ofMinSize(1).ofMaxSize(10))
        .flatMap(parts -> separator.list().ofSize(parts.size()).map(seps -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < parts.size(); i++) {
            sb.append(parts.get(i)).append(seps.get(i));
          }
          return sb.toString();
        }));
  }
}
