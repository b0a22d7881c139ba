package io.veil.core.validation;

/**
 * Payment card issuer ranges (IIN prefixes) and the lengths each network issues.
 *
 * <p>Thread safety: stateless.
 */
public final class CardIssuers {
  /** The networks recognised. */
  public enum Network { VISA, MASTERCARD, AMEX, DISCOVER, DINERS, JCB, UNIONPAY, MAESTRO }

  private CardIssuers() {}

  /** The network whose IIN range and length fit {@code digits}, or null. Does not check Luhn. */
  public static Network networkOf(CharSequence digits) {
    int n = digits.length();
    if (n < 12 || n > 19 || !NationalIds.allDigits(digits)) {
      return null;
    }
    int p1 = digits.charAt(0) - '0';
    int p2 = p1 * 10 + (digits.charAt(1) - '0');
    int p3 = p2 * 10 + (digits.charAt(2) - '0');
    int p4 = p3 * 10 + (digits.charAt(3) - '0');
    int p6 = Integer.parseInt(digits.subSequence(0, 6).toString());
    if (p1 == 4 && (n == 13 || n == 16 || n == 19)) {
      return Network.VISA;
    }
    if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n == 16) {
      return Network.MASTERCARD;
    }
    if ((p2 == 34 || p2 == 37) && n == 15) {
      return Network.AMEX;
    }
    if ((p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))
        && n >= 16 && n <= 19) {
      return Network.DISCOVER;
    }
    if (((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 || p3 == 309) && n >= 14 && n <= 19) {
      return Network.DINERS;
    }
    if (((p4 >= 3528 && p4 <= 3589) && n >= 16 && n <= 19) || ((p4 == 2131 || p4 == 1800) && n == 15)) {
      return Network.JCB;
    }
    if (p2 == 62 && n >= 16 && n <= 19) {
      return Network.UNIONPAY;
    }
    if ((p2 == 50 || (p2 >= 56 && p2 <= 69) || p4 == 6759) && n >= 12 && n <= 19) {
      return Network.MAESTRO;
    }
    return null;
  }
}
