package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.CharBuffer;

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
 * starts with 0), strips a national prefix where the region's national-prefix-for-parsing pattern
 * matches at the start of the national number (the {@code (0)} of {@code +44 (0)20 ...}) and the general
 * number pattern and the possible lengths allow it, and sets the Italian leading zero and the count of
 * leading zeros from the national number. This class answers the same; where the library would
 * transform the number with a region's rule, or on another character, no calling code, too few or too
 * many digits, it returns null and the caller asks the library.
 * {@code InternationalNumbersTest} compares every answer with the library's own parse.
 *
 * <p>Thread-safe: immutable after construction (compiled patterns are shared; each call makes its own
 * matcher). Memory per call: a 20-char array and the returned number. Failure: null, never an exception,
 * for any candidate inside the text (offsets outside it throw {@link IndexOutOfBoundsException}).
 *
 * <p><b>Security:</b> keeps nothing between calls (no cache of numbers: a phone number must not outlive
 * the analysis of its text); the returned {@link PhoneNumber} holds the number's digits, so it must not be
 * logged or put into an error message.
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
   * Per supported calling code: whether this class answers for it (its metadata was found and its
   * patterns compile on RE2/J, the linear-time engine the recognizers use; the library's own engine is
   * java.util.regex, and the answers are compared with the library's in {@code InternationalNumbersTest}).
   */
  private final boolean[] answered = new boolean[1000];
  /**
   * Per answered calling code: the national-prefix-for-parsing pattern of its main region (or its
   * non-geographical entity), compiled on RE2/J; {@link #NO_PREFIX} where it has none.
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
  /** Per calling code: whether its metadata has a national prefix transform rule. */
  private final boolean[] transformRule = new boolean[1000];
  /** Per calling code: the general description's national number pattern, or null if it is empty. */
  private final Pattern[] generalPattern = new Pattern[1000];
  /** Per calling code: the general description's possible lengths (ascending) and local-only lengths. */
  private final int[][] possibleLengths = new int[1000][];
  private final int[][] localOnlyLengths = new int[1000][];

  InternationalNumbers(PhoneNumberUtil util) {
    MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    for (int code : util.getSupportedCallingCodes()) {
      if (code <= 0 || code >= supported.length) {
        continue; // (none is: calling codes have one to three digits)
      }
      supported[code] = true;
      String region = util.getRegionCodeForCountryCode(code);
      PhoneMetadata metadata = "001".equals(region)
          ? source.getMetadataForNonGeographicalRegion(code) : source.getMetadataForRegion(region);
      if (metadata == null) {
        continue;
      }
      String prefix = metadata.getNationalPrefixForParsing();
      String general = metadata.getGeneralDesc().getNationalNumberPattern();
      try {
        nationalPrefix[code] = prefix.isEmpty() ? NO_PREFIX : Pattern.compile(prefix);
        generalPattern[code] = general.isEmpty() ? null : Pattern.compile(general);
      } catch (PatternSyntaxException e) {
        continue; // not on RE2/J: left to the library
      }
      answered[code] = true;
      if (!prefix.isEmpty() && prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
        literalPrefix[code] = prefix.toCharArray();
      }
      transformRule[code] = !metadata.getNationalPrefixTransformRule().isEmpty();
      possibleLengths[code] = metadata.getGeneralDesc().getPossibleLengthList().stream()
          .mapToInt(Integer::intValue).toArray();
      localOnlyLengths[code] = metadata.getGeneralDesc().getPossibleLengthLocalOnlyList().stream()
          .mapToInt(Integer::intValue).toArray();
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
    if (codeDigits == 0 || !answered[code] || national < MIN_NATIONAL_DIGITS || national > MAX_NATIONAL_DIGITS) {
      return null;
    }
    int strip = nationalPrefixLength(code, digits, codeDigits, national);
    if (strip < 0) {
      return null;
    }
    int start = codeDigits + strip; // where the national number starts
    national -= strip;
    if (national < MIN_NATIONAL_DIGITS) {
      return null;
    }
    PhoneNumber number = new PhoneNumber().setCountryCode(code);
    if (national > 1 && digits[start] == '0') {
      number.setItalianLeadingZero(true);
      int zeros = 1;
      while (zeros < national - 1 && digits[start + zeros] == '0') {
        zeros++;
      }
      if (zeros != 1) {
        number.setNumberOfLeadingZeros(zeros);
      }
    }
    long value = 0;
    for (int i = start; i < n; i++) {
      value = value * 10 + (digits[i] - '0');
    }
    return number.setNationalNumber(value);
  }

  /**
   * How many leading digits of the national number {@code digits[from, from + length)} the library's
   * parse strips as the national prefix of calling code {@code code} (0: none), or -1 where it would
   * transform the number instead (then the library must answer). As the library's
   * {@code maybeStripNationalPrefixAndCarrierCode} and the length test after it: the prefix is stripped
   * where the region's pattern matches at the start, unless the number matched the region's general
   * pattern and would not match it after stripping, and only if the stripped length is possible there (or
   * longer than every possible length) and not a local-only length.
   */
  private int nationalPrefixLength(int code, char[] digits, int from, int length) {
    char[] literal = literalPrefix[code];
    int end;
    boolean transform;
    if (literal != null) {
      if (!startsWith(digits, from, length, literal)) {
        return 0;
      }
      end = literal.length;
      transform = transformRule[code]; // (a pattern without groups: its last group is the whole match)
    } else if (nationalPrefix[code] == NO_PREFIX) {
      return 0;
    } else {
      Matcher m = nationalPrefix[code].matcher(CharBuffer.wrap(digits, from, length));
      if (!m.lookingAt()) {
        return 0;
      }
      end = m.end();
      transform = transformRule[code] && m.group(m.groupCount()) != null;
    }
    if (transform) {
      return -1;
    }
    Pattern general = generalPattern[code];
    if (general != null && general.matcher(CharBuffer.wrap(digits, from, length)).matches()
        && !general.matcher(CharBuffer.wrap(digits, from + end, length - end)).matches()) {
      return 0; // the number was viable and would not be after stripping
    }
    int[] possible = possibleLengths[code];
    if (possible.length == 0) {
      return -1; // (no such metadata is bundled; the library would fail on it)
    }
    return lengthKept(possible, localOnlyLengths[code], length - end) ? end : 0;
  }

  /**
   * True where the library keeps a stripped national number of {@code length} digits: its length test
   * says possible or too long (not too short, local only, or an invalid length).
   */
  private static boolean lengthKept(int[] possible, int[] localOnly, int length) {
    if (possible[0] == -1 || contains(localOnly, 0, length)) {
      return false;
    }
    if (possible[0] >= length) {
      return possible[0] == length;
    }
    return possible[possible.length - 1] < length || contains(possible, 1, length);
  }

  private static boolean contains(int[] values, int from, int value) {
    for (int k = from; k < values.length; k++) {
      if (values[k] == value) {
        return true;
      }
    }
    return false;
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
