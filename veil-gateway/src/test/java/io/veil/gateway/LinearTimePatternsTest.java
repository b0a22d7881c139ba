package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every regular expression in veil-gateway's code runs on a linear-time engine: each string literal
 * of a class that calls java.util.regex (or String.matches/replaceAll/replaceFirst/split) and each
 * static {@link Pattern} field that java.util.regex accepts must also compile with RE2/J, which
 * refuses backreferences, lookaround, possessive and atomic groups. No clock involved.
 */
class LinearTimePatternsTest {
  static Path root() throws Exception {
    return Path.of(Gateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static List<Path> classFiles() throws Exception {
    try (Stream<Path> s = Files.walk(root())) {
      return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }

  @Test
  void everyRegexLiteralAndPatternFieldCompilesOnALinearEngine() throws Exception {
    List<String> offenders = new ArrayList<>();
    int literals = 0;
    int fields = 0;
    for (Path file : classFiles()) {
      ClassConstants cc = ClassConstants.read(file);
      if (cc.usesJdkRegex()) {
        for (String s : cc.strings()) {
          if (compilesInJdk(s)) {
            literals++;
            if (!compilesInRe2(s)) {
              offenders.add(root().relativize(file) + ": " + s);
            }
          }
        }
      }
      String name = root().relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> c = Class.forName(name, false, getClass().getClassLoader());
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
    assertThat(offenders).as("regular expressions that need a backtracking engine").isEmpty();
    assertThat(literals).isGreaterThan(5);
    assertThat(fields).isGreaterThan(5);
  }

  private static boolean compilesInJdk(String s) {
    try {
      Pattern.compile(s);
      return true;
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** RE2 spells Java's {@code \\uXXXX} escape {@code \\x{XXXX}} (same meaning): translated first. */
  private static boolean compilesInRe2(String s) {
    try {
      com.google.re2j.Pattern.compile(s.replaceAll("(?<!\\\\)\\\\u([0-9a-fA-F]{4})", "\\\\x{$1}"));
      return true;
    } catch (com.google.re2j.PatternSyntaxException e) {
      return false;
    }
  }
}
