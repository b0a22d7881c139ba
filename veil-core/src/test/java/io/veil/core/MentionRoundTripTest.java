package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A social-media {@code @handle} through pseudonymization and restore: the handle does not survive in the
 * text sent on, the {@code @} stays so the mention reads as one, and the answer comes back restored.
 */
class MentionRoundTripTest {
  private static final Veil PLACEHOLDERS = veil("placeholder");
  private static final Veil SURROGATES = veil("surrogate");
  private final Scope scope = new Scope("acme", "conv-1");

  private static Veil veil(String usernameOperator) {
    return Veil.builder().policy(Policy.parse("version: x\nner: none\nentities:\n  USERNAME: " + usernameOperator + "\n"))
        .build();
  }

  @Test
  void placeholdersKeepTheAtSignAndRestore() {
    Veil v = veil("placeholder");
    PseudonymizedText t = v.pseudonymize(scope, "RT @jane_doe: lunch with @mike_p88?");
    assertThat(t.text()).isEqualTo("RT @<USERNAME_1>: lunch with @<USERNAME_2>?");
    assertThat(v.restore(scope, "Say hi to @<USERNAME_2> and @<USERNAME_1>!"))
        .isEqualTo("Say hi to @mike_p88 and @jane_doe!");
  }

  @Test
  void theSameAccountAsAMentionAndAsAUsernameGetsOneToken() {
    Veil v = veil("placeholder");
    assertThat(v.pseudonymize(scope, "thanks @jane_doe").text()).isEqualTo("thanks @<USERNAME_1>");
    assertThat(v.pseudonymize(scope, "username: jane_doe").text()).isEqualTo("username: <USERNAME_1>");
  }

  @Test
  void surrogatesKeepAReadableMentionAndRestore() {
    Veil v = veil("surrogate");
    PseudonymizedText t = v.pseudonymize(scope, "great game @dave_p, see you soon");
    Replacement r = t.replacements().get(0);
    String surrogate = t.text().substring(r.start(), r.end());
    assertThat(t.text()).doesNotContain("dave_p").startsWith("great game @" + surrogate + ",");
    assertThat(surrogate).matches("[A-Za-z0-9._-]+");
    assertThat(v.restore(scope, "I told @" + surrogate + " already.")).isEqualTo("I told @dave_p already.");
  }

  @Test
  void codeIsLeftAlone() {
    Veil v = veil("placeholder");
    String code = "@Override\npublic String toString() {}\n@media (max-width: 1px) {}\nnpm i @types/node";
    assertThat(v.pseudonymize(scope, code).text()).isEqualTo(code);
  }

  @Property(tries = 300)
  void anyMentionRestoresToItself(@ForAll("handles") String handle, @ForAll("operators") String operator) {
    Veil v = operator.equals("surrogate") ? SURROGATES : PLACEHOLDERS;
    Scope own = new Scope("acme", operator + "-" + handle);
    String text = "RT @" + handle + ": see you there";
    PseudonymizedText t = v.pseudonymize(own, text);
    assertThat(t.text()).doesNotContain("@" + handle + ":").startsWith("RT @");
    assertThat(v.restore(own, t.text())).isEqualTo(text);
  }

  @Provide
  Arbitrary<String> handles() {
    Arbitrary<String> rest = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_").ofMaxLength(12);
    return Combinators.combine(Arbitraries.of("Jo", "Mx", "Zed", "Kay"), rest).as((a, b) -> a + b);
  }

  @Provide
  Arbitrary<String> operators() {
    return Arbitraries.of(List.of("placeholder", "surrogate"));
  }
}
