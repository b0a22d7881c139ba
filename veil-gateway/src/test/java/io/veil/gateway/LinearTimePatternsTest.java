package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.testing.RegexAudit;
import org.junit.jupiter.api.Test;

/**
 * Every regular expression in veil-gateway's code runs on a linear-time engine: each string literal
 * of a class that calls java.util.regex (or String.matches/replaceAll/replaceFirst/split) and each
 * static {@link java.util.regex.Pattern} field that java.util.regex accepts must also compile with RE2/J,
 * which refuses backreferences, lookaround, possessive and atomic groups ({@link RegexAudit}, shared with
 * veil-core's test of the same name). No clock involved.
 */
class LinearTimePatternsTest {

  @Test
  void everyRegexLiteralAndPatternFieldCompilesOnALinearEngine() throws Exception {
    RegexAudit audit = RegexAudit.ofClassesOf(Gateway.class);
    RegexAudit.Result literals = audit.regexLiterals();
    RegexAudit.Result fields = audit.patternFields(getClass().getClassLoader(), false);
    assertThat(literals.offenders()).as("regular expressions that need a backtracking engine").isEmpty();
    assertThat(fields.offenders()).as("Pattern fields that need a backtracking engine").isEmpty();
    assertThat(literals.checked()).isGreaterThan(5);
    assertThat(fields.checked()).isGreaterThan(5);
  }
}
