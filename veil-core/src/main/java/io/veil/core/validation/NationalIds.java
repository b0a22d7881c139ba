package io.veil.core.validation;

/**
 * Structure and check-digit rules of national identifiers. Every method takes the compact value
 * (separators removed, as printed otherwise) and answers {@code false} for anything malformed.
 *
 * <p>Thread safety: stateless.
 */
public final class NationalIds {
  private NationalIds() {}

  /** UK National Insurance number, e.g. AB123456C: HMRC's prefix rules (no checksum exists). */
  public static boolean isUkNino(CharSequence s) {
    if (s.length() != 9 && s.length() != 8) {
      return false;
    }
    char a = Character.toUpperCase(s.charAt(0));
    char b = Character.toUpperCase(s.charAt(1));
    if (!isUpper(a) || !isUpper(b) || "DFIQUV".indexOf(a) >= 0 || "DFIOQUV".indexOf(b) >= 0) {
      return false;
    }
    String prefix = "" + a + b;
    if (prefix.equals("BG") || prefix.equals("GB") || prefix.equals("NK") || prefix.equals("KN")
        || prefix.equals("TN") || prefix.equals("NT") || prefix.equals("ZZ")) {
      return false;
    }
    for (int i = 2; i < 8; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return s.length() == 8 || "ABCD".indexOf(Character.toUpperCase(s.charAt(8))) >= 0;
  }

  /** UK NHS number: 10 digits, mod-11 check digit. */
  public static boolean isNhsNumber(CharSequence s) {
    if (s.length() != 10 || !allDigits(s)) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (s.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      check = 0;
    }
    return check != 10 && check == s.charAt(9) - '0' && !sameDigit(s);
  }

  /** German tax identification number (Steuer-IdNr): 11 digits, ISO 7064 MOD 11,10, digit-repetition rule. */
  public static boolean isGermanTaxId(CharSequence s) {
    if (s.length() != 11 || !allDigits(s) || s.charAt(0) == '0') {
      return false;
    }
    int[] counts = new int[10];
    for (int i = 0; i < 10; i++) {
      counts[s.charAt(i) - '0']++;
    }
    int repeated = 0;
    for (int c : counts) {
      if (c > 3) {
        return false;
      }
      if (c >= 2) {
        repeated++;
      }
    }
    if (repeated != 1) {
      return false;
    }
    int product = 10;
    for (int i = 0; i < 10; i++) {
      int sum = (s.charAt(i) - '0' + product) % 10;
      if (sum == 0) {
        sum = 10;
      }
      product = (sum * 2) % 11;
    }
    int check = 11 - product;
    if (check == 10) {
      check = 0;
    }
    return check == s.charAt(10) - '0';
  }

  /** French social security number (NIR): 13 characters (2A/2B for Corsica) plus a mod-97 key. */
  public static boolean isFrenchNir(CharSequence s) {
    if (s.length() != 15) {
      return false;
    }
    char sex = s.charAt(0);
    if ("12378".indexOf(sex) < 0) {
      return false;
    }
    long number = 0;
    for (int i = 0; i < 13; i++) {
      char c = s.charAt(i);
      if (i == 6 && (c == 'A' || c == 'a' || c == 'B' || c == 'b') && s.charAt(5) == '2') {
        // Corsica: 2A -> 19, 2B -> 18 for the key
        number = number / 10 * 100 + ((c == 'A' || c == 'a') ? 19 : 18);
        continue;
      }
      if (!isDigit(c)) {
        return false;
      }
      number = number * 10 + (c - '0');
    }
    if (!isDigit(s.charAt(13)) || !isDigit(s.charAt(14))) {
      return false;
    }
    int month = (s.charAt(3) - '0') * 10 + (s.charAt(4) - '0');
    if (!(month >= 1 && month <= 12 || month >= 20 && month <= 42 || month >= 50 && month <= 99)) {
      return false;
    }
    int key = (s.charAt(13) - '0') * 10 + (s.charAt(14) - '0');
    return key == 97 - (int) (number % 97);
  }

  private static final int[] CF_ODD = {
      1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

  /** Italian codice fiscale (16 characters, omocodia letters allowed) with its check letter. */
  public static boolean isItalianFiscalCode(CharSequence s) {
    if (s.length() != 16) {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      char c = Character.toUpperCase(s.charAt(i));
      boolean letterSlot = i < 6 || i == 8 || i == 11 || i == 15;
      if (letterSlot ? !isUpper(c) : !(isDigit(c) || "LMNPQRSTUV".indexOf(c) >= 0)) {
        return false;
      }
    }
    if ("ABCDEHLMPRST".indexOf(Character.toUpperCase(s.charAt(8))) < 0) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 15; i++) {
      char c = Character.toUpperCase(s.charAt(i));
      int v = isDigit(c) ? c - '0' : c - 'A';
      if (i % 2 == 0) {
        sum += isDigit(c) ? CF_ODD[c - '0'] : CF_ODD[c - 'A'];
      } else {
        sum += v;
      }
    }
    return Character.toUpperCase(s.charAt(15)) == (char) ('A' + sum % 26);
  }

  private static final String DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

  /** Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) with the mod-23 letter. */
  public static boolean isSpanishDniOrNie(CharSequence s) {
    if (s.length() != 9) {
      return false;
    }
    char first = Character.toUpperCase(s.charAt(0));
    int prefix;
    if (isDigit(first)) {
      prefix = first - '0';
    } else if (first >= 'X' && first <= 'Z') {
      prefix = first - 'X';
    } else {
      return false;
    }
    int n = prefix;
    for (int i = 1; i < 8; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
      n = n * 10 + (s.charAt(i) - '0');
    }
    return Character.toUpperCase(s.charAt(8)) == DNI_LETTERS.charAt(n % 23);
  }

  /** Dutch citizen service number (BSN): 9 digits, the "11-test". A weak check: use with context. */
  public static boolean isDutchBsn(CharSequence s) {
    if (s.length() != 9 || !allDigits(s) || sameDigit(s)) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (s.charAt(i) - '0') * (9 - i);
    }
    sum -= s.charAt(8) - '0';
    return sum % 11 == 0;
  }

  private static final int[] PESEL_W = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};

  /** Polish PESEL: 11 digits, a valid encoded birth month, weighted mod-10 check digit. */
  public static boolean isPolishPesel(CharSequence s) {
    if (s.length() != 11 || !allDigits(s) || sameDigit(s)) {
      return false;
    }
    int month = (s.charAt(2) - '0') * 10 + (s.charAt(3) - '0');
    int m = month % 20;
    int day = (s.charAt(4) - '0') * 10 + (s.charAt(5) - '0');
    if (m < 1 || m > 12 || day < 1 || day > 31) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += (s.charAt(i) - '0') * PESEL_W[i];
    }
    return (10 - sum % 10) % 10 == s.charAt(10) - '0';
  }

  /** Indian Aadhaar: 12 digits, first digit 2-9, Verhoeff check digit. */
  public static boolean isAadhaar(CharSequence s) {
    return s.length() == 12 && allDigits(s) && s.charAt(0) >= '2' && Verhoeff.isValid(s);
  }

  /** Indian PAN: five letters (the fourth a known holder type), four digits, a letter. No checksum. */
  public static boolean isIndianPan(CharSequence s) {
    if (s.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      boolean ok = (i >= 5 && i <= 8) ? isDigit(c) : isUpper(c);
      if (!ok) {
        return false;
      }
    }
    return "ABCFGHLJPT".indexOf(s.charAt(3)) >= 0 && !(s.charAt(5) == '0' && s.charAt(6) == '0'
        && s.charAt(7) == '0' && s.charAt(8) == '0');
  }

  /** Canadian social insurance number: 9 digits, Luhn, not starting with 0 or 8. A weak check. */
  public static boolean isCanadianSin(CharSequence s) {
    return s.length() == 9 && allDigits(s) && s.charAt(0) != '0' && s.charAt(0) != '8' && Luhn.isValid(s);
  }

  private static final int[] TFN9 = {1, 4, 3, 7, 5, 8, 6, 9, 10};
  private static final int[] TFN8 = {10, 7, 8, 4, 6, 3, 5, 1};

  /** Australian tax file number: 8 or 9 digits, weighted mod-11. A weak check. */
  public static boolean isAustralianTfn(CharSequence s) {
    int n = s.length();
    if ((n != 8 && n != 9) || !allDigits(s) || sameDigit(s)) {
      return false;
    }
    int[] w = n == 9 ? TFN9 : TFN8;
    int sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (s.charAt(i) - '0') * w[i];
    }
    return sum % 11 == 0;
  }

  private static final int[] NRIC_W = {2, 7, 6, 5, 4, 3, 2};

  /** Singapore NRIC/FIN of the S, T, F and G series: letter, 7 digits, check letter. */
  public static boolean isSingaporeNric(CharSequence s) {
    if (s.length() != 9) {
      return false;
    }
    char p = Character.toUpperCase(s.charAt(0));
    if ("STFG".indexOf(p) < 0) {
      return false;
    }
    int sum = (p == 'T' || p == 'G') ? 4 : 0;
    for (int i = 0; i < 7; i++) {
      char c = s.charAt(i + 1);
      if (!isDigit(c)) {
        return false;
      }
      sum += (c - '0') * NRIC_W[i];
    }
    String letters = (p == 'S' || p == 'T') ? "JZIHGFEDCBA" : "XWUTRQPNMLK";
    return Character.toUpperCase(s.charAt(8)) == letters.charAt(sum % 11);
  }

  /**
   * US social security number structure: area not 000, 666 or 900-999; group not 00; serial not 0000.
   * (No checksum exists.)
   */
  public static boolean isUsSsn(CharSequence s) {
    if (s.length() != 9 || !allDigits(s)) {
      return false;
    }
    int area = Integer.parseInt(s.subSequence(0, 3).toString());
    int group = Integer.parseInt(s.subSequence(3, 5).toString());
    int serial = Integer.parseInt(s.subSequence(5, 9).toString());
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
  }

  /** US individual taxpayer identification number: 9xx, group 50-65, 70-88, 90-92 or 94-99. */
  public static boolean isUsItin(CharSequence s) {
    if (s.length() != 9 || !allDigits(s) || s.charAt(0) != '9') {
      return false;
    }
    int group = (s.charAt(3) - '0') * 10 + (s.charAt(4) - '0');
    return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92)
        || (group >= 94 && group <= 99);
  }

  static boolean allDigits(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return s.length() > 0;
  }

  private static boolean sameDigit(CharSequence s) {
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) != s.charAt(0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
