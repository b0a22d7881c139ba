package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Veil;
import io.veil.core.testing.ClassConstants;
import io.veil.core.testing.RegexAudit;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No built-in pattern can backtrack super-linearly. Checked without a clock:
 * <ul>
 *   <li>every regular expression in veil-core's code — each string literal of a class that calls
 *       java.util.regex (or String.matches/replaceAll/replaceFirst/split) and each static
 *       {@link Pattern} field — that java.util.regex accepts must also compile with RE2/J, which only
 *       accepts what a linear-time automaton can run: a backreference, lookaround, possessive or
 *       atomic group fails this test;</li>
 *   <li>the recognizers and validators use no java.util.regex at all (hand-written scanners), and the
 *       validators read a number of characters linear in their input: counted on adversarial inputs
 *       of length n and 4n.</li>
 * </ul>
 */
class LinearTimePatternsTest {
  private static RegexAudit audit() throws URISyntaxException {
    return RegexAudit.ofClassesOf(Veil.class);
  }

  @Test
  void everyRegexLiteralCompilesOnALinearEngine() throws Exception {
    RegexAudit.Result r = audit().regexLiterals();
    assertThat(r.offenders()).as("regular expressions that need a backtracking engine").isEmpty();
    assertThat(r.checked()).as("literals checked").isGreaterThan(10);
  }

  @Test
  void everyStaticPatternFieldCompilesOnALinearEngine() throws Exception {
    RegexAudit.Result r = audit().patternFields(getClass().getClassLoader(), true);
    assertThat(r.offenders()).as("Pattern fields that need a backtracking engine").isEmpty();
    assertThat(r.checked()).isGreaterThan(3);
  }

  @Test
  void recognizersAndValidatorsUseNoBacktrackingRegex() throws Exception {
    List<String> users = new ArrayList<>();
    RegexAudit audit = audit();
    for (Path file : audit.classFiles()) {
      String rel = audit.root().relativize(file).toString();
      if ((rel.startsWith("io/veil/core/recognizers/") || rel.startsWith("io/veil/core/validation/"))
          && !rel.contains("CustomPatternRecognizer") && ClassConstants.read(file).usesJdkRegex()) {
        users.add(rel);
      }
    }
    assertThat(users).as("recognizer or validator classes calling java.util.regex").isEmpty();
  }

  /** Validators: characters read grow at most linearly from n to 4n on inputs built to be worst cases. */
  @Test
  void validatorsReadLinearlyManyCharacters() throws Exception {
    String[] units = {"1", "0", "9", "a", "Z", "0x", "1A", "bc1q", "DE00", " ", "\uD83D\uDE00", "١"};
    for (Method m : ValidatorsFuzzTest.METHODS) {
      Class<?>[] types = m.getParameterTypes();
      if (types.length == 0 || types[0] != CharSequence.class) {
        continue;
      }
      for (String unit : units) {
        long small = reads(m, unit.repeat(64));
        long large = reads(m, unit.repeat(256));
        assertThat(large).as("%s.%s on %s x n", m.getDeclaringClass().getSimpleName(), m.getName(), unit)
            .isLessThanOrEqualTo(4 * small + 64);
      }
    }
  }

  private static long reads(Method m, String input) throws Exception {
    CountingCharSequence cs = new CountingCharSequence(input);
    Object[] args = new Object[m.getParameterCount()];
    args[0] = cs;
    for (int i = 1; i < args.length; i++) {
      Class<?> t = m.getParameterTypes()[i];
      args[i] = t == int.class ? (Object) 1000 : t == String.class ? "bc" : null;
    }
    try {
      m.invoke(null, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (!(e.getCause() instanceof IllegalArgumentException)) {
        throw e;
      }
    }
    return cs.reads();
  }
}
