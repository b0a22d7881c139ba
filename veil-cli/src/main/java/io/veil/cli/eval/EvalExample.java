package io.veil.cli.eval;

import java.util.List;

/**
 * One labelled text of an evaluation file, with gold spans already converted from code-point to
 * UTF-16 offsets.
 */
record EvalExample(String id, String text, String language, List<GoldSpan> spans) {

  /** A labelled span; {@code label} is a canonical type name or OTHER. */
  record GoldSpan(int start, int end, String label) {
    boolean overlaps(int s, int e) {
      return start < e && s < end;
    }

    boolean isOther() {
      return "OTHER".equals(label);
    }
  }
}
