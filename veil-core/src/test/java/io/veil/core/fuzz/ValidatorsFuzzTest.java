package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veil.core.validation.Base58Check;
import io.veil.core.validation.Bech32;
import io.veil.core.validation.CardIssuers;
import io.veil.core.validation.Eip55;
import io.veil.core.validation.Iban;
import io.veil.core.validation.Keccak256;
import io.veil.core.validation.Luhn;
import io.veil.core.validation.NationalIds;
import io.veil.core.validation.Verhoeff;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every public static method of {@code io.veil.core.validation} (found by reflection, so a new
 * validator is fuzzed without touching this class) with arbitrary strings, including lone surrogates
 * and non-ASCII digits. Properties:
 * <ul>
 *   <li>no exception, except {@link IllegalArgumentException} from the few builders documented to
 *       throw it, and then with no part of the input in its message;</li>
 *   <li>linear work: the number of characters read from the input is at most
 *       {@value #READS_PER_CHAR} per character plus a constant (counted, not timed);</li>
 *   <li>agreement between each checker and its check-digit builder (Luhn, Verhoeff, IBAN).</li>
 * </ul>
 */
class ValidatorsFuzzTest {
  static final List<Class<?>> VALIDATORS = List.of(Base58Check.class, Bech32.class, CardIssuers.class, Eip55.class,
      Iban.class, Keccak256.class, Luhn.class, NationalIds.class, Verhoeff.class);
  /** The builders whose Javadoc says they refuse input of the wrong shape with IllegalArgumentException. */
  static final Set<String> MAY_REFUSE = Set.of("Eip55.toChecksumAddress", "Iban.checkDigits", "Luhn.checkDigit",
      "Verhoeff.checkDigit");
  static final int READS_PER_CHAR = 8;
  static final List<Method> METHODS = VALIDATORS.stream()
      .flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
      .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
      .sorted(Comparator.comparing(m -> m.getDeclaringClass().getSimpleName() + "." + m.getName()))
      .toList();

  @FuzzTest(maxDuration = "30s")
  void everyValidator(FuzzedDataProvider data) throws Exception {
    Method m = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
    String input = data.consumeString(200);
    CountingCharSequence counted = new CountingCharSequence(input);
    Object[] args = new Object[m.getParameterCount()];
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      args[i] = switch (types[i].getName()) {
        case "java.lang.CharSequence" -> i == 0 ? counted : data.consumeString(10);
        case "java.lang.String" -> i == 0 ? input : data.consumeString(40);
        case "int" -> data.consumeInt(-1, 300);
        case "char" -> input.isEmpty() ? '\0' : input.charAt(0);
        case "[B" -> data.consumeBytes(300);
        default -> throw new AssertionError("no fuzz input for " + types[i] + " in " + m);
      };
    }
    String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
    try {
      m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      boolean documented = cause instanceof IllegalArgumentException && MAY_REFUSE.contains(name);
      if (!documented) {
        throw new AssertionError(name + " threw " + cause, cause);
      }
      if (input.length() >= 3) {
        assertThat(String.valueOf(cause.getMessage())).as("message of %s", name).doesNotContain(input);
      }
    }
    assertThat(counted.reads()).as("characters read by %s", name)
        .isLessThanOrEqualTo((long) READS_PER_CHAR * input.length() + 64);
  }

  @FuzzTest(maxDuration = "30s")
  void checkDigitsAgreeWithCheckers(FuzzedDataProvider data) {
    String digits = data.consumeString(40).chars().filter(c -> c >= '0' && c <= '9')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    assertThat(Luhn.isValid(digits + Luhn.checkDigit(digits))).as("Luhn").isEqualTo(!digits.isEmpty());
    assertThat(Verhoeff.isValid(digits + Verhoeff.checkDigit(digits))).as("Verhoeff").isEqualTo(!digits.isEmpty());
    String bban = data.consumeString(30).chars().filter(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    String country = data.pickValue(List.of("DE", "GB", "FR", "NL", "ES", "IT", "CH", "XX"));
    String iban = country + Iban.checkDigits(country, bban) + bban;
    if (Iban.lengthFor(country) == iban.length()) {
      assertThat(Iban.isValid(iban)).as("IBAN of the right length with computed check digits").isTrue();
    } else {
      assertThat(Iban.isValid(iban)).as("IBAN of the wrong length").isFalse();
    }
  }

  /** Every class of the validation package is in {@link #VALIDATORS}, so none escapes the fuzzer. */
  @Test
  void everyValidatorClassIsFuzzed() throws IOException, URISyntaxException {
    Path dir = Path.of(Luhn.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/veil/core/validation");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> classes = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length())).sorted().toList();
      assertThat(VALIDATORS.stream().map(Class::getSimpleName).sorted().toList()).isEqualTo(classes);
    }
    assertThat(METHODS).hasSizeGreaterThan(25);
  }
}
