package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.validation.NationalIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * National identifiers with check digits or a distinctive structure (UK NINO and NHS number, DE
 * Steuer-IdNr, FR NIR, IT codice fiscale, ES DNI/NIE, NL BSN, PL PESEL, IN Aadhaar and PAN, CA SIN,
 * AU TFN, SG NRIC/FIN), reported as {@link EntityType#NATIONAL_ID}.
 *
 * <p>A single pass proposes runs of alphanumeric groups (separated by single spaces, dashes or dots)
 * and tries every format on every group-aligned sub-run of the right compact length. Formats whose
 * check is weak (a random number passes it one time in 10 or 11: BSN, SIN, TFN, NHS, Steuer-IdNr,
 * Aadhaar, PESEL) score below the default threshold unless one of their own context words ("bsn",
 * "sin", "tfn", ...) stands within 40 characters before the value; the recognizer applies these
 * itself, because a generic word like "number" must not lift them.
 */
final class NationalIdRecognizer extends DigitRunRecognizer {
  private static final int MAX_GROUPS = 8;
  private static final int MAX_COMPACT = 16;

  /** One national id format. */
  private record Format(String name, int length, Predicate<String> valid, double score, double withContext,
                        String[] context, boolean separators) {}

  private static final List<Format> FORMATS = List.of(
      new Format("fr-nir", 15, NationalIds::isFrenchNir, 0.85, 1.0,
          words("nir", "sécurité sociale", "securite sociale", "insee", "carte vitale", "social security"), true),
      new Format("it-codice-fiscale", 16, NationalIds::isItalianFiscalCode, 0.9, 1.0,
          words("codice fiscale", "cf", "fiscal code", "tax code"), false),
      new Format("es-dni-nie", 9, NationalIds::isSpanishDniOrNie, 0.75, 0.95,
          words("dni", "nie", "nif", "documento", "identidad"), true),
      new Format("sg-nric", 9, NationalIds::isSingaporeNric, 0.8, 0.95, words("nric", "fin", "ic"), false),
      new Format("uk-nino", 9, NationalIds::isUkNino, 0.65, 0.95,
          words("nino", "national insurance", "ni number", "ni no"), true),
      new Format("in-pan", 10, NationalIds::isIndianPan, 0.6, 0.9, words("pan", "permanent account", "income tax"), false),
      new Format("uk-nhs", 10, NationalIds::isNhsNumber, 0.3, 0.85, words("nhs", "health service", "patient"), true),
      new Format("de-steuer-idnr", 11, NationalIds::isGermanTaxId, 0.35, 0.85,
          words("steuer", "idnr", "steuerid", "identifikationsnummer", "tax id", "tin"), true),
      new Format("pl-pesel", 11, NationalIds::isPolishPesel, 0.4, 0.9, words("pesel"), true),
      new Format("in-aadhaar", 12, NationalIds::isAadhaar, 0.4, 0.9, words("aadhaar", "aadhar", "uidai", "uid"), true),
      new Format("nl-bsn", 9, NationalIds::isDutchBsn, 0.3, 0.8,
          words("bsn", "burgerservicenummer", "sofinummer", "citizen service"), true),
      new Format("ca-sin", 9, NationalIds::isCanadianSin, 0.3, 0.8, words("sin", "social insurance"), true),
      new Format("au-tfn", 9, NationalIds::isAustralianTfn, 0.3, 0.8, words("tfn", "tax file"), true),
      new Format("au-tfn", 8, NationalIds::isAustralianTfn, 0.25, 0.75, words("tfn", "tax file"), true));

  NationalIdRecognizer() {
    super("national-id", Set.of(EntityType.NATIONAL_ID), Set.of(), 0);
  }

  private static String[] words(String... w) {
    return w;
  }

  /**
   * Candidates are word starts with an ASCII letter or digit; a word without an ASCII digit can only
   * open an id as two capitals (the NINO's "AB 12 34 56 C"), so other such words are passed over
   * without looking at their characters.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    int[] groupStart = null;
    int[] groupEnd = null;
    int i = 0;
    // a run of groups holds at most MAX_GROUPS words and must hold a digit, so it starts at most
    // MAX_GROUPS - 1 words before a word with a digit: only those words and the digit words are visited
    // (every other word would be passed over below without any effect)
    int next = 0;
    for (int j = 0, digitWords = traits.digitWordCount(); j < digitWords; j++) {
      int d = traits.digitWord(j);
      for (int k = Math.max(next, d - (MAX_GROUPS - 1)); k <= d; k++) {
        int ws = traits.wordStart(k);
        if (ws < i) {
          continue;
        }
        if (!traits.wordHasAsciiDigit(k) && traits.wordIsAsciiAlnum(k) && traits.wordEnd(k) - ws != 2) {
          // a word of ASCII letters without a digit opens an id only as two capitals (below): its run of ASCII
          // letters and digits is the whole word, so one of another length is passed over without reading it
          continue;
        }
        char c = text.charAt(ws);
        if (!Chars.isAsciiAlnum(c)) {
          continue;
        }
        if (!Chars.isDigit(c)) {
          if (!traits.wordHasAsciiDigit(k)) {
            // plausibleLetterStart needs a digit or exactly two capitals
            if (!(Chars.isUpper(c) && ws + 1 < n && Chars.isUpper(text.charAt(ws + 1)))
                || !plausibleLetterStart(text, ws, n)) {
              continue;
            }
          } else if (!plausibleLetterStart(text, ws, n)) {
            continue;
          }
        }
        if (groupStart == null) {
          groupStart = new int[MAX_GROUPS];
          groupEnd = new int[MAX_GROUPS];
        }
        // collect up to MAX_GROUPS alphanumeric groups separated by single separators. A group is a
        // whole word of ASCII letters and digits (a run of them that a word character other than those
        // follows is no group), so the groups are read from the words' bounds and flags instead of
        // walking their characters again
        int groups = 0;
        int compact = 0;
        boolean hasDigit = false;
        int w = k;
        while (groups < MAX_GROUPS && compact <= MAX_COMPACT) {
          if (!traits.wordIsAsciiAlnum(w)) {
            // no group; its leading letters and digits still count for hasDigit, as they always did
            hasDigit |= leadingAlnumHasDigit(text, traits.wordStart(w), n);
            break;
          }
          int gs = traits.wordStart(w);
          int ge = traits.wordEnd(w);
          hasDigit |= traits.wordHasAsciiDigit(w);
          groupStart[groups] = gs;
          groupEnd[groups] = ge;
          groups++;
          compact += ge - gs;
          // a separator, then the next group: a word that starts right after it with an ASCII letter or digit
          if (ge + 1 < n && (text.charAt(ge) == ' ' || text.charAt(ge) == '-' || text.charAt(ge) == '.')
              && Chars.isAsciiAlnum(text.charAt(ge + 1))) {
            w++; // the character after a separator opens the next word
          } else {
            break;
          }
        }
        // every format is 8-16 characters long: fewer in all cannot match (bestAt would find nothing)
        if (hasDigit && groups > 0 && compact >= 8) {
          Finding f = bestAt(text, groupStart, groupEnd, groups);
          if (f != null) {
            out.add(f);
            i = f.end();
          }
        }
      }
      next = d + 1;
    }
    return out;
  }

  /** True if the run of ASCII letters and digits at {@code from} has a digit. */
  private static boolean leadingAlnumHasDigit(String t, int from, int n) {
    for (int j = from; j < n && Chars.isAsciiAlnum(t.charAt(j)); j++) {
      if (Chars.isDigit(t.charAt(j))) {
        return true;
      }
    }
    return false;
  }

  /** A word that could open an id: has a digit within its first 16 characters, or is two letters. */
  private static boolean plausibleLetterStart(String t, int i, int n) {
    int j = i;
    while (j < n && j - i <= 16 && Chars.isAsciiAlnum(t.charAt(j))) {
      if (Chars.isDigit(t.charAt(j))) {
        return true;
      }
      j++;
    }
    return j - i == 2 && Chars.isUpper(t.charAt(i)) && Chars.isUpper(t.charAt(i + 1));
  }

  /**
   * The most ASCII letters a value of a format that allows separators can have (the French NIR one, the
   * Spanish NIE two, the NINO three; the others are all digits); a run of several groups with more
   * letters can match no format, nor can any longer run from the same start.
   */
  private static final int MAX_LETTERS_WITH_SEPARATORS = 3;

  /** The best format match starting at the first group and ending at a group end. */
  private Finding bestAt(String text, int[] gs, int[] ge, int groups) {
    int start = gs[0];
    char[] compact = new char[MAX_COMPACT];
    int len = 0;
    Finding best = null;
    int letters = 0;
    for (int g = 0; g < groups; g++) {
      for (int k = gs[g]; k < ge[g]; k++) {
        letters += Chars.isDigit(text.charAt(k)) ? 0 : 1; // the groups hold ASCII letters and digits only
      }
      if (g > 0 && letters > MAX_LETTERS_WITH_SEPARATORS) {
        break;
      }
      int groupLength = ge[g] - gs[g];
      if (len + groupLength > MAX_COMPACT) {
        break;
      }
      text.getChars(gs[g], ge[g], compact, len);
      len += groupLength;
      if (len < 8) {
        continue;
      }
      String value = null;
      for (Format f : FORMATS) {
        if (f.length() != len || (g > 0 && !f.separators())) {
          continue;
        }
        if (value == null) {
          value = new String(compact, 0, len);
        }
        if (f.valid().test(value)) {
          boolean ctx = Chars.hasWordIn(text, start - 40, start, f.context());
          double score = ctx ? f.withContext() : f.score();
          if (best == null || score > best.score() || (score == best.score() && ge[g] > best.end())) {
            best = new Finding(start, ge[g], EntityType.NATIONAL_ID, score, f.name());
          }
        }
      }
    }
    return best;
  }
}
