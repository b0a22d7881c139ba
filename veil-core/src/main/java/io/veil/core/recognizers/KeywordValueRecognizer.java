package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Identifiers that have no checksum and no distinctive shape of their own (passport, driver's
 * licence, bank account and medical record numbers): reported only where a keyword of the type
 * ("passport", "driver's license", "account number", "MRN", ...) is followed, within a few filler
 * words ("number", "no.", "is", ":"), by an alphanumeric value of 5-20 characters containing at
 * least two digits (single dashes or spaces inside allowed).
 */
final class KeywordValueRecognizer extends AbstractRecognizer {
  private static final int MAX_GAP = 40;
  private static final String[] FILLERS = {
      "number", "numbers", "num", "nr", "no", "nº", "#", "is", "was", "id", "code", "of", "my", "the", "reads",
      "card", "number:", "nummer", "numéro", "numero", "número", "ist", "est", "es", "are", "details"};

  private final String[] keywords;
  private final EntityType type;
  private final double score;

  private KeywordValueRecognizer(String name, EntityType type, double score, String... keywords) {
    super(name, Set.of(type), Set.of());
    this.keywords = keywords;
    this.type = type;
    this.score = score;
  }

  static KeywordValueRecognizer passport() {
    return new KeywordValueRecognizer("passport", EntityType.PASSPORT, 0.9,
        "passport", "reisepass", "passeport", "pasaporte", "passaporto", "paspoort");
  }

  static KeywordValueRecognizer driverLicense() {
    return new KeywordValueRecognizer("driver-license", EntityType.DRIVER_LICENSE, 0.9,
        "driver's license", "drivers license", "driver license", "driver's licence", "drivers licence",
        "driving licence", "driving license", "driver’s license", "driver’s licence", "licence number",
        "license number", "dl#", "dl no", "führerschein", "fuhrerschein", "permis de conduire",
        "carnet de conducir", "patente");
  }

  static KeywordValueRecognizer bankAccount() {
    return new KeywordValueRecognizer("bank-account", EntityType.BANK_ACCOUNT, 0.9,
        "account number", "account no", "acct", "bank account", "a/c", "checking account", "savings account",
        "routing number", "kontonummer", "numéro de compte", "número de cuenta", "rekeningnummer", "sort code");
  }

  static KeywordValueRecognizer medicalId() {
    return new KeywordValueRecognizer("medical-id", EntityType.MEDICAL_ID, 0.9,
        "mrn", "medical record", "patient id", "patient number", "health insurance", "insurance id",
        "member id", "medicare", "medicaid", "health plan", "policy number", "beneficiary");
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    char[] firsts = new char[keywords.length];
    for (int k = 0; k < keywords.length; k++) {
      firsts[k] = keywords[k].charAt(0);
    }
    int covered = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      char lc = c < 128 ? (char) (Chars.isAsciiLetter(c) ? c | 0x20 : c) : Character.toLowerCase(c);
      for (int k = 0; k < keywords.length; k++) {
        if (firsts[k] != lc || !Chars.boundaryBefore(text, i) || !matchesKeyword(text, i, keywords[k])) {
          continue;
        }
        int after = i + keywords[k].length();
        int[] value = valueAfter(text, after);
        if (value != null && value[0] >= covered) {
          out.add(new Finding(value[0], value[1], type, score, name()));
          covered = value[1];
          i = value[1] - 1;
        }
        break;
      }
    }
    return out;
  }

  private static boolean matchesKeyword(String t, int at, String kw) {
    if (at + kw.length() > t.length()) {
      return false;
    }
    for (int k = 0; k < kw.length(); k++) {
      if (Character.toLowerCase(t.charAt(at + k)) != kw.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** [start, end) of the value following a keyword, or null. */
  static int[] valueAfter(String t, int from) {
    int n = t.length();
    int i = from;
    int limit = Math.min(n, from + MAX_GAP);
    // skip the rest of the keyword's word ("passports", "licenses")
    while (i < n && Chars.isAsciiLetter(t.charAt(i)) && i - from < 3) {
      i++;
    }
    while (i < limit) {
      char c = t.charAt(i);
      if (!Chars.isAsciiAlnum(c)) {
        i++;
        continue;
      }
      int ws = i;
      int digits = 0;
      int lastAlnum = i;
      while (i < n && i - ws < 24) {
        char d = t.charAt(i);
        if (Chars.isAsciiAlnum(d)) {
          digits += Chars.isDigit(d) ? 1 : 0;
          i++;
          lastAlnum = i;
        } else if ((d == '-' || d == '/') && i + 1 < n && Chars.isAsciiAlnum(t.charAt(i + 1))) {
          i++;
        } else {
          break;
        }
      }
      int len = lastAlnum - ws;
      if (digits >= 2 && len >= 5 && len <= 20 && Chars.boundaryAfter(t, lastAlnum)) {
        return new int[] {ws, lastAlnum};
      }
      if (digits == 0 && isFiller(t, ws, lastAlnum)) {
        continue;
      }
      return null;
    }
    return null;
  }

  private static boolean isFiller(String t, int from, int to) {
    for (String f : FILLERS) {
      if (f.length() == to - from && Chars.matchesAt(t, from, f)) {
        return true;
      }
    }
    return false;
  }
}
