package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Ages: a number from 0 to 125 with an age cue right before it ("aged 42", "age: 42", "at the age
 * of 42", "turned 42") or right after it ("42 years old", "42-year-old", "42 yo", "42 años de edad"),
 * scored 0.75; a number with a bare unit ("62 años", "38 ans", "40 Jahre") scores 0.6 unless the word
 * before it makes it a duration ("hace 3 años", "for 5 years", "2-3 años"). Only the number is
 * reported.
 */
final class AgeRecognizer extends DigitRunRecognizer {
  private static final String[] BEFORE = {
      "aged ", "age ", "age: ", "age:", "age of ", "age is ", "turned ", "turn ", "turning ", "alter ", "alter: ",
      "edad ", "edad: ", "âge ", "âge: ", "leeftijd ", "leeftijd: ", "età ", "is now "};
  private static final String[] AFTER = {
      " years old", " year old", "-year-old", "-years-old", " years-old", " yrs old", " yo ", " yo.", " yo,",
      " y/o", " y.o.", "yo ", " years of age", " year-old", " jahre alt", " años de edad", " ans révolus"};
  /** A bare unit after the number: an age or a duration ("hace 3 años"); durations are excluded. */
  private static final String[] UNIT_AFTER = {" años", " anos", " ans", " jaar", " jahre", " anni"};
  private static final String[] DURATION_BEFORE = {
      "hace", "durante", "desde", "tras", "después", "despues", "cada", "for", "during", "since", "ago", "after",
      "within", "pendant", "depuis", "après", "seit", "vor", "nach", "sinds", "gedurende", "per", "over", "in",
      "en", "de hace", "than", "más de", "mas de", "menos de", "tot", "pour", "ou", "y", "and", "to", "-"};

  AgeRecognizer() {
    super("age", Set.of(EntityType.AGE), Set.of("age", "aged", "old", "years", "birthday"), 0);
  }

  /**
   * Candidates are the words made of ASCII digits only: exactly the digit runs with a word boundary
   * on both sides, which is what an age must be.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    for (int j = 0, digitWords = traits.digitWordCount(); j < digitWords; j++) {
      int k = traits.digitWord(j);
      if (!traits.wordIsAsciiDigits(k)) {
        continue;
      }
      int start = traits.wordStart(k);
      int i = traits.wordEnd(k);
      int len = i - start;
      if (len > 3
          || (start > 0 && (text.charAt(start - 1) == '.' || text.charAt(start - 1) == ','))
          || (i + 1 < n && (text.charAt(i) == '.' || text.charAt(i) == ',') && Chars.isDigit(text.charAt(i + 1)))) {
        continue;
      }
      int value = Chars.asciiDigitsValue(text, start, i); // a word of one to three ASCII digits
      if (value > 125) {
        continue;
      }
      if (cueBefore(text, start) || cueAfter(text, i)) {
        out.add(new Finding(start, i, EntityType.AGE, 0.75, name()));
      } else if (unitAfter(text, i) && !durationBefore(text, start)) {
        out.add(new Finding(start, i, EntityType.AGE, 0.6, name()));
      }
    }
    return out;
  }

  /** The last characters of {@link #BEFORE}'s cues: a cue can only end with one of them. */
  private static final String BEFORE_LAST = lastChars(BEFORE);
  /** The first characters of {@link #AFTER}'s cues. */
  private static final String AFTER_FIRST = firstChars(AFTER);
  /** The first characters of {@link #UNIT_AFTER}'s units. */
  private static final String UNIT_FIRST = firstChars(UNIT_AFTER);

  private static String lastChars(String[] words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (b.indexOf(w.substring(w.length() - 1)) < 0) {
        b.append(w.charAt(w.length() - 1));
      }
    }
    return b.toString();
  }

  private static String firstChars(String[] words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (b.indexOf(w.substring(0, 1)) < 0) {
        b.append(w.charAt(0));
      }
    }
    return b.toString();
  }

  /** True if the text's character at {@code i}, lower-cased as {@link Chars#matchesAt} does, is one of {@code chars}. */
  private static boolean lowerCharIn(String t, int i, String chars) {
    return i >= 0 && i < t.length() && chars.indexOf(Chars.toLowerCase(t.charAt(i))) >= 0;
  }

  /** The last three characters of each of {@link #BEFORE}'s cues, packed by {@link #pack3}. */
  private static final long[] BEFORE_TAIL = packed(BEFORE, false);
  /** The first three characters of each of {@link #AFTER}'s cues. */
  private static final long[] AFTER_HEAD = packed(AFTER, true);
  /** The first three characters of each of {@link #UNIT_AFTER}'s units. */
  private static final long[] UNIT_HEAD = packed(UNIT_AFTER, true);

  /** Three characters 16 bits apiece, in text order. */
  private static long pack3(char a, char b, char c) {
    return (long) a << 32 | (long) b << 16 | c;
  }

  private static long[] packed(String[] cues, boolean head) {
    long[] out = new long[cues.length];
    for (int k = 0; k < cues.length; k++) {
      String w = cues[k];
      int at = head ? 0 : w.length() - 3; // every cue has three or more characters
      out[k] = pack3(w.charAt(at), w.charAt(at + 1), w.charAt(at + 2));
    }
    return out;
  }

  /**
   * False if no cue of {@code packedCues} can cover {@code t[at, at + 3)}: the three characters there,
   * lower-cased as {@link Chars#matchesAt} does, are none of the cues' packed three. Most numbers have
   * common words around them ("the 3 ", "in 2 days"), which this rejects without comparing each cue.
   */
  private static boolean mayMatch3(String t, int at, long[] packedCues) {
    if (at < 0 || at + 3 > t.length()) {
      return false;
    }
    long p = pack3(lowerAsMatched(t.charAt(at)), lowerAsMatched(t.charAt(at + 1)), lowerAsMatched(t.charAt(at + 2)));
    for (long c : packedCues) {
      if (c == p) {
        return true;
      }
    }
    return false;
  }

  /** The lower case {@link Chars#matchesAt} compares. */
  private static char lowerAsMatched(char c) {
    return c < 128 ? (char) (c | (Chars.isAsciiLetter(c) ? 0x20 : 0)) : Character.toLowerCase(c);
  }

  private static boolean cueBefore(String t, int start) {
    if (!lowerCharIn(t, start - 1, BEFORE_LAST) || !mayMatch3(t, start - 3, BEFORE_TAIL)) {
      return false; // no cue ends right before the number
    }
    for (String w : BEFORE) {
      int at = start - w.length();
      if (at >= 0 && Chars.boundaryBefore(t, at) && Chars.matchesAt(t, at, w)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unitAfter(String t, int end) {
    if (!lowerCharIn(t, end, UNIT_FIRST) || !mayMatch3(t, end, UNIT_HEAD)) {
      return false;
    }
    for (String w : UNIT_AFTER) {
      if (Chars.matchesAt(t, end, w) && Chars.boundaryAfter(t, end + w.length())) {
        return true;
      }
    }
    return false;
  }

  /** The word just before the number (skipping "aproximadamente"-like fillers is not attempted). */
  private static boolean durationBefore(String t, int start) {
    int e = start;
    while (e > 0 && t.charAt(e - 1) == ' ') {
      e--;
    }
    if (e > 0 && t.charAt(e - 1) == '-') {
      return true; // "2-3 años": a range, a duration
    }
    int s = e;
    while (s > 0 && Chars.isLetter(t.charAt(s - 1))) {
      s--;
    }
    if (s == e) {
      return false;
    }
    String w = t.substring(s, e).toLowerCase(java.util.Locale.ROOT);
    for (String d : DURATION_BEFORE) {
      if (d.equals(w)) {
        return true;
      }
    }
    // "a los 2 años del trasplante" / "de 2 años de evolución": what follows decides
    return false;
  }

  private static boolean cueAfter(String t, int end) {
    if (!lowerCharIn(t, end, AFTER_FIRST) || !mayMatch3(t, end, AFTER_HEAD)) {
      return false;
    }
    for (String w : AFTER) {
      if (Chars.matchesAt(t, end, w) && (w.endsWith(" ") || w.endsWith(".") || w.endsWith(",")
          || Chars.boundaryAfter(t, end + w.length()))) {
        return true;
      }
    }
    return false;
  }
}
