package io.veil.core.validation;

/**
 * The Luhn (mod 10) check used by payment cards, Canadian SINs and others.
 *
 * <p>Thread safety: stateless. Non-digit characters make a value invalid; callers strip separators.
 */
public final class Luhn {
  private Luhn() {}

  /** True if {@code digits} (ASCII digits only, at least two) passes the Luhn check. */
  public static boolean isValid(CharSequence digits) {
    int n = digits.length();
    if (n < 2) {
      return false;
    }
    int sum = 0;
    boolean dbl = false;
    for (int i = n - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  /** The digit that, appended to {@code payload}, makes it Luhn-valid. */
  public static int checkDigit(CharSequence payload) {
    int sum = 0;
    boolean dbl = true;
    for (int i = payload.length() - 1; i >= 0; i--) {
      int d = payload.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("payload must be ASCII digits");
      }
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return (10 - sum % 10) % 10;
  }
}
