package io.veil.gateway;

import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Replacement;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the transformed concatenation of several pieces back into pieces. Text outside findings keeps
 * its piece; a boundary that falls inside a replaced value moves to the end of its replacement, so
 * the replacement stays whole in the piece where the value starts and no fragment of the value is
 * left in the next piece.
 *
 * <p>Stateless; thread-safe.
 */
final class JoinedPieces {
  private JoinedPieces() {}

  /**
   * @param pieces the original pieces
   * @param replaced the findings over their concatenation that were replaced (one per replacement of
   *     {@code out}, in the same order; findings kept as they are excluded)
   * @param out the transformed concatenation
   * @throws IllegalStateException if the findings do not match the replacements (never forwards a
   *     guess)
   */
  static List<String> split(List<String> pieces, List<Finding> replaced, PseudonymizedText out) {
    List<Replacement> reps = out.replacements();
    if (reps.size() != replaced.size()) {
      throw new IllegalStateException("replacements do not match findings");
    }
    for (int i = 0; i < reps.size(); i++) {
      if (reps.get(i).type() != replaced.get(i).type()) {
        throw new IllegalStateException("replacements do not match findings");
      }
    }
    List<String> result = new ArrayList<>(pieces.size());
    String text = out.text();
    int boundary = 0;
    int previousOut = 0;
    int delta = 0;
    int j = 0;
    for (int k = 0; k < pieces.size(); k++) {
      boundary += pieces.get(k).length();
      int outPos;
      if (k == pieces.size() - 1) {
        outPos = text.length();
      } else {
        while (j < replaced.size() && replaced.get(j).end() <= boundary) {
          Finding f = replaced.get(j);
          Replacement r = reps.get(j);
          delta += (r.end() - r.start()) - (f.end() - f.start());
          j++;
        }
        if (j < replaced.size() && replaced.get(j).start() < boundary) {
          outPos = reps.get(j).end(); // inside a value: the replacement stays in this piece
        } else {
          outPos = boundary + delta;
        }
      }
      outPos = Math.max(outPos, previousOut);
      result.add(text.substring(previousOut, outPos));
      previousOut = outPos;
    }
    return result;
  }
}
