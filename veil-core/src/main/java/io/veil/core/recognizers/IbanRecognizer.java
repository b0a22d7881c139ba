package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.validation.Iban;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * IBANs in compact ({@code DE89370400440532013000}) or grouped ({@code DE89 3704 0044 0532 0130 00})
 * form, upper or lower case: a country code with a registered IBAN length, two check digits, the
 * BBAN, and a valid ISO 7064 mod-97 checksum.
 */
final class IbanRecognizer extends DigitRunRecognizer {
  IbanRecognizer() {
    super("iban", Set.of(EntityType.IBAN), Set.of("iban", "account", "bank", "transfer", "sepa", "konto"), 2);
  }

  /** Candidates are words that start with two ASCII letters and two digits (country code, check digits). */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    StringBuilder compact = null;
    int i = 0;
    for (int j = 0, digitWords = traits.digitWordCount(); j < digitWords; j++) {
      int ws = traits.wordStart(traits.digitWord(j));
      if (ws + 4 >= n) {
        break;
      }
      if (ws < i) {
        continue;
      }
      char c0 = text.charAt(ws);
      char c1 = text.charAt(ws + 1);
      if (!Chars.isAsciiLetter(c0) || !Chars.isAsciiLetter(c1) || !Chars.isDigit(text.charAt(ws + 2))
          || !Chars.isDigit(text.charAt(ws + 3))) {
        continue;
      }
      if (compact == null) {
        compact = new StringBuilder(Iban.MAX_LENGTH);
      }
      String country = ("" + c0 + c1).toUpperCase(Locale.ROOT);
      int len = Iban.lengthFor(country);
      int end = len < 0 ? -1 : collect(text, ws, len, compact);
      if (end > 0 && Iban.isValid(compact) && consistentCase(compact)) {
        out.add(new Finding(ws, end, EntityType.IBAN, 1.0, name()));
        i = end;
      }
    }
    return out;
  }

  /** Collects {@code len} alphanumerics from {@code start}, allowing single spaces/dashes; end or -1. */
  private static int collect(String t, int start, int len, StringBuilder out) {
    out.setLength(0);
    int n = t.length();
    int i = start;
    while (i < n && out.length() < len) {
      char c = t.charAt(i);
      if (Chars.isAsciiAlnum(c)) {
        out.append(c);
        i++;
      } else if ((c == ' ' || c == '-') && out.length() >= 4 && out.length() % 4 == 0 && i + 1 < n
          && Chars.isAsciiAlnum(t.charAt(i + 1))) {
        i++;
      } else {
        return -1;
      }
    }
    return out.length() == len && Chars.boundaryAfter(t, i) ? i : -1;
  }

  private static boolean consistentCase(CharSequence s) {
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    return !(lower && upper);
  }
}
