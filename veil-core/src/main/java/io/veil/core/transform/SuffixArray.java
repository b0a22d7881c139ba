package io.veil.core.transform;

/**
 * Suffix arrays over UTF-16 text, for substring questions asked many times of one text: built by prefix
 * doubling with counting sorts (O(n log n) time in the worst case, such as one repeated character; a few
 * passes for ordinary text; four {@code int[n]} of memory), queried by binary search in
 * O(|needle| log n).
 *
 * <p>Thread safety: stateless.
 */
final class SuffixArray {
  private SuffixArray() {}

  /** The start positions of the suffixes of {@code text} in lexicographic order of UTF-16 units. */
  static int[] of(String text) {
    int n = text.length();
    int[] sa = new int[n];
    if (n == 0) {
      return sa;
    }
    int[] rank = new int[n];
    int[] next = new int[n];
    int[] count = new int[Math.max(n, 1 << 16) + 1];
    for (int i = 0; i < n; i++) {
      count[text.charAt(i) + 1]++;
    }
    for (int c = 1; c <= 1 << 16; c++) {
      count[c] += count[c - 1];
    }
    for (int i = 0; i < n; i++) {
      sa[count[text.charAt(i)]++] = i;
    }
    rank[sa[0]] = 0;
    int classes = 1;
    for (int j = 1; j < n; j++) {
      if (text.charAt(sa[j]) != text.charAt(sa[j - 1])) {
        classes++;
      }
      rank[sa[j]] = classes - 1;
    }
    for (int k = 1; classes < n; k <<= 1) {
      // order by the second half: suffixes without one first, then the others in the order of their halves
      int p = 0;
      for (int i = n - k; i < n; i++) {
        next[p++] = i;
      }
      for (int j = 0; j < n; j++) {
        if (sa[j] >= k) {
          next[p++] = sa[j] - k;
        }
      }
      // stable counting sort by the first half
      java.util.Arrays.fill(count, 0, classes + 1, 0);
      for (int i = 0; i < n; i++) {
        count[rank[i] + 1]++;
      }
      for (int c = 1; c <= classes; c++) {
        count[c] += count[c - 1];
      }
      for (int j = 0; j < n; j++) {
        int i = next[j];
        sa[count[rank[i]]++] = i;
      }
      // new classes: equal when both halves are equal
      next[sa[0]] = 0;
      classes = 1;
      for (int j = 1; j < n; j++) {
        int a = sa[j - 1];
        int b = sa[j];
        int ra = a + k < n ? rank[a + k] : -1;
        int rb = b + k < n ? rank[b + k] : -1;
        if (rank[a] != rank[b] || ra != rb) {
          classes++;
        }
        next[b] = classes - 1;
      }
      int[] swap = rank;
      rank = next;
      next = swap;
      if (k >= n) {
        break;
      }
    }
    return sa;
  }

  /** Whether {@code needle} occurs in {@code text}, whose suffix array is {@code sa}. */
  static boolean contains(String text, int[] sa, String needle) {
    if (needle.isEmpty()) {
      return true;
    }
    int lo = 0;
    int hi = sa.length;
    while (lo < hi) { // first suffix not smaller than the needle
      int mid = (lo + hi) >>> 1;
      if (compare(text, sa[mid], needle) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < sa.length && text.startsWith(needle, sa[lo]);
  }

  /** The suffix at {@code from} against the needle, on the needle's length only (a prefix compares equal). */
  private static int compare(String text, int from, String needle) {
    int n = Math.min(text.length() - from, needle.length());
    for (int i = 0; i < n; i++) {
      int d = text.charAt(from + i) - needle.charAt(i);
      if (d != 0) {
        return d;
      }
    }
    return n == needle.length() ? 0 : -1;
  }
}
