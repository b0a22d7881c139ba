package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SurrogatesTest {
  private final Surrogates surrogates = new Surrogates(new Random(42));

  static boolean luhnValid(String digits) {
    int sum = 0;
    boolean dbl = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int v = digits.charAt(i) - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  static boolean ibanValid(String iban) {
    String c = iban.replace(" ", "");
    String r = c.substring(4) + c.substring(0, 4);
    StringBuilder n = new StringBuilder();
    for (char ch : r.toCharArray()) {
      n.append(Character.getNumericValue(ch));
    }
    return new BigInteger(n.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  @Test
  void testOraclesThemselvesWork() {
    assertThat(luhnValid("4111111111111111")).isTrue();
    assertThat(luhnValid("4111111111111112")).isFalse();
    assertThat(ibanValid("GB82 WEST 1234 5698 7654 32")).isTrue();
    assertThat(ibanValid("GB83 WEST 1234 5698 7654 32")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "5500000000000004", "378282246310005",
      "6011111111111117", "2221000000000009"})
  void cardsKeepBrandLengthLayoutAndLuhn(String card) {
    for (int i = 0; i < 200; i++) {
      String s = surrogates.generate(EntityType.CREDIT_CARD, card);
      String digits = s.replaceAll("\\D", "");
      String origDigits = card.replaceAll("\\D", "");
      assertThat(s).hasSameSizeAs(card);
      assertThat(s.replaceAll("\\d", "9")).isEqualTo(card.replaceAll("\\d", "9"));
      assertThat(luhnValid(digits)).as(s).isTrue();
      assertThat(digits.substring(0, 2)).isEqualTo(origDigits.substring(0, 2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR1420041010050500013M02606",
      "NL91ABNA0417164300"})
  void ibansKeepCountryLengthAndMod97(String iban) {
    for (int i = 0; i < 200; i++) {
      String s = surrogates.generate(EntityType.IBAN, iban);
      assertThat(ibanValid(s)).as(s).isTrue();
      assertThat(s).startsWith(iban.substring(0, 2)).hasSameSizeAs(iban);
      assertThat(s.replaceAll("[A-Z]", "A").replaceAll("\\d", "9").substring(4))
          .isEqualTo(iban.replaceAll("[A-Z]", "A").replaceAll("\\d", "9").substring(4));
    }
  }

  @RepeatedTest(50)
  void emailsAreWellFormedOnReservedDomains() {
    String s = surrogates.generate(EntityType.EMAIL, "jane.doe@corp.com");
    assertThat(s).matches("[a-z0-9.]+@example\\.(com|org|net)");
  }

  @Test
  void phonesKeepTheirFormat() {
    for (String phone : new String[] {"+44 20 7946 0958", "(555) 123-4567", "555.123.4567"}) {
      String s = surrogates.generate(EntityType.PHONE, phone);
      assertThat(s.replaceAll("\\d", "9")).isEqualTo(phone.replaceAll("\\d", "9"));
      if (phone.startsWith("+")) {
        assertThat(s).startsWith("+4");
      }
    }
  }

  @Test
  void namesKeepTheirWordCountAndCase() {
    for (int i = 0; i < 100; i++) {
      assertThat(surrogates.generate(EntityType.PERSON, "Jane").split(" ")).hasSize(1);
      assertThat(surrogates.generate(EntityType.PERSON, "Jane Doe")).matches("\\p{Lu}[\\p{L}'-]+( [\\p{L}'-]+)+");
      assertThat(surrogates.generate(EntityType.PERSON, "Jane Mary Doe").split(" ")).hasSize(3);
      String upper = surrogates.generate(EntityType.PERSON, "JANE DOE");
      assertThat(upper).isEqualTo(upper.toUpperCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void nameWordsAreNotCommonWords() {
    assertThat(CommonWords.size()).isGreaterThan(1000);
    assertThat(CommonWords.contains("White")).isTrue();
    for (int i = 0; i < 300; i++) {
      for (String w : surrogates.generate(EntityType.PERSON, "Jane Doe").split(" ")) {
        assertThat(CommonWords.contains(w)).as(w).isFalse();
      }
    }
  }

  @Test
  void otherTypesKeepTheirShape() {
    assertThat(surrogates.generate(EntityType.US_SSN, "123-45-6789")).matches("\\d{3}-\\d{2}-\\d{4}");
    assertThat(surrogates.generate(EntityType.IP_ADDRESS, "10.1.2.3")).matches("(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d+");
    assertThat(surrogates.generate(EntityType.DATE_OF_BIRTH, "1984-03-17")).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(surrogates.generate(EntityType.DATE, "17/03/1984")).matches("\\d{2}/\\d{2}/\\d{4}");
    assertThat(surrogates.generate(EntityType.of("EMPLOYEE_ID"), "EMP-123456")).matches("[A-Z]{3}-\\d{6}");
  }
}
