package io.veil.core.recognizers;

import io.veil.core.DigitRuns;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.validation.CardIssuers;
import io.veil.core.validation.Luhn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Payment card numbers: 12-19 digits, optionally grouped by spaces or dashes (one kind of separator
 * throughout), inside a known issuer range and length, passing Luhn. The longest valid prefix at
 * a group boundary is reported. A Luhn-valid number of 12-19 digits outside every known issuer range
 * scores 0.45 and needs a context word ("card", "visa", ...) to be reported.
 */
final class CreditCardRecognizer extends DigitRunRecognizer {
  CreditCardRecognizer() {
    super("credit-card", Set.of(EntityType.CREDIT_CARD),
        Set.of("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan", "payment"), 12);
  }

  /**
   * Candidates are the {@linkplain DigitRuns digit runs} that open a word (a card number opens at a word
   * boundary); a number's groups are the runs that follow, joined by one space or dash each.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    DigitRuns runs = traits.digitRuns(text);
    int i = 0;
    StringBuilder digits = null;
    for (int g = 0, count = runs.count(); g < count; g++) {
      int start = runs.start(g);
      if (start < i || !runs.opensWord(g)) {
        continue;
      }
      int sep = 0;
      int bestEnd = -1;
      boolean known = false;
      int len = 0;
      int r = g;
      while (true) {
        len += runs.length(r);
        if (len > 19) {
          break;
        }
        // a Luhn test where the digits so far end at a word boundary (the digits are copied only then)
        if (len >= 12 && runs.closesWord(r)) {
          if (digits == null) {
            digits = new StringBuilder(20);
          }
          digits.setLength(0);
          for (int q = g; q <= r; q++) {
            digits.append(text, runs.start(q), runs.end(q));
          }
          if (Luhn.isValid(digits)) {
            boolean network = CardIssuers.networkOf(digits) != null;
            if (network || !known) {
              bestEnd = runs.end(r);
              known = network;
            }
          }
        }
        int joint = runs.joint(r);
        if ((joint == ' ' || joint == '-') && (sep == 0 || sep == joint)) {
          sep = joint;
          r++;
        } else {
          break;
        }
      }
      if (bestEnd > 0) {
        out.add(new Finding(start, bestEnd, EntityType.CREDIT_CARD, known ? 1.0 : 0.45, name()));
        i = bestEnd;
      }
    }
    return out;
  }

}
