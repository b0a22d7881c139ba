package io.veil.core.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Finds the regular expressions in a module's compiled classes that need a backtracking engine, without a
 * clock: each string literal of a class that calls java.util.regex (or String.matches/replaceAll/
 * replaceFirst/split) that java.util.regex accepts, and each static {@link Pattern} field, must also compile
 * with RE2/J, which refuses backreferences, lookaround, possessive and atomic groups.
 *
 * <p>Shared by the modules' {@code LinearTimePatternsTest}s through veil-core's test jar.
 *
 * @param root the class folder (a module's {@code target/classes})
 */
public record RegexAudit(Path root) {

  /** The class folder that holds {@code anchor}. */
  public static RegexAudit ofClassesOf(Class<?> anchor) throws URISyntaxException {
    return new RegexAudit(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()));
  }

  /** Every {@code .class} file below the root, sorted. */
  public List<Path> classFiles() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }

  /** The binary class name of a class file below the root. */
  public String className(Path classFile) {
    return root.relativize(classFile).toString().replace('/', '.').replaceAll("\\.class$", "");
  }

  /** What {@link #regexLiterals} and {@link #patternFields} found: the offenders and how many were checked. */
  public record Result(List<String> offenders, int checked) {}

  /** String literals that java.util.regex accepts, in classes that call it, which RE2/J refuses. */
  public Result regexLiterals() throws IOException {
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    for (Path file : classFiles()) {
      ClassConstants cc = ClassConstants.read(file);
      if (!cc.usesJdkRegex()) {
        continue;
      }
      for (String s : cc.strings()) {
        if (compilesInJdk(s)) {
          checked++;
          if (!compilesInRe2(s)) {
            offenders.add(root.relativize(file) + ": " + s);
          }
        }
      }
    }
    return new Result(offenders, checked);
  }

  /** Static {@link Pattern} fields whose expression RE2/J refuses ({@code initialize}: run static initializers). */
  public Result patternFields(ClassLoader loader, boolean initialize) throws Exception {
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    for (Path file : classFiles()) {
      String name = className(file);
      Class<?> c = Class.forName(name, initialize, loader);
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == Pattern.class) {
          f.setAccessible(true);
          Pattern p = (Pattern) f.get(null);
          checked++;
          if (!compilesInRe2(p.pattern())) {
            offenders.add(name + "." + f.getName() + ": " + p.pattern());
          }
        }
      }
    }
    return new Result(offenders, checked);
  }

  /** True if java.util.regex compiles {@code s}. */
  public static boolean compilesInJdk(String s) {
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
  public static boolean compilesInRe2(String regex) {
    try {
      com.google.re2j.Pattern.compile(regex.replaceAll("(?<!\\\\)\\\\u([0-9a-fA-F]{4})", "\\\\x{$1}"));
      return true;
    } catch (com.google.re2j.PatternSyntaxException e) {
      return false;
    }
  }
}
