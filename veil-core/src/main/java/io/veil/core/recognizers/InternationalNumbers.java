package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.nio.CharBuffer;
import java.util.regex.Pattern;

/**
 * What libphonenumber's {@code parse("+" + digits, "ZZ")} returns for a phone candidate written with a
 * '+' (or "00") and then ASCII digits and the separators {@code ' '}, {@code '-'}, {@code '.'},
 * {@code '('} and {@code ')'} only, built directly where the answer is known, so that the library's
 * regular expressions (the possible-number, viability and extension patterns, which cost microseconds
 * per call) do not run for every international candidate.
 *
 * <p>For such a candidate the library's parse keeps the digits only (the separators are punctuation it
 * drops, no extension can be written without a letter, {@code '#'} or {@code ';'}), takes the country
 * calling code as the shortest prefix of one to three digits that is a supported calling code (none
 * starts with 0), strips a national prefix only where the region's national-prefix-for-parsing pattern
 * matches at the start of the national number, and sets the Italian leading zero and the count of
 * leading zeros from the national number. This class answers where no national prefix matches and
 * the lengths are in the library's bounds; everywhere else (another character, a pattern that matches,
 * no calling code, too few or too many digits) it returns null and the caller asks the library.
 * {@code InternationalNumbersTest} compares every answer with the library's own parse.
 *
 * <p>Thread-safe: immutable after construction (compiled patterns are shared; each call makes its own
 * matcher).
 */
final class InternationalNumbers {
  /** The library's bound on a country calling code's digits. */
  private static final int MAX_COUNTRY_CODE_DIGITS = 3;
  /** The library's bounds on a national significant number's digits (MIN_LENGTH_FOR_NSN, MAX_LENGTH_FOR_NSN). */
  private static final int MIN_NATIONAL_DIGITS = 2;
  private static final int MAX_NATIONAL_DIGITS = 17;
  /** The most digits read; a candidate with more goes to the library. */
  private static final int MAX_DIGITS = MAX_COUNTRY_CODE_DIGITS + MAX_NATIONAL_DIGITS;

  /** Per calling code below 1000: whether the library supports it. */
  private final boolean[] supported = new boolean[1000];
  /**
   * Per supported calling code: the national-prefix-for-parsing pattern of its main region (or its
   * non-geographical entity), compiled as the library compiles it; {@link #NO_PREFIX} where it has none.
   */
  private final Pattern[] nationalPrefix = new Pattern[1000];
  /** Marks a calling code whose metadata has no national prefix for parsing (nothing is stripped). */
  private static final Pattern NO_PREFIX = Pattern.compile("");
  /**
   * Per calling code whose national prefix for parsing is a plain run of digits ("0", "1", "8"; about
   * half of them): those digits, which match at the start of a national number exactly where it starts
   * with them (so no matcher is needed); null for the others.
   */
  private final char[][] literalPrefix = new char[1000][];
  private static final Pattern DIGITS_ONLY = Pattern.compile("[0-9]+");

  InternationalNumbers(PhoneNumberUtil util) {
    MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    for (int code : util.getSupportedCallingCodes()) {
      if (code <= 0 || code >= supported.length) {
        continue; // never answered here: such a code is left to the library
      }
      String region = util.getRegionCodeForCountryCode(code);
      PhoneMetadata metadata = "001".equals(region)
          ? source.getMetadataForNonGeographicalRegion(code) : source.getMetadataForRegion(region);
      if (metadata == null) {
        continue;
      }
      supported[code] = true;
      String prefix = metadata.getNationalPrefixForParsing();
      nationalPrefix[code] = prefix.isEmpty() ? NO_PREFIX : Pattern.compile(prefix);
      if (DIGITS_ONLY.matcher(prefix).matches()) {
        literalPrefix[code] = prefix.toCharArray();
      }
    }
  }

  /**
   * The number the library's {@code parse(candidate, "ZZ")} returns for the candidate whose digits and
   * separators (after its '+' or "00") are {@code t[from, end)}, or null where this class does not know
   * the answer (then the library must be asked).
   */
  PhoneNumber parse(CharSequence t, int from, int end) {
    char[] digits = new char[MAX_DIGITS];
    int n = 0;
    for (int i = from; i < end; i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        if (n == MAX_DIGITS) {
          return null;
        }
        digits[n++] = c;
      } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
        return null;
      }
    }
    if (n <= MIN_NATIONAL_DIGITS || digits[0] == '0') {
      return null; // too short after the '+', or no calling code: the library throws
    }
    int code = 0;
    int codeDigits = 0;
    for (int i = 1; i <= MAX_COUNTRY_CODE_DIGITS; i++) {
      int candidate = code * 10 + (digits[i - 1] - '0');
      code = candidate;
      if (supported[candidate]) {
        codeDigits = i;
        break;
      }
    }
    int national = n - codeDigits;
    if (codeDigits == 0 || national < MIN_NATIONAL_DIGITS || national > MAX_NATIONAL_DIGITS) {
      return null;
    }
    char[] literal = literalPrefix[code];
    if (literal != null ? startsWith(digits, codeDigits, national, literal)
        : nationalPrefix[code] != NO_PREFIX
            && nationalPrefix[code].matcher(CharBuffer.wrap(digits, codeDigits, national)).lookingAt()) {
      return null; // the library may strip a national prefix here
    }
    PhoneNumber number = new PhoneNumber().setCountryCode(code);
    if (national > 1 && digits[codeDigits] == '0') {
      number.setItalianLeadingZero(true);
      int zeros = 1;
      while (zeros < national - 1 && digits[codeDigits + zeros] == '0') {
        zeros++;
      }
      if (zeros != 1) {
        number.setNumberOfLeadingZeros(zeros);
      }
    }
    long value = 0;
    for (int i = codeDigits; i < n; i++) {
      value = value * 10 + (digits[i] - '0');
    }
    return number.setNationalNumber(value);
  }

  /** True if {@code digits[from, from + length)} starts with {@code prefix}. */
  private static boolean startsWith(char[] digits, int from, int length, char[] prefix) {
    if (prefix.length > length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (digits[from + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }
}
