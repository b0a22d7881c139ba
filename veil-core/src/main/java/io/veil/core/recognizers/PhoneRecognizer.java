package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import io.veil.core.DigitRuns;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Telephone numbers. A hand-written scanner proposes phone-shaped candidates (an optional '+' or
 * "00" prefix, 7-15 digits in groups separated by single spaces, dashes or dots, an optional
 * parenthesised area code, an optional extension); libphonenumber then scores each:
 *
 * <ul>
 *   <li>international ('+'/00) and valid: 0.85; a grouped valid national number of 10+ digits (or with
 *       a parenthesised area code) for one of the default regions (with a leading 0: GB, DE, FR, IT, NL,
 *       AU, CH, BE, AT, IE, BR, JP, IN; without: US/CA, IN, IT, ES, MX, BR): 0.75, ungrouped 0.6;
 *   <li>grouped 7-9 digit numbers 0.45 (not checked: valid somewhere as often as not), possible 10+
 *       digit numbers 0.55, other grouped digits 0.35, ungrouped ones and "12 34 56" 0.3: these need a
 *       context word ("call", "phone", "tel",
 *       "mobile", "fax", ...) to pass the default threshold;
 *   <li>numbers in address position (after "Apt."/"Suite", before a street name) score 0.1.
 * </ul>
 *
 * Dates, dotted quads and SSN-shaped values are not proposed.
 */
final class PhoneRecognizer extends DigitRunRecognizer {
  /** Regions with a national trunk prefix '0', tried for numbers written with a leading 0. */
  static final String[] TRUNK_ZERO_REGIONS = {
      "GB", "DE", "FR", "IT", "NL", "AU", "CH", "BE", "AT", "IE", "BR", "JP", "IN"};
  /** Regions whose national numbers are written without a trunk prefix (or with 1). */
  static final String[] NO_TRUNK_REGIONS = {"US", "IN", "IT", "ES", "MX", "BR", "CN"};
  private static final int MAX_CANDIDATE = 32;
  /** Grouped 7-9 digit numbers: as likely a house or postal number; they need a context word. */
  private static final double SHORT_VALID = 0.45;
  private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
  /** Country calling codes of {@link #TRUNK_ZERO_REGIONS} and {@link #NO_TRUNK_REGIONS}, looked up once (each lookup is a metadata map access). */
  private final int[] trunkZeroCodes = countryCodes(TRUNK_ZERO_REGIONS);
  private final int[] noTrunkCodes = countryCodes(NO_TRUNK_REGIONS);
  /**
   * Per region, bit {@code L} set if a national significant number of {@code L} digits is possible there
   * (the general description's possible lengths in the bundled metadata that {@link PhoneNumberUtil#getInstance()}
   * also reads; all bits if it lists none). libphonenumber's
   * {@code isValidNumberForRegion} rejects other lengths before it runs any regular expression; testing the
   * length here first skips the call (a metadata lookup and several method layers) with the same answer.
   */
  private final long[] trunkZeroLengths = possibleLengths(TRUNK_ZERO_REGIONS);
  private final long[] noTrunkLengths = possibleLengths(NO_TRUNK_REGIONS);
  private final long italyLengths = possibleLengths(new String[] {"IT"})[0];
  /**
   * libphonenumber's validity tests compiled to DFAs ({@link PhoneValidity}): same answers, without the
   * library's regular expressions; where the tables do not match the library in use, the library answers.
   */
  private static final PhoneValidity VALIDITY = PhoneValidity.load(PhoneNumberUtil.getInstance());
  /** libphonenumber's parse of most international candidates, without its regular expressions. */
  private static final InternationalNumbers INTERNATIONAL = new InternationalNumbers(PhoneNumberUtil.getInstance());
  private final PhoneValidity.Table[] trunkZeroTables = tables(TRUNK_ZERO_REGIONS);
  private final PhoneValidity.Table[] noTrunkTables = tables(NO_TRUNK_REGIONS);
  private final PhoneValidity.Table italyTable = VALIDITY.table("IT");

  private static PhoneValidity.Table[] tables(String[] regions) {
    PhoneValidity.Table[] t = new PhoneValidity.Table[regions.length];
    for (int k = 0; k < regions.length; k++) {
      t[k] = VALIDITY.table(regions[k]);
    }
    return t;
  }

  private long[] possibleLengths(String[] regions) {
    long[] masks = new long[regions.length];
    for (int k = 0; k < regions.length; k++) {
      Phonemetadata.PhoneMetadata metadata = DefaultMetadataDependenciesProvider.getInstance()
          .getPhoneNumberMetadataSource().getMetadataForRegion(regions[k]);
      if (metadata == null) {
        masks[k] = -1L; // unknown here: never skip
        continue;
      }
      List<Integer> lengths = metadata.getGeneralDesc().getPossibleLengthList();
      long mask = lengths.isEmpty() ? -1L : 0L;
      for (int len : lengths) {
        if (len >= 0 && len < 64) {
          mask |= 1L << len;
        } else {
          mask = -1L; // a length the mask cannot hold: never skip
          break;
        }
      }
      masks[k] = mask;
    }
    return masks;
  }

  private static boolean possible(long mask, int length) {
    return mask == -1L || length < 64 && (mask & (1L << length)) != 0;
  }

  private int[] countryCodes(String[] regions) {
    int[] codes = new int[regions.length];
    for (int k = 0; k < regions.length; k++) {
      codes[k] = util.getCountryCodeForRegion(regions[k]);
    }
    return codes;
  }

  PhoneRecognizer() {
    super("phone", Set.of(EntityType.PHONE), Set.of(
        "phone", "tel", "telephone", "call", "mobile", "cell", "fax", "contact", "reach", "dial",
        "whatsapp", "sms", "text", "message", "office", "landline", "hotline", "telefon", "telefono", "téléphone",
        "portable", "handy", "answering", "ring", "tfno", "tlf", "tlfno", "telf", "teléfono", "movil", "móvil",
        "celular", "numéro", "rufnummer", "telefoon", "mobiel", "cellulare"), 6);
  }

  /**
   * Candidates are the {@linkplain DigitRuns digit runs} that open a word and the characters {@code '+'}
   * and {@code '('}: a phone number opens with one of them, never inside a word.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    DigitRuns runs = traits.digitRuns(text);
    boolean plusOrParen = traits.mayContain('+') || traits.mayContain('(');
    int nextPlus = -1;   // next '+' at or after i (valid while >= i), n if none
    int nextParen = -1;  // next '(' at or after i
    int g = 0;
    int count = runs.count();
    int i = 0;
    while (true) {
      // the next candidate at or after i: a run that opens a word, a '+' or a '('
      while (g < count && (runs.start(g) < i || !runs.opensWord(g))) {
        g++;
      }
      int cand = g < count ? runs.start(g) : n;
      if (plusOrParen) {
        if (nextPlus < i) {
          nextPlus = indexOrEnd(text, '+', i);
        }
        if (nextParen < i) {
          nextParen = indexOrEnd(text, '(', i);
        }
        cand = Math.min(cand, Math.min(nextPlus, nextParen));
      }
      if (cand >= n) {
        break;
      }
      i = cand;
      char c = text.charAt(i);
      boolean plus = c == '+' && i + 1 < n && (Chars.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == ' ');
      boolean paren = c == '(' && i + 1 < n && Chars.isDigit(text.charAt(i + 1));
      if (!(plus || paren || Chars.isDigit(c)) || !startOk(text, i)) {
        i = skipToken(text, i);
        continue;
      }
      int end = scanCandidate(text, i, n, runs, g < count && runs.start(g) == i ? g : runs.firstFrom(i));
      if (end < 0) {
        i = skipToken(text, i);
        continue;
      }
      Finding f = score(text, i, end);
      if (f != null) {
        out.add(f);
        i = end;
      } else {
        i = skipToken(text, i);
      }
    }
    return out;
  }

  private static int indexOrEnd(String text, char c, int from) {
    int at = text.indexOf(c, from);
    return at < 0 ? text.length() : at;
  }

  private static int skipToken(String text, int i) {
    int n = text.length();
    if (i < n && Chars.isWordChar(text.charAt(i))) {
      while (i < n && Chars.isWordChar(text.charAt(i))) {
        i++;
      }
      return i;
    }
    return i + 1;
  }

  private static boolean startOk(String text, int i) {
    if (i == 0) {
      return true;
    }
    char p = text.charAt(i - 1);
    return !(Chars.isWordChar(p) || p == '.' || p == '-' || p == '/' || p == '+' || p == ',' && i > 1
        && Chars.isDigit(text.charAt(i - 2)));
  }

  /**
   * End of a phone-shaped run starting at {@code start}, or -1. {@code run} is the first digit run at or
   * after {@code start}: the walk passes over every character from {@code start}, so each digit it meets
   * opens the next run, whose digits it then takes at once.
   */
  private static int scanCandidate(String t, int start, int n, DigitRuns runs, int run) {
    int i = start;
    int digits = 0;
    int lastDigitEnd = -1;
    boolean openParen = false;
    char prevSep = 0;
    if (t.charAt(i) == '+') {
      i++;
      if (i < n && t.charAt(i) == ' ') {
        i++;
      }
    }
    int limit = start + MAX_CANDIDATE; // the walk reads no character at or after this
    while (i < n && i < limit) {
      char c = t.charAt(i);
      if (Chars.isDigit(c)) {
        // i == runs.start(run): its digits, up to the limit
        int e = Math.min(runs.end(run++), limit);
        digits += e - i;
        i = e;
        lastDigitEnd = i;
        prevSep = 0;
      } else if (c == '(' && !openParen && prevSep != '(' && i + 1 < n && Chars.isDigit(t.charAt(i + 1))) {
        openParen = true;
        prevSep = '(';
        i++;
      } else if (c == ')' && openParen && lastDigitEnd == i) {
        openParen = false;
        prevSep = ')';
        i++;
      } else if ((c == ' ' || c == '-' || c == '.') && (prevSep == 0 || prevSep == ')')
          && i + 1 < n && (Chars.isDigit(t.charAt(i + 1)) || t.charAt(i + 1) == '(')) {
        prevSep = c;
        i++;
      } else {
        break;
      }
    }
    if (digits < 6 || digits > 15 || lastDigitEnd < 0 || openParen) {
      return -1;
    }
    int end = lastDigitEnd;
    if (end < n && Chars.isWordChar(t.charAt(end)) && !isExtension(t, end)) {
      return -1;
    }
    return extensionEnd(t, end, n);
  }

  private static boolean isExtension(String t, int at) {
    return (t.charAt(at) == 'x' || t.charAt(at) == 'X') && at + 1 < t.length() && Chars.isDigit(t.charAt(at + 1));
  }

  private static int extensionEnd(String t, int end, int n) {
    int i = end;
    if (i < n && t.charAt(i) == ' ') {
      i++;
    }
    int kw = -1;
    if (i < n && (t.charAt(i) == 'x' || t.charAt(i) == 'X')) {
      kw = i + 1;
    } else if (Chars.matchesAt(t, i, "ext")) {
      kw = i + 3;
      if (kw < n && t.charAt(kw) == '.') {
        kw++;
      }
      if (kw < n && t.charAt(kw) == ' ') {
        kw++;
      }
    }
    if (kw > 0 && kw < n && Chars.isDigit(t.charAt(kw))) {
      int e = kw;
      while (e < n && e - kw < 6 && Chars.isDigit(t.charAt(e))) {
        e++;
      }
      if (Chars.boundaryAfter(t, e)) {
        return e;
      }
    }
    return Chars.boundaryAfter(t, end) ? end : -1;
  }

  /** The finding for the candidate {@code t[start, end)}, or null (read in place: no substring). */
  private Finding score(String t, int start, int end) {
    if (looksLikeOtherValue(t, start, end)) {
      return null;
    }
    Finding f = libphonenumberScore(t, start, end);
    if (f != null && f.score() < 0.85 && houseNumber(t, start, end)) {
      // "Apt. 675 62314 Mellemvej", "370 3911 Fourth Avenue": numbers of an address, not a phone
      return f.withScore(0.1);
    }
    return f;
  }

  private static final Set<String> STREET_WORDS = Set.of(
      "street", "st", "str", "avenue", "ave", "av", "road", "rd", "lane", "ln", "drive", "dr", "close", "place",
      "pl", "way", "court", "ct", "boulevard", "blvd", "terrace", "crescent", "square", "sq", "highway", "hwy",
      "parkway", "pkwy", "circle", "row", "walk", "hill", "park", "gardens", "rue", "avenida", "calle", "via",
      "viale", "piazza", "corso", "strasse", "straße", "weg", "gasse", "platz", "allee", "vej", "veien", "gatan",
      "gata", "vägen", "tie", "katu", "utca", "ulica", "ul", "straat", "laan", "plein", "odos", "rua", "travessa",
      "chemin", "impasse", "quai");
  private static final String[] UNIT_WORDS = {"apt", "apartment", "suite", "ste", "unit", "flat", "box", "no", "house"};

  /** {@link #STREET_WORDS} and {@link #UNIT_WORDS}, looked up in the text without a substring. */
  private static final WordIndex STREET_INDEX = new WordIndex(STREET_WORDS.toArray(String[]::new));
  private static final WordIndex UNIT_INDEX = new WordIndex(UNIT_WORDS);
  /** The longest of {@link #STREET_WORDS} and {@link #UNIT_WORDS}: a longer word is neither. */
  private static final int LONGEST_ADDRESS_WORD = longest(STREET_WORDS.toArray(String[]::new), UNIT_WORDS);

  private static int longest(String[]... lists) {
    int max = 0;
    for (String[] list : lists) {
      for (String w : list) {
        max = Math.max(max, w.length());
      }
    }
    return max;
  }

  private static boolean isUnitWord(String w) {
    for (String u : UNIT_WORDS) {
      if (u.equals(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if {@code t[from, to)}, lower-cased with {@code String.toLowerCase(Locale.ROOT)}, is one of the
   * unit words ({@code unit}, looked up in {@link #UNIT_INDEX}) or street words ({@link #STREET_INDEX}).
   * The index compares char by char with {@link Character#toLowerCase(char)}, which agrees with the
   * string's lower case for every letter but two: U+0130 (capital I with dot, which becomes two
   * characters), so a word with one is lower-cased as a string, and the capital sigma (its string lower
   * case depends on the position), which no address word has in either form.
   */
  private static boolean isAddressWord(String t, int from, int to, WordIndex index, boolean unit) {
    if (to - from > LONGEST_ADDRESS_WORD) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if (t.charAt(k) == '\u0130') {
        String w = t.substring(from, to).toLowerCase(java.util.Locale.ROOT);
        return unit ? isUnitWord(w) : STREET_WORDS.contains(w);
      }
    }
    return index.exactly(t, from, to) != null;
  }

  /** True if the number sits where an address puts house/unit numbers. */
  static boolean houseNumber(String t, int start, int end) {
    // a unit word right before: "Apt. 675 62314" (its letters are ASCII: lower-cased by the index as by
    // toLowerCase)
    int b = start - 1;
    while (b >= 0 && (t.charAt(b) == ' ' || t.charAt(b) == '.' || t.charAt(b) == '#')) {
      b--;
    }
    int ws = b;
    while (ws >= 0 && Chars.isAsciiLetter(t.charAt(ws))) {
      ws--;
    }
    if (b - ws >= 2 && isAddressWord(t, ws + 1, b + 1, UNIT_INDEX, true)) {
      return true;
    }
    // a street name right after: "3911 Fourth Avenue", "9816 214 Pavlou Drandaki St."
    int i = end;
    int words = 0;
    int n = t.length();
    while (i < n && words < 4) {
      while (i < n && (t.charAt(i) == ' ' || t.charAt(i) == '.')) {
        i++;
      }
      int s = i;
      while (i < n && Chars.isLetter(t.charAt(i))) {
        i++;
      }
      if (i == s) {
        return false;
      }
      if (isAddressWord(t, s, i, STREET_INDEX, false) || (words == 0 && isAddressWord(t, s, i, UNIT_INDEX, true))) {
        return true;
      }
      words++;
    }
    return false;
  }

  private Finding libphonenumberScore(String t, int start, int end) {
    boolean grouped = false;
    int digitCount = 0;
    for (int k = start; k < end; k++) {
      char c = t.charAt(k);
      if (c == ' ' || c == '-' || c == '.' || c == '(') {
        grouped = true;
      } else if (Chars.isDigit(c)) {
        digitCount++;
      }
    }
    boolean zeroZero = end - start >= 2 && t.charAt(start) == '0' && t.charAt(start + 1) == '0';
    boolean international = t.charAt(start) == '+' || zeroZero;
    if (digitCount == 6) {
      // only "12 34 56": short local numbers of some countries, reported with a context word
      boolean pairs = end - start == 8 && t.charAt(start + 2) == t.charAt(start + 5) && (t.charAt(start + 2) == ' '
          || t.charAt(start + 2) == '.' || t.charAt(start + 2) == '-');
      return pairs ? new Finding(start, end, EntityType.PHONE, 0.3, name()) : null;
    }
    if (!international && digitCount < 10) {
      // 7-9 digits: valid somewhere as often as not, and as likely a house or postal number; score
      // without asking libphonenumber (which costs microseconds per region) and let context decide
      return new Finding(start, end, EntityType.PHONE, grouped ? SHORT_VALID : 0.3, name());
    }
    boolean possible = false;
    if (international) {
      PhoneNumber p = INTERNATIONAL.parse(t, zeroZero ? start + 2 : start + 1, end);
      if (p == null) {
        String s = zeroZero ? "+" + t.substring(start + 2, end) : t.substring(start, end);
        p = parse(s, "ZZ");
      }
      if (p != null && VALIDITY.isValidNumber(p)) {
        return new Finding(start, end, EntityType.PHONE, 0.85, name());
      }
      possible = p != null && util.isPossibleNumber(p);
    }
    if (!international && nationalValid(t, start, end)) {
      return new Finding(start, end, EntityType.PHONE, grouped ? 0.75 : 0.6, name());
    }
    if (grouped && possible) {
      return new Finding(start, end, EntityType.PHONE, 0.55, name());
    }
    return new Finding(start, end, EntityType.PHONE, grouped ? 0.35 : 0.3, name());
  }

  /**
   * True if the digits of {@code t[start, end)}, read as a national number (trunk prefix 0 stripped where
   * the region uses one), are valid in a default region. Builds the number directly instead of calling
   * {@code parse} once per region: parsing dominates the cost otherwise. The national significant number
   * as libphonenumber writes it ({@code Long.toString} of the number: its digits without leading zeros)
   * is a range of one char array, so no string is built unless the library must answer.
   */
  private boolean nationalValid(String t, int start, int end) {
    char[] d = new char[13];
    int length = 0;
    for (int k = start; k < end; k++) {
      char c = t.charAt(k);
      if (Chars.isDigit(c)) {
        if (length < d.length) {
          d[length] = c;
        }
        length++;
      } else if (c == 'x' || c == 'X' || c == 'e' || c == 'E') {
        break; // extension
      }
    }
    if (length < 7 || length > 13) {
      return false;
    }
    if (d[0] == '0') {
      // the national significant number, the same for every region: d[from, length)
      int from = withoutLeadingZeros(d, 1, length);
      long nsn = value(d, from, length);
      int written = length - from;
      for (int k = 0; k < TRUNK_ZERO_REGIONS.length; k++) {
        if (!possible(trunkZeroLengths[k], written)) {
          continue;
        }
        if (validForRegion(trunkZeroTables[k], trunkZeroCodes[k], nsn, false, d, from, length,
            TRUNK_ZERO_REGIONS[k])) {
          return true;
        }
      }
      // Italy keeps its leading zero (one zero before the number: one more digit; d[from - 1] is a zero)
      if (!possible(italyLengths, written + 1)) {
        return false;
      }
      return validForRegion(italyTable, 39, nsn, true, d, from - 1, length, "IT");
    }
    int from = withoutLeadingZeros(d, length == 11 && d[0] == '1' ? 1 : 0, length);
    long nsn = value(d, from, length);
    int written = length - from;
    for (int k = 0; k < NO_TRUNK_REGIONS.length; k++) {
      if (!possible(noTrunkLengths[k], written)) {
        continue;
      }
      if (validForRegion(noTrunkTables[k], noTrunkCodes[k], nsn, false, d, from, length, NO_TRUNK_REGIONS[k])) {
        return true;
      }
    }
    return false;
  }

  /**
   * The start of {@code Long.toString(Long.parseLong(d[from, to)))} in {@code d}: the first digit that is
   * not a leading zero, or the last digit if all are zeros ("0").
   */
  private static int withoutLeadingZeros(char[] d, int from, int to) {
    int k = from;
    while (k < to - 1 && d[k] == '0') {
      k++;
    }
    return k;
  }

  /** The value of the ASCII digits {@code d[from, to)} (at most 13 of them). */
  private static long value(char[] d, int from, int to) {
    long v = 0;
    for (int k = from; k < to; k++) {
      v = v * 10 + (d[k] - '0');
    }
    return v;
  }

  /**
   * libphonenumber's {@code isValidNumberForRegion} for the number with this calling code (the region's)
   * and national number, whose national significant number as libphonenumber writes it ({@code
   * Long.toString} of the national number, after a "0" for an Italian leading zero) is {@code written[from, to)}:
   * the table is asked directly, and a {@link PhoneNumber} is built only where the library must answer.
   */
  private boolean validForRegion(PhoneValidity.Table table, int countryCode, long nsn, boolean italianLeadingZero,
                                 char[] written, int from, int to, String region) {
    if (table != null) {
      return table.valid(written, from, to);
    }
    PhoneNumber p = new PhoneNumber().setCountryCode(countryCode).setNationalNumber(nsn);
    if (italianLeadingZero) {
      p.setItalianLeadingZero(true);
    }
    return util.isValidNumberForRegion(p, region);
  }

  private PhoneNumber parse(String s, String region) {
    try {
      return util.parse(s, region);
    } catch (NumberParseException e) {
      return null;
    }
  }

  /**
   * Dates (yyyy-mm-dd, dd.mm.yyyy), SSN layout, year ranges: digits that are not phones. Reads the
   * candidate {@code t[from, to)} in place: its first eight digit groups and which separators it has.
   */
  static boolean looksLikeOtherValue(String t, int from, int to) {
    int g = 0;        // digit groups seen, up to 8
    int g0 = 0;       // the lengths of the first three
    int g1 = 0;
    int g2 = 0;
    boolean singleAfterFirst = false; // a group of one digit after the first
    int len = 0;
    boolean dashes = false;
    boolean dots = false;
    boolean spaces = false;
    boolean paren = false;
    for (int k = from; k <= to; k++) { // k == to closes the last group
      if (k < to) {
        char c = t.charAt(k);
        if (Chars.isDigit(c)) {
          len++;
          continue;
        }
        dashes |= c == '-';
        dots |= c == '.';
        spaces |= c == ' ';
        paren |= c == '(';
      }
      if (len > 0 && g < 8) {
        switch (g) {
          case 0 -> g0 = len;
          case 1 -> g1 = len;
          case 2 -> g2 = len;
          default -> { }
        }
        singleAfterFirst |= g > 0 && len == 1;
        g++;
      }
      len = 0;
    }
    if (dots && spaces && t.charAt(from) != '+') {
      return true; // "5.237 174.465": numbers with thousands separators, as in tables
    }
    if (singleAfterFirst) {
      return true; // "1 36 1 48 1": phone groups have two digits or more after the first
    }
    if (g == 3 && g0 == 4 && g1 <= 2 && g2 <= 2 && (dashes || dots)) {
      return true; // 2024-05-17
    }
    if (g >= 3 && g0 <= 2 && g1 <= 2 && g2 == 4 && (dots || dashes)
        && t.charAt(from) != '(' && validDayMonth(t, from, to)) {
      return true; // 17.05.2024
    }
    if (g == 3 && g0 == 3 && g1 == 2 && g2 == 4 && dashes && !spaces && !paren) {
      return true; // 123-45-6789 is an SSN's layout
    }
    if (g == 2 && (g0 == 4 || g0 == 5) && g1 == 3 && dashes && !spaces) {
      return true; // 01310-100, 3610-114: Brazilian and Portuguese postal codes
    }
    return g == 2 && g0 == 4 && g1 == 4 && dashes && isYear(t, from, to, 0) && isYear(t, from, to, 5);
  }

  private static boolean validDayMonth(String t, int from, int to) {
    int a = 0;
    int b = 0;
    int k = from;
    while (k < to && Chars.isDigit(t.charAt(k))) {
      a = a * 10 + t.charAt(k++) - '0';
    }
    k++;
    while (k < to && Chars.isDigit(t.charAt(k))) {
      b = b * 10 + t.charAt(k++) - '0';
    }
    return a >= 1 && a <= 31 && b >= 1 && b <= 31 && (a <= 12 || b <= 12);
  }

  /** True if {@code t[from, to)} has "19" or "20" at {@code from + at} and four characters from there. */
  private static boolean isYear(String t, int from, int to, int at) {
    return to - from >= at + 4 && (t.startsWith("19", from + at) || t.startsWith("20", from + at));
  }
}
