package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * E-mail addresses, found from each '@': a dot-atom local part (at most 64 characters) and a domain of
 * dot-separated labels (at most 253 characters) ending in an alphabetic top-level domain.
 */
final class EmailRecognizer extends AbstractRecognizer {
  private static final Trigger TRIGGER = Trigger.anyOf("@");
  EmailRecognizer() {
    super("email", Set.of(EntityType.EMAIL), Set.of("email", "e-mail", "mail", "contact"));
  }

  /** Skipped unless every address has an '@'. */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    int at = text.indexOf('@');
    int minStart = 0;
    while (at >= 0) {
      int start = at;
      while (start > minStart && at - start < 64 && isLocal(text.charAt(start - 1))) {
        start--;
      }
      while (start < at && text.charAt(start) == '.') {
        start++;
      }
      int end = scanDomain(text, at + 1);
      if (start < at && end > 0 && text.charAt(at - 1) != '.') {
        out.add(new Finding(start, end, EntityType.EMAIL, 1.0, name()));
        minStart = end;
      }
      at = text.indexOf('@', Math.max(at + 1, end));
    }
    return out;
  }

  private static boolean isLocal(char c) {
    return Chars.isLetterOrDigit(c) || ".!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0 || isMark(c);
  }

  /**
   * A combining mark (U+0300 block and the like): decomposed text writes "é" as "e" + U+0301, and
   * without this the address was cut at the mark, leaving "josé.mü" of "josé.müller@…" unredacted.
   */
  private static boolean isMark(char c) {
    if (c < 0x300) {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /** End of a valid domain (at least two labels, alphabetic TLD) starting at {@code from}, or -1. */
  static int scanDomain(String text, int from) {
    int i = from;
    int n = text.length();
    int labelStart = from;
    int dots = 0;
    int end = -1;
    while (i < n && i - from < 253) {
      char c = text.charAt(i);
      if (Chars.isLetterOrDigit(c) || (isMark(c) && i > labelStart)) {
        i++;
      } else if (c == '-' && i > labelStart) {
        i++;
      } else if (c == '.' && i > labelStart && text.charAt(i - 1) != '-') {
        if (dots > 0 && isTld(text, labelStart, i)) {
          end = i;
        }
        dots++;
        i++;
        labelStart = i;
      } else {
        break;
      }
    }
    if (dots > 0 && i > labelStart && isTld(text, labelStart, i) && Chars.boundaryAfter(text, i)) {
      end = i;
    }
    return end;
  }

  private static boolean isTld(String text, int from, int to) {
    if (to - from < 2 || to - from > 24) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!Chars.isLetter(c)) {
        return false;
      }
    }
    return true;
  }
}
