package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Calendar dates: ISO ({@code 2024-05-17}, optionally with a time), numeric with slashes, dots or
 * dashes ({@code 5/17/2024}, {@code 17.05.2024}, {@code 17-05-24}) with a plausible day and month, and
 * dates with an English, German, French or Spanish month name ({@code 17 May 2024},
 * {@code May 17, 2024}, {@code 17. Mai 2024}, {@code enero de 2006}). A date with a birth cue shortly before it ("born",
 * "DOB", "date of birth", "geboren", "né le", "fecha de nacimiento") is reported as
 * {@link EntityType#DATE_OF_BIRTH}, others as {@link EntityType#DATE}. Bare years and weekday names
 * are not reported (too little personal data for their false-positive rate).
 */
final class DateRecognizer extends DigitRunRecognizer {
  private static final String[] MONTHS = {
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
      "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember",
      "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre",
      "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
      "octubre", "noviembre", "diciembre"};
  private static final String[] BIRTH = {
      "born", "dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "geboren", "geb.",
      "geburtsdatum", "né le", "née le", "date de naissance", "nacido", "nacida", "fecha de nacimiento",
      "nato il", "nata il", "geboortedatum"};

  private static final WordIndex MONTH_INDEX = new WordIndex(MONTHS);
  private static final String[] ORDINALS = {"st", "nd", "rd", "th", "er"};

  DateRecognizer() {
    super("date", Set.of(EntityType.DATE, EntityType.DATE_OF_BIRTH),
        Set.of("date", "dated", "on", "since", "when", "day", "born", "birthday", "dob", "until", "from", "due"), 0);
  }

  /** Candidates are word starts (a date opens with a digit or a month name at a word boundary). */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int i = 0;
    for (int k = 0, words = traits.wordCount(); k < words; k++) {
      int ws = traits.wordStart(k);
      if (ws < i) {
        continue; // inside a date already reported
      }
      int end = -1;
      double score = 0;
      // (a word without a digit is not read: most words go to the month-name test on their head alone)
      if (traits.wordHasAsciiDigit(k) && Chars.isDigit(text.charAt(ws))) {
        int[] r = numeric(text, ws);
        if (r == null) {
          r = dayMonthName(text, ws);
        }
        if (r != null) {
          end = r[0];
          score = r[1] / 100.0;
        }
      } else if (monthLength(traits.wordEnd(k) - ws) && MONTH_INDEX.mayOpenWord(traits.wordHead(k))) {
        // monthAt(text, ws) without walking the letters again: the month name must be the whole word
        // (3-10 letters, then a boundary), and a word equal to a month name consists of letters
        int m = MONTH_INDEX.exactly(text, ws, traits.wordEnd(k)) != null ? traits.wordEnd(k) - ws : 0;
        if (m > 0) {
          int[] r = monthNameDay(text, ws, m);
          if (r != null) {
            end = r[0];
            score = r[1] / 100.0;
          }
        }
      }
      if (end > ws) {
        boolean birth = hasBirthCue(text, ws);
        out.add(new Finding(ws, end, birth ? EntityType.DATE_OF_BIRTH : EntityType.DATE,
            birth ? Math.min(1.0, score + 0.25) : score, name()));
        i = end;
      }
    }
    return out;
  }

  private static boolean hasBirthCue(String t, int start) {
    int from = Math.max(0, start - 40);
    for (int k = from; k < start; k++) {
      if (!Chars.boundaryBefore(t, k)) {
        continue;
      }
      for (String w : BIRTH) {
        if (k + w.length() <= start && regionLower(t, k, w)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean regionLower(String t, int at, String w) {
    for (int k = 0; k < w.length(); k++) {
      if (Chars.toLowerCase(t.charAt(at + k)) != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * False if a word of {@code length} characters cannot be a month name for {@link #monthAt}: that needs
   * the whole word (a month name is followed by a word boundary) to be 3-10 letters.
   */
  private static boolean monthLength(int length) {
    return length >= 3 && length <= 10;
  }

  /** Length of the month name at {@code i} (whole word, optional trailing '.'), or 0. */
  private static int monthAt(String t, int i) {
    int e = i;
    while (e < t.length() && e - i < 10 && Chars.isLetter(t.charAt(e))) {
      e++;
    }
    if (e - i < 3 || !Chars.boundaryAfter(t, e)) {
      return 0;
    }
    return MONTH_INDEX.exactly(t, i, e) != null ? e - i : 0;
  }

  private static int digits(String t, int i, int max) {
    int e = i;
    while (e < t.length() && e - i <= max && Chars.isDigit(t.charAt(e))) {
      e++;
    }
    return e - i > max ? max + 1 : e - i;
  }

  /** The value of the {@code len} ASCII digits at {@code i} (every caller has counted them with {@link #digits}). */
  private static int value(String t, int i, int len) {
    return Chars.asciiDigitsValue(t, i, i + len);
  }

  /** [end, score*100] of a numeric date at {@code i}, or null. */
  private static int[] numeric(String t, int i) {
    int n = t.length();
    int a = digits(t, i, 4);
    if (a == 0 || a == 3 || a > 4 || i + a >= n) {
      return null;
    }
    char sep = t.charAt(i + a);
    if (sep != '-' && sep != '/' && sep != '.') {
      return null;
    }
    int j = i + a + 1;
    int b = digits(t, j, 2);
    if (b == 0 || b > 2 || j + b >= n || t.charAt(j + b) != sep) {
      return null;
    }
    int k = j + b + 1;
    int c = digits(t, k, 4);
    if (c == 0 || c == 1 || c == 3 || c > 4) {
      return null;
    }
    int end = k + c;
    if (!Chars.boundaryAfter(t, end) || (end + 1 < n && t.charAt(end) == sep && Chars.isDigit(t.charAt(end + 1)))) {
      return null;
    }
    int va = value(t, i, a);
    int vb = value(t, j, b);
    int vc = value(t, k, c);
    if (a == 4) {
      // yyyy-mm-dd
      if (c > 2 || !year(va) || vb < 1 || vb > 12 || vc < 1 || vc > 31) {
        return null;
      }
      return new int[] {timeEnd(t, end), sep == '-' ? 85 : 75};
    }
    if (a > 2) {
      return null;
    }
    boolean dm = va >= 1 && va <= 31 && vb >= 1 && vb <= 12;
    boolean md = va >= 1 && va <= 12 && vb >= 1 && vb <= 31;
    if (!(dm || md)) {
      return null;
    }
    if (c == 4) {
      if (!year(vc)) {
        return null;
      }
      return new int[] {timeEnd(t, end), 75};
    }
    // two-digit year: weaker (could be a fraction or a version)
    return sep == '.' && a == 1 && b == 1 ? null : new int[] {end, 45};
  }

  private static boolean year(int y) {
    return y >= 1800 && y <= 2199;
  }

  /** Extends over a following time of day ("T10:15:30Z", " 07:00:28"). */
  private static int timeEnd(String t, int end) {
    int n = t.length();
    if (end + 6 <= n && (t.charAt(end) == ' ' || t.charAt(end) == 'T') && Chars.isDigit(t.charAt(end + 1))
        && Chars.isDigit(t.charAt(end + 2)) && t.charAt(end + 3) == ':' && end + 5 < n + 1
        && Chars.isDigit(t.charAt(end + 4)) && Chars.isDigit(t.charAt(end + 5))) {
      int e = end + 6;
      if (e + 3 <= n && t.charAt(e) == ':' && Chars.isDigit(t.charAt(e + 1)) && Chars.isDigit(t.charAt(e + 2))) {
        e += 3;
        if (e < n && t.charAt(e) == '.') {
          int f = e + 1;
          while (f < n && f - e <= 9 && Chars.isDigit(t.charAt(f))) {
            f++;
          }
          e = f > e + 1 ? f : e;
        }
      }
      if (e < n && t.charAt(e) == 'Z') {
        e++;
      } else if (e + 6 <= n && (t.charAt(e) == '+' || t.charAt(e) == '-') && Chars.isDigit(t.charAt(e + 1))
          && Chars.isDigit(t.charAt(e + 2)) && t.charAt(e + 3) == ':') {
        e += 6;
      }
      return Chars.boundaryAfter(t, e) ? e : end;
    }
    return end;
  }

  /** "17 May 2024", "17th of May, 2024", "17. Mai 2024", "17 de mayo de 2024". */
  private static int[] dayMonthName(String t, int i) {
    int a = digits(t, i, 2);
    if (a == 0 || a > 2) {
      return null;
    }
    int day = value(t, i, a);
    if (day < 1 || day > 31) {
      return null;
    }
    int j = i + a;
    j = skipOrdinal(t, j);
    if (j < t.length() && t.charAt(j) == '.') {
      j++;
    }
    j = skipSpaces(t, j);
    if (Chars.matchesAt(t, j, "of ")) {
      j += 3;
    } else if (Chars.matchesAt(t, j, "de ")) {
      j += 3;
    }
    int m = j < t.length() ? monthAt(t, j) : 0;
    if (m == 0 || j == i + a) {
      return null;
    }
    int end = j + m;
    int y = yearAfter(t, end);
    return y > 0 ? new int[] {y, 80} : new int[] {end, 55};
  }

  /** "May 17, 2024", "May 17th", "May 2024". */
  private static int[] monthNameDay(String t, int i, int m) {
    int j = i + m;
    if (j < t.length() && t.charAt(j) == '.') {
      j++;
    }
    int k = skipSpaces(t, j);
    if (k == j || k >= t.length()) {
      return null;
    }
    if (Chars.matchesAt(t, k, "de ") || Chars.matchesAt(t, k, "del ")) {
      // "enero de 2006"
      int y = skipSpaces(t, t.indexOf(' ', k) + 1);
      return digits(t, y, 4) == 4 && year(value(t, y, 4)) && Chars.boundaryAfter(t, y + 4) ? new int[] {y + 4, 60} : null;
    }
    int a = digits(t, k, 4);
    if (a == 4) {
      int y = value(t, k, 4);
      return year(y) && Chars.boundaryAfter(t, k + 4) ? new int[] {k + 4, 60} : null;
    }
    if (a == 0 || a > 2) {
      return null;
    }
    int day = value(t, k, a);
    if (day < 1 || day > 31) {
      return null;
    }
    int end = skipOrdinal(t, k + a);
    if (!Chars.boundaryAfter(t, end)) {
      return null;
    }
    int y = yearAfter(t, end);
    // "may 5" alone is ambiguous with the verb: demand a capital letter
    if (y < 0 && !Character.isUpperCase(t.charAt(i))) {
      return null;
    }
    return y > 0 ? new int[] {y, 80} : new int[] {end, 55};
  }

  private static int yearAfter(String t, int end) {
    int k = end;
    if (k < t.length() && t.charAt(k) == ',') {
      k++;
    }
    if (Chars.matchesAt(t, k, " de ")) {
      k += 3;
    }
    int s = skipSpaces(t, k);
    if (s == k || s + 4 > t.length() || digits(t, s, 4) != 4) {
      return -1;
    }
    return year(value(t, s, 4)) && Chars.boundaryAfter(t, s + 4) ? s + 4 : -1;
  }

  private static int skipOrdinal(String t, int j) {
    for (String o : ORDINALS) {
      if (Chars.matchesAt(t, j, o) && Chars.boundaryAfter(t, j + 2)) {
        return j + 2;
      }
    }
    return j;
  }

  private static int skipSpaces(String t, int j) {
    int k = j;
    while (k < t.length() && k - j < 3 && t.charAt(k) == ' ') {
      k++;
    }
    return k;
  }
}
