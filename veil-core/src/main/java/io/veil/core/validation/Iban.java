package io.veil.core.validation;

import java.util.Map;

/**
 * International Bank Account Numbers: ISO 13616 structure, the ISO 7064 mod 97-10 check and the
 * length registered for each country (SWIFT IBAN registry).
 *
 * <p>Thread safety: stateless.
 */
public final class Iban {
  private static final Map<String, Integer> LENGTHS = Map.ofEntries(
      Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
      Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
      Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
      Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
      Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FK", 18),
      Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23),
      Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HR", 21), Map.entry("HU", 28),
      Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26), Map.entry("IT", 27),
      Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28), Map.entry("LC", 32),
      Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("LY", 25),
      Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MN", 20),
      Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28), Map.entry("NL", 18),
      Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29),
      Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("RU", 33),
      Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24), Map.entry("SI", 19),
      Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25), Map.entry("SV", 28),
      Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
      Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));

  /** The longest registered IBAN, in characters. */
  public static final int MAX_LENGTH = 34;

  private Iban() {}

  /**
   * The registered IBAN length for a two-letter upper-case country code, or -1 where the country has
   * no IBAN.
   */
  public static int lengthFor(CharSequence country) {
    if (country.length() != 2) {
      return -1;
    }
    Integer n = LENGTHS.get(country.toString());
    return n == null ? -1 : n;
  }

  /**
   * True if {@code iban} (compact: no spaces; letters of either case) has its country's length, two
   * check digits, an alphanumeric BBAN and a valid mod-97 checksum.
   */
  public static boolean isValid(CharSequence iban) {
    int n = iban.length();
    if (n < 5 || n > MAX_LENGTH) {
      return false;
    }
    char c0 = Character.toUpperCase(iban.charAt(0));
    char c1 = Character.toUpperCase(iban.charAt(1));
    if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z' || !isDigit(iban.charAt(2)) || !isDigit(iban.charAt(3))) {
      return false;
    }
    if (lengthFor(new String(new char[] {c0, c1})) != n) {
      return false;
    }
    return mod97(iban) == 1;
  }

  /** ISO 7064 mod 97-10 of the rearranged value (first four characters moved to the end), or -1 if malformed. */
  static int mod97(CharSequence iban) {
    int n = iban.length();
    long rem = 0;
    for (int k = 0; k < n; k++) {
      char c = iban.charAt((k + 4) % n);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
        rem = rem * 10 + v;
      } else {
        char u = Character.toUpperCase(c);
        if (u < 'A' || u > 'Z') {
          return -1;
        }
        v = u - 'A' + 10;
        rem = rem * 100 + v;
      }
      if (rem > 1_000_000_000L) {
        rem %= 97;
      }
    }
    return (int) (rem % 97);
  }

  /** The two check digits for a country code and BBAN (upper-case alphanumerics). */
  public static String checkDigits(String country, String bban) {
    int r = mod97(country + "00" + bban);
    if (r < 0) {
      throw new IllegalArgumentException("country and BBAN must be alphanumeric");
    }
    int check = 98 - r;
    return check < 10 ? "0" + check : Integer.toString(check);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
