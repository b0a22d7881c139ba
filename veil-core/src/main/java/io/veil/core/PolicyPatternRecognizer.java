package io.veil.core;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A policy's custom pattern as a recognizer: RE2/J (linear time), a fixed score, context words.
 * <p>LEAD: replace by {@code io.veil.core.recognizers.CustomPatternRecognizer} once it is on main
 * (see {@link Policy#newAnalyzer()}).
 */
final class PolicyPatternRecognizer implements Recognizer {
  private final Policy.CustomPattern spec;
  private final Pattern pattern;

  PolicyPatternRecognizer(Policy.CustomPattern spec) {
    this.spec = spec;
    this.pattern = Pattern.compile(spec.regex());
  }

  @Override
  public String name() {
    return "custom:" + spec.name();
  }

  @Override
  public Set<EntityType> entityTypes() {
    return Set.of(spec.type());
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (m.end() > m.start()) {
        out.add(new Finding(m.start(), m.end(), spec.type(), spec.score(), name()));
      }
    }
    return out;
  }

  @Override
  public Set<String> contextWords() {
    return Set.copyOf(spec.context());
  }
}
