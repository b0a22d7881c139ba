package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records of the engine that hold forwarded text or token-to-value maps print neither (review8: their generated
 * {@code toString()} printed the forwarded text, which keeps whatever detection missed, and the values).
 */
class RecordToStringTest {
  static final String MISSED = "call Jane Doe at 555-0100";
  static final String VALUE = "jane.doe@example.com";

  @Test
  void pseudonymizedTextShowsLengthAndCountsOnly() {
    PseudonymizedText t = new PseudonymizedText("Mail <EMAIL_1> or " + MISSED,
        List.of(new Replacement(5, 14, EntityType.EMAIL, "token")));
    assertThat(t.toString()).doesNotContain("Jane").doesNotContain("555").doesNotContain("EMAIL_1")
        .contains("EMAIL=1").contains(String.valueOf(t.text().length()));
  }

  @Test
  void aCachedRestoreIndexShowsNoValue() throws Exception {
    Class<?> c = Class.forName("io.veil.core.transform.RestorerCache$Built");
    Constructor<?> k = c.getDeclaredConstructor(
        Arrays.stream(c.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new));
    k.setAccessible(true);
    Object built = k.newInstance(Map.of("<EMAIL_1>", VALUE), Map.of("<EMAIL_1>", EntityType.EMAIL), null, 100L);
    assertThat(built.toString()).doesNotContain(VALUE).doesNotContain("<EMAIL_1>").contains("entries=1");
  }
}
