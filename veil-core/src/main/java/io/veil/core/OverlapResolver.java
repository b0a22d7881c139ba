package io.veil.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Applies the overlap rule documented on {@link Analyzer}. */
final class OverlapResolver {
  /** Higher score first ({@link Double#compare}), then longer, then earlier, then by type. */
  private static final Comparator<Finding> RANK = (a, b) -> {
    int c = Double.compare(b.score(), a.score());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(b.length(), a.length());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.start(), b.start());
    return c != 0 ? c : a.type().compareTo(b.type());
  };

  private OverlapResolver() {}

  static List<Finding> resolve(List<Finding> findings) {
    if (findings.size() <= 1) {
      return List.copyOf(findings);
    }
    List<Finding> ranked = new ArrayList<>(findings);
    ranked.sort(RANK);
    // kept spans sorted by start, for a binary-search overlap check
    List<Finding> kept = new ArrayList<>();
    for (Finding f : ranked) {
      int idx = insertionPoint(kept, f.start());
      boolean clash = (idx > 0 && kept.get(idx - 1).end() > f.start())
          || (idx < kept.size() && kept.get(idx).start() < f.end());
      if (!clash) {
        kept.add(idx, f);
      }
    }
    return List.copyOf(kept);
  }

  private static int insertionPoint(List<Finding> sorted, int start) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).start() < start) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
