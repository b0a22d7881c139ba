package io.veil.core;

import java.text.Normalizer;

/**
 * The text detection runs on: what a reader (or a model) sees, with the tricks that hide personal
 * data from a pattern undone, plus the map from its offsets back to the original text.
 *
 * <p>Per code point, independently (so every character of the view maps to exactly one range of
 * the original): format characters (Unicode category Cf: zero-width space, joiners, word joiner,
 * byte-order mark, soft hyphen, bidirectional controls) are dropped; space separators (no-break,
 * thin, ideographic spaces) become an ASCII space; decimal digits of any script become ASCII digits;
 * compatibility forms that fold (NFKC) to one ASCII character become it (full-width letters, digits
 * and punctuation, small form variants such as the small commercial at, mathematical alphanumerics,
 * circled letters and digits), and the Latin ligatures their letters. A combining mark that composes
 * (NFC) with the character before it into one character is folded into it ("e" + U+0301 reads "é"),
 * so decomposed (NFD) text, as macOS and some keyboards write it, reads like composed text and a
 * finding covers the marks. A JSON escape of a non-ASCII character ({@code \\u00eb}, as Python's
 * {@code json.dumps} writes every accented letter of a record pasted into a prompt) reads as that character
 * (folded as above; a pair of escaped surrogates as the one character outside the BMP it writes), so
 * "Zo\\u00eb S\\u00f8rensen" is read as the name it is and a finding covers the whole escapes; an escaped backslash before it ({@code \\\\u00eb}) is text, not an escape. Anything else is kept as
 * it is, so accented letters and other scripts are untouched. A text without any such character is its own view
 * (no copy).
 *
 * <p>Not handled: homoglyphs from other scripts (a Cyrillic "а" in a Latin word) have no
 * normalization to fold them; UTS #39 confusable skeletons would be needed.
 *
 * <p>Public so that passes over findings outside this package (the request-level and streamed name passes of
 * {@code io.veil.core.ner}) read the text as detection read it; see {@link #toView(Finding)}.
 *
 * <p>Immutable; thread-safe. <b>Security:</b> the view is a copy of the text (personal data included); keep it no
 * longer than the text and never log it.
 */
public final class DetectionText {
  private final String view;
  /** For view index i: the original range [from[i], to[i]); null when the view is the original. */
  private final int[] from;
  private final int[] to;

  private DetectionText(String view, int[] from, int[] to) {
    this.view = view;
    this.from = from;
    this.to = to;
  }

  /** The view of {@code text}; the text itself when nothing in it needs undoing. */
  public static DetectionText of(String text) {
    int first = firstChanged(text);
    if (first < 0) {
      return new DetectionText(text, null, null);
    }
    StringBuilder sb = new StringBuilder(text.length());
    int[] from = new int[text.length() + 16];
    int[] to = new int[text.length() + 16];
    int n = 0;
    for (int i = 0; i < first; i++) {
      sb.append(text.charAt(i));
      from[n] = i;
      to[n++] = i + 1;
    }
    for (int i = first; i < text.length(); ) {
      int escaped = escapedAt(text, i);
      int cp;
      int next;
      String replacement;
      if (escaped >= 0) {
        // a JSON escape reads as its character (folded as any other), mapped to all its characters
        cp = escaped;
        next = i + escapeLength(escaped);
        replacement = replacement(escaped);
      } else {
        cp = text.codePointAt(i);
        next = i + Character.charCount(cp);
        replacement = cp < 0x80 ? null : replacement(cp);
      }
      if (replacement == null && n > 0 && to[n - 1] == i && isMark(cp)) {
        // an escaped mark composes as a written one: json.dumps of decomposed text writes "Mu\\u0308ller"
        String composed = composed(sb.charAt(n - 1), escaped >= 0 ? new String(Character.toChars(cp)) : text.substring(i, next));
        if (composed != null) {
          sb.setCharAt(n - 1, composed.charAt(0));
          to[n - 1] = next;
          i = next;
          continue;
        }
      }
      if (replacement == null && escaped >= 0) {
        replacement = new String(Character.toChars(cp)); // the escaped character itself, in place of the escape
      }
      if (replacement == null) {
        for (int k = i; k < next; k++) {
          if (n == from.length) {
            from = java.util.Arrays.copyOf(from, n * 2);
            to = java.util.Arrays.copyOf(to, n * 2);
          }
          sb.append(text.charAt(k));
          from[n] = k;
          to[n++] = k + 1;
        }
      } else {
        for (int k = 0; k < replacement.length(); k++) {
          if (n == from.length) {
            from = java.util.Arrays.copyOf(from, n * 2);
            to = java.util.Arrays.copyOf(to, n * 2);
          }
          sb.append(replacement.charAt(k));
          from[n] = i;
          to[n++] = next;
        }
      }
      i = next;
    }
    return new DetectionText(sb.toString(), from, to);
  }

  /** The text to detect in. */
  public String view() {
    return view;
  }

  /** True if the view differs from the original. */
  public boolean changed() {
    return from != null;
  }

  /** The original span of the view span [start, end): from the first character's origin to the last's. */
  public Finding toOriginal(Finding f) {
    if (from == null) {
      return f;
    }
    return new Finding(from[f.start()], to[f.end() - 1], f.type(), f.score(), f.recognizer());
  }

  /**
   * The view offset of the original offset {@code offset} (0 to the text's length): the first view character that
   * comes from at or after it, or the view's length.
   */
  public int toView(int offset) {
    if (from == null) {
      return offset;
    }
    int lo = 0;
    int hi = view.length();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (from[mid] < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The view span of the original span of {@code f}: the view characters that come from inside it, so that
   * {@link #toOriginal} of a finding detection reported gives it back; null when nothing of it is in the view
   * (format characters only).
   */
  public Finding toView(Finding f) {
    if (from == null) {
      return f;
    }
    int start = toView(f.start());
    int end = toView(f.end());
    return start < end ? new Finding(start, end, f.type(), f.score(), f.recognizer()) : null;
  }

  /**
   * The character that a JSON escape at {@code i} stands for, when the backslash is not itself escaped: {@code \\uXXXX}
   * of a character that is not ASCII and not a surrogate, or a pair {@code \\uD8XX\\uDCXX} of surrogates (json.dumps
   * writes each character outside the BMP so: mathematical letters, emoji), each escape as {@link JsonEscapes} reads
   * it; else -1 (a lone surrogate is text). The escape is {@link #escapeLength} characters long.
   */
  static int escapedAt(String text, int i) {
    int value = JsonEscapes.codeUnitAt(text, i);
    if (value < 0x80) {
      return -1;
    }
    if (Character.isHighSurrogate((char) value)) {
      int low = JsonEscapes.codeUnitAt(text, i + JsonEscapes.LENGTH);
      if (low < 0 || !Character.isLowSurrogate((char) low)) {
        return -1;
      }
      value = Character.toCodePoint((char) value, (char) low);
    } else if (Character.isSurrogate((char) value)) {
      return -1;
    }
    int backslashes = 0;
    for (int k = i - 1; k >= 0 && text.charAt(k) == '\\'; k--) {
      backslashes++;
    }
    return backslashes % 2 == 0 ? value : -1;
  }

  /** The length of the escape of {@code cp} that {@link #escapedAt} read: two escapes for a supplementary character. */
  private static int escapeLength(int cp) {
    return Character.charCount(cp) * JsonEscapes.LENGTH;
  }

  /** Index of the first character that needs undoing, or -1. */
  private static int firstChanged(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && escapedAt(text, i) >= 0) {
        return i;
      }
      if (c >= 0x80) {
        int cp = text.codePointAt(i);
        if (replacement(cp) != null
            || (i > 0 && isMark(cp) && composed(text.charAt(i - 1), text.substring(i, i + Character.charCount(cp))) != null)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** A combining mark (nonspacing or spacing), the kind NFC may compose with the character before it. */
  private static boolean isMark(int cp) {
    if (cp < 0x300) {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
  }

  /** {@code base} followed by {@code mark} as one NFC character, or null if they do not compose. */
  private static String composed(char base, String mark) {
    if (Character.isSurrogate(base)) {
      return null;
    }
    String nfc = Normalizer.normalize(base + mark, Normalizer.Form.NFC);
    return nfc.length() == 1 ? nfc : null;
  }

  /** What code point {@code cp} (not ASCII) reads as for detection: "" to drop it, null to keep it. */
  static String replacement(int cp) {
    int type = Character.getType(cp);
    if (type == Character.FORMAT) {
      return "";
    }
    if (type == Character.SPACE_SEPARATOR) {
      return " ";
    }
    if (type == Character.DECIMAL_DIGIT_NUMBER) {
      int d = Character.digit(cp, 10);
      return d < 0 ? null : String.valueOf((char) ('0' + d));
    }
    if (!foldable(cp)) {
      return null;
    }
    String folded = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
    // one ASCII character for one disguised character; only the ligatures (ﬁ → fi) expand, so
    // symbols such as ™ or ⑴ do not turn into words that change what is around them
    boolean ligature = cp >= 0xFB00 && cp <= 0xFB06;
    if (folded.isEmpty() || (folded.length() > 1 && !ligature)) {
      return null;
    }
    for (int k = 0; k < folded.length(); k++) {
      if (folded.charAt(k) >= 0x80) {
        return null;
      }
    }
    return folded;
  }

  /** Blocks whose compatibility forms are used to disguise ASCII text. */
  private static boolean foldable(int cp) {
    return (cp >= 0xFF00 && cp <= 0xFFEF)       // half-width and full-width forms
        || (cp >= 0xFE50 && cp <= 0xFE6F)       // small form variants (﹫)
        || (cp >= 0x1D400 && cp <= 0x1D7FF)     // mathematical alphanumeric symbols
        || (cp >= 0x2460 && cp <= 0x24FF)       // enclosed alphanumerics
        || (cp >= 0x1F100 && cp <= 0x1F1FF)     // enclosed alphanumeric supplement
        || (cp >= 0xFB00 && cp <= 0xFB06)       // Latin ligatures
        || (cp >= 0x2070 && cp <= 0x209F)       // superscripts and subscripts
        || (cp >= 0x2100 && cp <= 0x214F);      // letterlike symbols
  }
}
