package io.veil.core.transform;

import io.veil.core.EntityType;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Decides when two spellings are the "same value", so they share one token in a scope.
 *
 * <ul>
 *   <li>PHONE, CREDIT_CARD, US_SSN, BANK_ACCOUNT: the digits only ({@code +44 20 7946 0958} =
 *       {@code +442079460958}).
 *   <li>IBAN, MAC_ADDRESS: letters and digits only, upper-cased.
 *   <li>EMAIL, PERSON, ORGANIZATION, LOCATION, ADDRESS, USERNAME, IP_ADDRESS, URL host and the like:
 *       NFKC, runs of white space collapsed to one space, trimmed, lower-cased.
 *   <li>PASSWORD, API_KEY and every other type (custom ones included): exact, only trimmed — a secret
 *       differing in case is another secret.
 * </ul>
 *
 * <p>A value with no digits where digits are expected keeps its whitespace-normalised form.
 */
final class ValueNormalizer {
  private ValueNormalizer() {}

  static String matchKey(EntityType type, String value) {
    String name = type.name();
    return switch (name) {
      case "PHONE", "CREDIT_CARD", "US_SSN", "BANK_ACCOUNT" -> orFolded(digits(value), value);
      case "IBAN", "MAC_ADDRESS" -> orFolded(alnumUpper(value), value);
      case "EMAIL", "PERSON", "ORGANIZATION", "LOCATION", "ADDRESS", "USERNAME", "IP_ADDRESS", "URL",
          "DATE", "DATE_OF_BIRTH", "AGE", "PASSPORT", "DRIVER_LICENSE", "NATIONAL_ID", "MEDICAL_ID" -> folded(value);
      default -> value.strip();
    };
  }

  private static String orFolded(String key, String value) {
    return key.isEmpty() ? folded(value) : key;
  }

  static String folded(String value) {
    String n = Normalizer.normalize(value, Normalizer.Form.NFKC);
    return n.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static String digits(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    String n = Normalizer.normalize(value, Normalizer.Form.NFKC);
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String alnumUpper(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    String n = Normalizer.normalize(value, Normalizer.Form.NFKC);
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }
}
