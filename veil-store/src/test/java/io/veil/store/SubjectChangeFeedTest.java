package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The change payload: a kind letter and a pseudonym, nothing else; parsing never trusts what it reads. */
class SubjectChangeFeedTest {
  static final String REF = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @Test
  void payloadIsKindLetterAndPseudonymOnly() {
    assertThat(SubjectChangeFeed.payload(SubjectChangeFeed.Kind.CONSENT, REF)).isEqualTo("c:" + REF);
    assertThat(SubjectChangeFeed.payload(SubjectChangeFeed.Kind.SETTINGS, REF)).isEqualTo("s:" + REF);
    assertThat(SubjectChangeFeed.payload(SubjectChangeFeed.Kind.ERASURE, REF)).isEqualTo("e:" + REF);
  }

  @Test
  void refusesToSendAnythingButAPseudonym() {
    for (String bad : new String[] {"alice@example.org", REF.toUpperCase(), REF.substring(1), REF + "0", "", "acme:" + REF}) {
      assertThatThrownBy(() -> SubjectChangeFeed.payload(SubjectChangeFeed.Kind.CONSENT, bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessage("not a subject pseudonym");
    }
    assertThatThrownBy(() -> LocalChangeFeed.INSTANCE.publish(null, SubjectChangeFeed.Kind.ERASURE, "bob"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesWhatItWritesAndNothingElse() {
    assertThat(SubjectChangeFeed.parse("e:" + REF)).contains(new SubjectChangeFeed.Change(SubjectChangeFeed.Kind.ERASURE, REF));
    for (String bad : new String[] {null, "", "x:" + REF, "c;" + REF, "c:" + REF.toUpperCase(), "c:" + REF + "0",
        "c:" + REF.substring(2) + "zz", "c" + REF + "0"}) {
      assertThat(SubjectChangeFeed.parse(bad)).as(String.valueOf(bad)).isEmpty();
    }
  }

  @Test
  void localFeedIsAlwaysTrustedAndNotShared() {
    assertThat(LocalChangeFeed.INSTANCE.trusted()).isTrue();
    assertThat(LocalChangeFeed.INSTANCE.status()).isEqualTo(new ChangeFeedStatus(false, true, true, 0));
  }

  @Property
  void roundTrip(@ForAll("kinds") SubjectChangeFeed.Kind kind, @ForAll("refs") String ref) {
    assertThat(SubjectChangeFeed.parse(SubjectChangeFeed.payload(kind, ref)))
        .contains(new SubjectChangeFeed.Change(kind, ref));
  }

  @Property
  void parsingArbitraryTextNeverThrowsAndOnlyAcceptsWellFormedPayloads(@ForAll String text) {
    assertThat(SubjectChangeFeed.parse(text).isPresent()).isEqualTo(text.matches("[cse]:[0-9a-f]{64}"));
  }

  @Provide
  Arbitrary<SubjectChangeFeed.Kind> kinds() {
    return Arbitraries.of(SubjectChangeFeed.Kind.class);
  }

  @Provide
  Arbitrary<String> refs() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }
}
