package io.veil.ner.onnx;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-token labels into {@link Finding}s: BIO (or plain) labels grouped into entities, each entity
 * snapped outwards to whole words (a name of which only the first sub-word was labelled still covers the
 * whole word), and entities of one type that then overlap merged. Entities of different types may overlap
 * at a shared word (the analyzer resolves that). Spans never split a surrogate pair: they are built from
 * token offsets that are code-point boundaries and grown by whole code points.
 *
 * <p>Stateless, thread-safe. Linear in the number of tokens (word snapping looks at most
 * {@link #MAX_SNAP} characters to each side).
 */
final class SpanDecoder {
  /** The farthest a span is grown to reach a word boundary, in UTF-16 units (bounds the work per span). */
  static final int MAX_SNAP = 256;

  private SpanDecoder() {}

  /**
   * @param text the analysed text
   * @param starts per token, the UTF-16 start of its text, or -1 for a token without text (special)
   * @param ends per token, the UTF-16 end of its text
   * @param labels per token, the chosen label id
   * @param scores per token, the probability of the chosen label's entity type
   * @param labelMap label ids to types
   * @param recognizer the name findings carry
   */
  static List<Finding> decode(String text, int[] starts, int[] ends, int[] labels, float[] scores,
      LabelMap labelMap, String recognizer) {
    List<Finding> entities = new ArrayList<>();
    EntityType curType = null;
    int curStart = 0;
    int curEnd = 0;
    double curSum = 0;
    int curCount = 0;
    for (int i = 0; i < labels.length; i++) {
      EntityType type = starts[i] < 0 ? null : labelMap.type(labels[i]);
      boolean continues = type != null && type.equals(curType) && !labelMap.begins(labels[i]);
      if (continues) {
        curEnd = ends[i];
        curSum += scores[i];
        curCount++;
        continue;
      }
      if (curType != null) {
        entities.add(snapped(text, curStart, curEnd, curType, curSum / curCount, recognizer));
      }
      curType = type;
      if (type != null) {
        curStart = starts[i];
        curEnd = ends[i];
        curSum = scores[i];
        curCount = 1;
      }
    }
    if (curType != null) {
      entities.add(snapped(text, curStart, curEnd, curType, curSum / curCount, recognizer));
    }
    return merged(entities);
  }

  private static Finding snapped(String text, int start, int end, EntityType type, double score, String recognizer) {
    int s = start;
    int limit = Math.max(0, start - MAX_SNAP);
    while (s > limit) {
      int cp = Character.codePointBefore(text, s);
      if (!isWordChar(cp)) {
        break;
      }
      s -= Character.charCount(cp);
    }
    int e = end;
    limit = Math.min(text.length(), end + MAX_SNAP);
    while (e < limit) {
      int cp = text.codePointAt(e);
      if (!isWordChar(cp)) {
        break;
      }
      e += Character.charCount(cp);
    }
    return new Finding(s, e, type, Math.max(0.0, Math.min(1.0, score)), recognizer);
  }

  /** Letters, digits and combining marks make up words; anything else is a boundary. */
  static boolean isWordChar(int cp) {
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
  }

  /**
   * Merges entities of one type that overlap after snapping (pieces of one word). Entities come in text
   * order and were disjoint before snapping. Entities of different types that share a word are both kept:
   * the {@link io.veil.core.Analyzer}'s overlap resolution chooses between them, and neither is lost here.
   */
  private static List<Finding> merged(List<Finding> entities) {
    if (entities.size() < 2) {
      return entities;
    }
    List<Finding> out = new ArrayList<>(entities.size());
    java.util.Map<EntityType, Integer> lastOfType = new java.util.HashMap<>();
    for (Finding f : entities) {
      Integer at = lastOfType.get(f.type());
      Finding prev = at == null ? null : out.get(at);
      if (prev != null && prev.end() > f.start()) {
        out.set(at, new Finding(prev.start(), Math.max(prev.end(), f.end()), f.type(),
            Math.max(prev.score(), f.score()), f.recognizer()));
      } else {
        lastOfType.put(f.type(), out.size());
        out.add(f);
      }
    }
    return out;
  }
}
