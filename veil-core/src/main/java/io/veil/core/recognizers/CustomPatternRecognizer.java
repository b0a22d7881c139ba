package io.veil.core.recognizers;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A recognizer for an operator-defined pattern (for example an employee number), compiled with
 * RE2/J: matching runs in time linear in the text, so no pattern from configuration can hang the
 * gateway with catastrophic backtracking. Every match of the whole pattern is reported with the
 * configured score; context words raise it through the {@link io.veil.core.Analyzer}.
 *
 * <pre>{@code
 * new CustomPatternRecognizer("employee-id", EntityType.of("EMPLOYEE_ID"), "\\bEMP-[0-9]{6}\\b", 0.6,
 *     Set.of("employee", "staff"));
 * }</pre>
 *
 * <p>Thread safety: immutable; RE2/J patterns are safe to share.
 *
 * <p>Failure: an invalid pattern is rejected at construction with an {@link IllegalArgumentException}
 * naming the recognizer and the syntax problem. Patterns that can match the empty string are rejected
 * too (they would report nothing useful and hide configuration mistakes).
 *
 * <p><b>Security:</b> the pattern itself is configuration, not personal data, and may appear in
 * error messages; analysed text never does.
 */
public final class CustomPatternRecognizer implements Recognizer {
  private final String name;
  private final EntityType type;
  private final Pattern pattern;
  private final double score;
  private final Set<String> contextWords;

  /**
   * @param name stable recognizer name (non-blank)
   * @param type the type reported for every match
   * @param regex an RE2 regular expression (Java-style escapes; no backreferences or lookaround)
   * @param score the score of a match, in [0, 1]
   * @param contextWords words that raise the score when near a match (compared lower-case)
   * @throws IllegalArgumentException if the name is blank, the score out of range or the pattern invalid
   */
  public CustomPatternRecognizer(String name, EntityType type, String regex, double score, Set<String> contextWords) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(regex, "regex");
    if (name.isBlank()) {
      throw new IllegalArgumentException("custom pattern recognizers need a non-blank name");
    }
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("custom pattern '" + name + "': score must be in [0, 1], got " + score);
    }
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    try {
      this.pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("custom pattern '" + name + "' is not a valid RE2 expression: "
          + e.getDescription() + " (RE2 supports no backreferences or lookaround)", e);
    }
    if (pattern.matcher("").matches()) {
      throw new IllegalArgumentException("custom pattern '" + name + "' matches the empty string");
    }
    this.score = score;
    Set<String> lower = new java.util.LinkedHashSet<>();
    for (String w : Objects.requireNonNull(contextWords, "contextWords")) {
      lower.add(w.toLowerCase(Locale.ROOT));
    }
    this.contextWords = Set.copyOf(lower);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<EntityType> entityTypes() {
    return Set.of(type);
  }

  @Override
  public Set<String> contextWords() {
    return contextWords;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    int from = 0;
    while (from <= text.length() && m.find(from)) {
      int s = m.start();
      int e = m.end();
      if (e > s) {
        out.add(new Finding(s, e, type, score, name));
        from = e;
      } else {
        from = e + 1;
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "CustomPatternRecognizer[" + name + ", " + type + "]";
  }
}
