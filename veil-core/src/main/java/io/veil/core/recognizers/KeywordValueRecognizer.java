package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
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
final class KeywordValueRecognizer extends DigitRunRecognizer {
  private static final int MAX_GAP = 40;
  private static final String[] FILLERS = {
      "number", "numbers", "num", "nr", "no", "nº", "#", "is", "was", "id", "code", "of", "my", "the", "reads",
      "card", "number:", "nummer", "numéro", "numero", "número", "ist", "est", "es", "are", "details"};

  private static final String[] PASSPORT = {
      "passport", "reisepass", "passeport", "pasaporte", "passaporto", "paspoort"};
  private static final String[] DRIVER_LICENSE = {
      "driver's license", "drivers license", "driver license", "driver's licence", "drivers licence",
      "driving licence", "driving license", "driver\u2019s license", "driver\u2019s licence", "licence number",
      "license number", "dl#", "dl no", "führerschein", "fuhrerschein", "permis de conduire",
      "carnet de conducir", "patente"};
  private static final String[] BANK_ACCOUNT = {
      "account number", "account no", "acct", "bank account", "a/c", "checking account", "savings account",
      "routing number", "kontonummer", "numéro de compte", "número de cuenta", "rekeningnummer", "sort code"};
  private static final String[] MEDICAL_ID = {
      "mrn", "medical record", "patient id", "patient number", "health insurance", "insurance id",
      "member id", "medicare", "medicaid", "health plan", "policy number", "beneficiary"};

  private final WordIndex index;
  private final java.util.Map<String, EntityType> typeOf = new java.util.HashMap<>();

  KeywordValueRecognizer() {
    super("keyword-id", Set.of(EntityType.PASSPORT, EntityType.DRIVER_LICENSE, EntityType.BANK_ACCOUNT,
        EntityType.MEDICAL_ID), Set.of(), 2);
    List<String> all = new ArrayList<>();
    add(all, PASSPORT, EntityType.PASSPORT);
    add(all, DRIVER_LICENSE, EntityType.DRIVER_LICENSE);
    add(all, BANK_ACCOUNT, EntityType.BANK_ACCOUNT);
    add(all, MEDICAL_ID, EntityType.MEDICAL_ID);
    this.index = new WordIndex(all.toArray(String[]::new));
  }

  private void add(List<String> all, String[] words, EntityType type) {
    for (String w : words) {
      all.add(w);
      typeOf.put(w, type);
    }
  }

  /** Candidates are word starts whose head (first three characters) can open a keyword. */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int i = 0;
    for (int k = 0, words = traits.wordCount(); k < words; k++) {
      int ws = traits.wordStart(k);
      if (ws < i || !index.mayOpenWord(traits.wordHead(k))) {
        continue;
      }
      String kw = index.longestAt(text, ws);
      if (kw != null) {
        int[] value = valueAfter(text, ws + kw.length());
        if (value != null) {
          EntityType type = typeOf.get(kw);
          out.add(new Finding(value[0], value[1], type, 0.9, "keyword-" + type.name().toLowerCase(java.util.Locale.ROOT)));
          i = value[1];
        }
      }
    }
    return out;
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
