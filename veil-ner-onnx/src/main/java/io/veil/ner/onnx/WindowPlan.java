package io.veil.ner.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long token sequence into overlapping windows the model can take, and picks for every token
 * the window in which it is most central (farthest from that window's edges), so each token is labelled
 * with as much context on both sides as the windows offer.
 *
 * <p>Windows hold at most {@code capacity} tokens; consecutive windows share {@code stride} tokens (the
 * HuggingFace meaning of stride); the last window ends at the last token. Immutable, thread-safe.
 *
 * @param windows the windows in order, as [start, end) token indices
 * @param owner for each token, the index of the window whose label it takes
 */
record WindowPlan(List<Window> windows, int[] owner) {

  /** One window of tokens [start, end). */
  record Window(int start, int end) {
    int length() {
      return end - start;
    }
  }

  /**
   * @param tokens number of tokens (≥ 0)
   * @param capacity most tokens per window (≥ 1)
   * @param stride tokens shared by consecutive windows (0 ≤ stride &lt; capacity)
   */
  static WindowPlan of(int tokens, int capacity, int stride) {
    if (tokens < 0 || capacity < 1 || stride < 0 || stride >= capacity) {
      throw new IllegalArgumentException("bad window plan: tokens " + tokens + ", capacity " + capacity + ", stride " + stride);
    }
    List<Window> windows = new ArrayList<>();
    int[] owner = new int[tokens];
    if (tokens == 0) {
      return new WindowPlan(List.of(), owner);
    }
    int step = capacity - stride;
    for (int start = 0; ; start += step) {
      if (start + capacity >= tokens) {
        windows.add(new Window(Math.max(0, tokens - capacity), tokens));
        break;
      }
      windows.add(new Window(start, start + capacity));
    }
    // each token: the window where min(distance to left edge, distance to right edge) is largest; windows
    // are sorted and overlap only with neighbours, so a token lies in at most a few consecutive windows
    int w = 0;
    for (int t = 0; t < tokens; t++) {
      while (windows.get(w).end() <= t) {
        w++;
      }
      int best = w;
      int bestDepth = depth(windows.get(w), t);
      for (int v = w + 1; v < windows.size() && windows.get(v).start() <= t; v++) {
        int d = depth(windows.get(v), t);
        if (d > bestDepth) {
          best = v;
          bestDepth = d;
        }
      }
      owner[t] = best;
    }
    return new WindowPlan(List.copyOf(windows), owner);
  }

  private static int depth(Window w, int t) {
    return Math.min(t - w.start(), w.end() - 1 - t);
  }
}
