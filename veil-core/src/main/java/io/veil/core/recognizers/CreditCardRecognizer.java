package io.veil.core.recognizers;

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

  /** Candidates are words that start with an ASCII digit (a card number opens at a word boundary). */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    StringBuilder digits = null;
    for (int w = 0, digitWords = traits.digitWordCount(); w < digitWords; w++) {
      int start = traits.wordStart(traits.digitWord(w));
      if (start < i || !Chars.isDigit(text.charAt(start))) {
        continue;
      }
      if (digits == null) {
        digits = new StringBuilder(20);
      }
      digits.setLength(0);
      char sep = 0;
      int bestEnd = -1;
      boolean known = false;
      int j = start;
      while (true) {
        while (j < n && Chars.isDigit(text.charAt(j)) && digits.length() <= 19) {
          digits.append(text.charAt(j));
          j++;
        }
        if (digits.length() > 19) {
          break;
        }
        int len = digits.length();
        if (len >= 12 && Chars.boundaryAfter(text, j) && Luhn.isValid(digits)) {
          boolean network = CardIssuers.networkOf(digits) != null;
          if (network || !known) {
            bestEnd = j;
            known = network;
          }
        }
        if (j + 1 < n && (text.charAt(j) == ' ' || text.charAt(j) == '-') && Chars.isDigit(text.charAt(j + 1))
            && (sep == 0 || sep == text.charAt(j))) {
          sep = text.charAt(j);
          j++;
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
