package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
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
   * Candidates are word starts with an ASCII digit and the characters {@code '+'} and {@code '('}: a
   * phone number opens with one of them, never inside a word.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    boolean plusOrParen = traits.mayContain('+') || traits.mayContain('(');
    int nextPlus = -1;   // next '+' at or after i (valid while >= i), n if none
    int nextParen = -1;  // next '(' at or after i
    int j = 0;
    int digitWords = traits.digitWordCount();
    int i = 0;
    while (true) {
      // the next candidate at or after i: the start of a word with a digit that opens with one, a '+' or a '('
      while (j < digitWords && (traits.wordStart(traits.digitWord(j)) < i
          || !Chars.isDigit(text.charAt(traits.wordStart(traits.digitWord(j)))))) {
        j++;
      }
      int cand = j < digitWords ? traits.wordStart(traits.digitWord(j)) : n;
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
      int end = scanCandidate(text, i, n);
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

  /** End of a phone-shaped run starting at {@code start}, or -1. */
  private static int scanCandidate(String t, int start, int n) {
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
    while (i < n && i - start < MAX_CANDIDATE) {
      char c = t.charAt(i);
      if (Chars.isDigit(c)) {
        digits++;
        i++;
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

  private Finding score(String t, int start, int end) {
    String cand = t.substring(start, end);
    if (looksLikeOtherValue(cand)) {
      return null;
    }
    Finding f = libphonenumberScore(t, start, end, cand);
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

  private static boolean isUnitWord(String w) {
    for (String u : UNIT_WORDS) {
      if (u.equals(w)) {
        return true;
      }
    }
    return false;
  }

  /** True if the number sits where an address puts house/unit numbers. */
  static boolean houseNumber(String t, int start, int end) {
    // a unit word right before: "Apt. 675 62314"
    int b = start - 1;
    while (b >= 0 && (t.charAt(b) == ' ' || t.charAt(b) == '.' || t.charAt(b) == '#')) {
      b--;
    }
    int ws = b;
    while (ws >= 0 && Chars.isAsciiLetter(t.charAt(ws))) {
      ws--;
    }
    if (b - ws >= 2 && isUnitWord(t.substring(ws + 1, b + 1).toLowerCase(java.util.Locale.ROOT))) {
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
      String w = t.substring(s, i).toLowerCase(java.util.Locale.ROOT);
      if (STREET_WORDS.contains(w) || (words == 0 && isUnitWord(w))) {
        return true;
      }
      words++;
    }
    return false;
  }

  private Finding libphonenumberScore(String t, int start, int end, String cand) {
    boolean grouped = false;
    for (int k = 0; k < cand.length(); k++) {
      char c = cand.charAt(k);
      if (c == ' ' || c == '-' || c == '.' || c == '(') {
        grouped = true;
        break;
      }
    }
    boolean international = cand.startsWith("+") || cand.startsWith("00");
    int digitCount = 0;
    for (int k = 0; k < cand.length(); k++) {
      digitCount += Chars.isDigit(cand.charAt(k)) ? 1 : 0;
    }
    if (digitCount == 6) {
      // only "12 34 56": short local numbers of some countries, reported with a context word
      boolean pairs = cand.length() == 8 && cand.charAt(2) == cand.charAt(5) && (cand.charAt(2) == ' '
          || cand.charAt(2) == '.' || cand.charAt(2) == '-');
      return pairs ? new Finding(start, end, EntityType.PHONE, 0.3, name()) : null;
    }
    if (!international && digitCount < 10) {
      // 7-9 digits: valid somewhere as often as not, and as likely a house or postal number; score
      // without asking libphonenumber (which costs microseconds per region) and let context decide
      return new Finding(start, end, EntityType.PHONE, grouped ? SHORT_VALID : 0.3, name());
    }
    boolean possible = false;
    if (international) {
      String s = cand.startsWith("00") ? "+" + cand.substring(2) : cand;
      PhoneNumber p = parse(s, "ZZ");
      if (p != null && VALIDITY.isValidNumber(p)) {
        return new Finding(start, end, EntityType.PHONE, 0.85, name());
      }
      possible = p != null && util.isPossibleNumber(p);
    }
    if (!international && nationalValid(cand)) {
      return new Finding(start, end, EntityType.PHONE, grouped ? 0.75 : 0.6, name());
    }
    if (grouped && possible) {
      return new Finding(start, end, EntityType.PHONE, 0.55, name());
    }
    return new Finding(start, end, EntityType.PHONE, grouped ? 0.35 : 0.3, name());
  }

  /**
   * True if the digits, read as a national number (trunk prefix 0 stripped where the region uses
   * one), are valid in a default region. Builds the number directly instead of calling
   * {@code parse} once per region: parsing dominates the cost otherwise.
   */
  private boolean nationalValid(String cand) {
    StringBuilder d = new StringBuilder(16);
    for (int k = 0; k < cand.length(); k++) {
      char c = cand.charAt(k);
      if (Chars.isDigit(c)) {
        d.append(c);
      } else if (c == 'x' || c == 'X' || c == 'e' || c == 'E') {
        break; // extension
      }
    }
    String digits = d.toString();
    if (digits.length() < 7 || digits.length() > 13) {
      return false;
    }
    if (digits.charAt(0) == '0') {
      long nsn = Long.parseLong(digits.substring(1));
      // the national significant number as libphonenumber writes it, the same for every region: built once
      String written = Long.toString(nsn);
      int length = written.length();
      for (int k = 0; k < TRUNK_ZERO_REGIONS.length; k++) {
        if (!possible(trunkZeroLengths[k], length)) {
          continue;
        }
        if (validForRegion(trunkZeroTables[k], trunkZeroCodes[k], nsn, false, written, TRUNK_ZERO_REGIONS[k])) {
          return true;
        }
      }
      // Italy keeps its leading zero (one zero before the number: one more digit)
      if (!possible(italyLengths, length + 1)) {
        return false;
      }
      return validForRegion(italyTable, 39, nsn, true, "0" + written, "IT");
    }
    String national = digits.length() == 11 && digits.charAt(0) == '1' ? digits.substring(1) : digits;
    long nsn = Long.parseLong(national);
    String written = Long.toString(nsn);
    int length = written.length();
    for (int k = 0; k < NO_TRUNK_REGIONS.length; k++) {
      if (!possible(noTrunkLengths[k], length)) {
        continue;
      }
      if (validForRegion(noTrunkTables[k], noTrunkCodes[k], nsn, false, written, NO_TRUNK_REGIONS[k])) {
        return true;
      }
    }
    return false;
  }

  /**
   * libphonenumber's {@code isValidNumberForRegion} for the number with this calling code (the region's)
   * and national number, whose national significant number as libphonenumber writes it ({@code
   * Long.toString} of the national number, after a "0" for an Italian leading zero) is {@code written}:
   * the table is asked directly, and a {@link PhoneNumber} is built only where the library must answer.
   */
  private boolean validForRegion(PhoneValidity.Table table, int countryCode, long nsn, boolean italianLeadingZero,
                                 String written, String region) {
    if (table != null) {
      return table.valid(written);
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

  /** Dates (yyyy-mm-dd, dd.mm.yyyy), SSN layout, year ranges: digits that are not phones. */
  static boolean looksLikeOtherValue(String c) {
    int[] groups = new int[8];
    int g = 0;
    int len = 0;
    for (int k = 0; k < c.length() && g < 8; k++) {
      if (Chars.isDigit(c.charAt(k))) {
        len++;
      } else if (len > 0) {
        groups[g++] = len;
        len = 0;
      }
    }
    if (len > 0 && g < 8) {
      groups[g++] = len;
    }
    boolean dashes = c.indexOf('-') >= 0;
    boolean dots = c.indexOf('.') >= 0;
    if (dots && c.indexOf(' ') >= 0 && !c.startsWith("+")) {
      return true; // "5.237 174.465": numbers with thousands separators, as in tables
    }
    for (int k = 1; k < g; k++) {
      if (groups[k] == 1) {
        return true; // "1 36 1 48 1": phone groups have two digits or more after the first
      }
    }
    if (g == 3 && groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2 && (dashes || dots)) {
      return true; // 2024-05-17
    }
    if (g >= 3 && groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4 && (dots || dashes)
        && c.charAt(0) != '(' && validDayMonth(c)) {
      return true; // 17.05.2024
    }
    if (g == 3 && groups[0] == 3 && groups[1] == 2 && groups[2] == 4 && dashes && c.indexOf(' ') < 0
        && c.indexOf('(') < 0) {
      return true; // 123-45-6789 is an SSN's layout
    }
    if (g == 2 && (groups[0] == 4 || groups[0] == 5) && groups[1] == 3 && dashes && c.indexOf(' ') < 0) {
      return true; // 01310-100, 3610-114: Brazilian and Portuguese postal codes
    }
    return g == 2 && groups[0] == 4 && groups[1] == 4 && dashes && isYear(c, 0) && isYear(c, 5);
  }

  private static boolean validDayMonth(String c) {
    int a = 0;
    int b = 0;
    int k = 0;
    while (Chars.isDigit(c.charAt(k))) {
      a = a * 10 + c.charAt(k++) - '0';
    }
    k++;
    while (k < c.length() && Chars.isDigit(c.charAt(k))) {
      b = b * 10 + c.charAt(k++) - '0';
    }
    return a >= 1 && a <= 31 && b >= 1 && b <= 31 && (a <= 12 || b <= 12);
  }

  private static boolean isYear(String c, int at) {
    return c.length() >= at + 4 && (c.startsWith("19", at) || c.startsWith("20", at));
  }
}
