package io.veil.core.ner;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/**
 * A list's half-open ranges {@code [start, end)}, sorted by start with the running maximum of their ends, so that
 * the ones overlapping a range are found by bisection and a walk back over the ranges that could reach it, not by
 * a pass over all of them. The NER engine asks this once per model span (the rule layer's support, the street
 * addresses it yields to) and once per rule finding (whether a model span covers it): with a pass each, a text
 * of many names (a megabyte of {@code @handles}) took time quadratic in its length.
 *
 * <p>Immutable after construction; thread-safe. Memory: four ints per range. Starts must not be negative.
 */
final class Intervals {
  /** Indices into the list, in order of start. */
  private final int[] order;
  private final int[] starts;
  private final int[] ends;
  /** {@code maxEnd[i]}: the largest end among the first {@code i + 1} ranges in order of start. */
  private final int[] maxEnd;

  private <T> Intervals(List<T> items, ToIntFunction<T> start, ToIntFunction<T> end) {
    int n = items.size();
    long[] keys = new long[n]; // start in the high half, list index in the low: sorted without boxing
    for (int i = 0; i < n; i++) {
      keys[i] = (long) start.applyAsInt(items.get(i)) << 32 | i;
    }
    Arrays.sort(keys);
    order = new int[n];
    starts = new int[n];
    ends = new int[n];
    maxEnd = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[i];
      starts[i] = (int) (keys[i] >> 32);
      ends[i] = end.applyAsInt(items.get(order[i]));
      maxEnd[i] = i == 0 ? ends[i] : Math.max(maxEnd[i - 1], ends[i]);
    }
  }

  /** The ranges of {@code items}, read once: later changes to the list are not seen. */
  static <T> Intervals of(List<T> items, ToIntFunction<T> start, ToIntFunction<T> end) {
    return new Intervals(items, start, end);
  }

  /** Calls {@code visit} with the list index of every range that overlaps {@code [start, end)}, in no set order. */
  void overlapping(int start, int end, IntConsumer visit) {
    for (int i = firstStartingAtOrAfter(end) - 1; i >= 0 && maxEnd[i] > start; i--) {
      if (ends[i] > start) {
        visit.accept(order[i]);
      }
    }
  }

  /** Whether any range overlaps {@code [start, end)}. */
  boolean any(int start, int end) {
    for (int i = firstStartingAtOrAfter(end) - 1; i >= 0 && maxEnd[i] > start; i--) {
      if (ends[i] > start) {
        return true;
      }
    }
    return false;
  }

  private int firstStartingAtOrAfter(int position) {
    int lo = 0;
    int hi = starts.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] < position) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
