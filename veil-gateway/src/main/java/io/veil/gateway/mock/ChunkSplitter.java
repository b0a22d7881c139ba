package io.veil.gateway.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits a text into pieces of 1 to 7 code points, deterministically from a seed, so that streamed answers
 * split words, numbers and placeholders across chunks the way real tokenizers do (and worse). Never splits a
 * surrogate pair. Stateless; thread-safe.
 */
final class ChunkSplitter {

  static final int MIN_CHUNK = 1;
  static final int MAX_CHUNK = 7;

  private ChunkSplitter() {}

  /** The pieces of {@code text} in order; their concatenation is {@code text}. Empty text gives no pieces. */
  static List<String> split(String text, long seed) {
    List<String> pieces = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    int i = 0;
    while (i < text.length()) {
      int codePoints = random.nextInt(MIN_CHUNK, MAX_CHUNK + 1);
      int end = i;
      for (int n = 0; n < codePoints && end < text.length(); n++) {
        end += Character.charCount(text.codePointAt(end));
      }
      pieces.add(text.substring(i, end));
      i = end;
    }
    return pieces;
  }

  /** A seed that depends only on the text, so the same request is always split the same way. */
  static long seedFor(String text, long baseSeed) {
    return baseSeed * 31 + text.hashCode();
  }
}
