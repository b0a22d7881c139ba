package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Veil;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
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

  static Path classesRoot() throws URISyntaxException {
    return Path.of(Veil.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static List<Path> classFiles() throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.walk(classesRoot())) {
      return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }

  @Test
  void everyRegexLiteralCompilesOnALinearEngine() throws Exception {
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    for (Path file : classFiles()) {
      ClassConstants cc = ClassConstants.read(file);
      if (!cc.usesJdkRegex()) {
        continue;
      }
      for (String s : cc.strings()) {
        if (!compilesInJdk(s)) {
          continue;
        }
        checked++;
        if (!compilesInRe2(s)) {
          offenders.add(classesRoot().relativize(file) + ": " + s);
        }
      }
    }
    assertThat(offenders).as("regular expressions that need a backtracking engine").isEmpty();
    assertThat(checked).as("literals checked").isGreaterThan(10);
  }

  @Test
  void everyStaticPatternFieldCompilesOnALinearEngine() throws Exception {
    List<String> offenders = new ArrayList<>();
    int fields = 0;
    for (Path file : classFiles()) {
      String name = classesRoot().relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> c = Class.forName(name, true, getClass().getClassLoader());
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == Pattern.class) {
          f.setAccessible(true);
          Pattern p = (Pattern) f.get(null);
          fields++;
          if (!compilesInRe2(p.pattern())) {
            offenders.add(name + "." + f.getName() + ": " + p.pattern());
          }
        }
      }
    }
    assertThat(offenders).as("Pattern fields that need a backtracking engine").isEmpty();
    assertThat(fields).isGreaterThan(3);
  }

  @Test
  void recognizersAndValidatorsUseNoBacktrackingRegex() throws Exception {
    List<String> users = new ArrayList<>();
    for (Path file : classFiles()) {
      String rel = classesRoot().relativize(file).toString();
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

  private static boolean compilesInJdk(String s) {
    try {
      Pattern.compile(s);
      return true;
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /**
   * True if RE2/J compiles {@code regex}. Java's {@code \\uXXXX} escape is spelled {@code \\x{XXXX}}
   * in RE2 (same meaning), so it is translated first: only what needs backtracking should fail.
   */
  static boolean compilesInRe2(String regex) {
    try {
      com.google.re2j.Pattern.compile(regex.replaceAll("(?<!\\\\)\\\\u([0-9a-fA-F]{4})", "\\\\x{$1}"));
      return true;
    } catch (com.google.re2j.PatternSyntaxException e) {
      return false;
    }
  }
}
