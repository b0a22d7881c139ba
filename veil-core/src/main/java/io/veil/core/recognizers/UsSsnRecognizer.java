package io.veil.core.recognizers;

import io.veil.core.DigitRuns;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.validation.NationalIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * US social security numbers (area not 000/666/9xx, group not 00, serial not 0000) as
 * {@code ddd-dd-dddd} (high score), {@code ddd dd dddd} or {@code ddd.dd.dddd} (0.45) or nine bare
 * digits (0.3): the last two need a context word such as "ssn".
 *
 * <p>ITINs (9xx-[50-65|70-88|90-92|94-99]-xxxx) share the layout but are tax ids, not SSNs: they are
 * reported as {@link EntityType#NATIONAL_ID} by this recognizer, with the same scores.
 */
final class UsSsnRecognizer extends DigitRunRecognizer {
  UsSsnRecognizer() {
    super("us-ssn", Set.of(EntityType.US_SSN, EntityType.NATIONAL_ID),
        Set.of("ssn", "social", "security", "ss#", "ssns", "itin", "taxpayer", "tin"), 9);
  }

  /**
   * Candidates are the {@linkplain DigitRuns digit runs} that open a word (an SSN opens at a word
   * boundary): three digits joined to two and then to four or more by one and the same separator, or
   * nine digits or more in one run.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    DigitRuns runs = traits.digitRuns(text);
    int i = 0;
    char[] d = null;
    for (int g = 0, count = runs.count(); g < count; g++) {
      int ws = runs.start(g);
      if (!runs.opensWord(g)) {
        continue;
      }
      i = Math.max(i, ws);
      if (i != ws) {
        continue;
      }
      if (i + 9 > n) {
        break;
      }
      if (i > 0 && (text.charAt(i - 1) == '-' || text.charAt(i - 1) == '.') && i > 1 && Chars.isDigit(text.charAt(i - 2))) {
        continue;
      }
      int end = -1;
      double score = 0;
      int length = runs.length(g);
      if (length == 3 && g + 2 < count) {
        // ddd-dd-dddd: the runs joined by one separator twice, the last of four digits or more (more
        // fail the boundary test below, as before)
        int s1 = runs.joint(g);
        if ((s1 == '-' || s1 == ' ' || s1 == '.') && runs.length(g + 1) == 2 && runs.joint(g + 1) == s1
            && runs.length(g + 2) >= 4) {
          end = i + 11;
          score = s1 == '-' ? 0.85 : 0.45;
        }
      }
      if (end < 0 && length >= 9) {
        end = i + 9;
        score = 0.3;
      }
      if (end > 0 && Chars.boundaryAfter(text, end)
          && !(end + 1 < n && (text.charAt(end) == '-' || text.charAt(end) == '.') && Chars.isDigit(text.charAt(end + 1)))) {
        if (d == null) {
          d = new char[9];
        }
        int k = 0;
        for (int p = i; p < end; p++) {
          char c = text.charAt(p);
          if (Chars.isDigit(c)) {
            d[k++] = c;
          }
        }
        String digits = new String(d);
        if (NationalIds.isUsSsn(digits)) {
          out.add(new Finding(i, end, EntityType.US_SSN, score, name()));
        } else if (NationalIds.isUsItin(digits)) {
          out.add(new Finding(i, end, EntityType.NATIONAL_ID, score, "us-itin"));
        }
        i = end;
      }
    }
    return out;
  }
}
