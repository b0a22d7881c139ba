package io.veil.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The digit runs of a text: its maximal runs of ASCII digits ({@code '0'}-{@code '9'}), numbered 0, 1, ...
 * in text order, each with its start and end (UTF-16 offsets), whether it opens or closes a word (no
 * word character, in the sense of {@link TextTraits}, stands right before or right after it), and the
 * <em>joint</em> to the next run: the one character between the two when exactly one stands there
 * ({@code "555-0100"}: the runs {@code 555} and {@code 0100} joined by {@code '-'}).
 *
 * <p>Computed once per text, on first request, by {@link TextTraits#digitRuns(CharSequence)} from the
 * words that contain a digit, and shared by the digit-led recognizers (phone, credit card, US SSN),
 * which read their candidates and the digit groups of a value from it instead of each walking
 * the characters of the same digit words again. Every query is exact.
 *
 * <p>Thread safety: immutable. Memory: two int arrays, a byte array and a char array with one entry per run (at
 * most one run per ASCII digit of the text).
 *
 * <p><b>Security:</b> holds offsets and the separator characters between runs, never a digit; still,
 * the offsets say where numbers stand in the text: keep it no longer than the analysis of that text.
 * {@link #toString()} shows the count only.
 */
public final class DigitRuns {
  /** The runs of a text without ASCII digits. */
  static final DigitRuns NONE = new DigitRuns(0, new int[0], new int[0], new byte[0], new char[0]);

  /** Run flag: no word character stands right before the run. */
  private static final byte OPENS_WORD = 1;
  /** Run flag: no word character stands right after the run. */
  private static final byte CLOSES_WORD = 2;
  /** Run flag: exactly one character stands between this run and the next (the joint). */
  private static final byte JOINED = 4;

  private final int count;
  private final int[] start;
  private final int[] end;
  private final byte[] flags;
  /** Per run: the character after it if {@link #JOINED}, else 0. */
  private final char[] joint;

  private DigitRuns(int count, int[] start, int[] end, byte[] flags, char[] joint) {
    this.count = count;
    this.start = start;
    this.end = end;
    this.flags = flags;
    this.joint = joint;
  }

  /**
   * The digit runs of {@code text}, whose traits are {@code traits}: the runs inside the words that hold
   * an ASCII digit (every ASCII digit is a word character, so these are all of them).
   */
  static DigitRuns of(CharSequence text, TextTraits traits) {
    int digitWords = traits.digitWordCount();
    if (digitWords == 0) {
      return NONE;
    }
    int cap = Math.min(traits.asciiDigits(), 16);
    int[] starts = new int[cap];
    int[] ends = new int[cap];
    byte[] flags = new byte[cap];
    int count = 0;
    for (int j = 0; j < digitWords; j++) {
      int w = traits.digitWord(j);
      int ws = traits.wordStart(w);
      int we = traits.wordEnd(w);
      int i = ws;
      while (i < we) {
        char c = text.charAt(i);
        if (c > '9' || c < '0') {
          i++;
          continue;
        }
        int s = i;
        do {
          i++;
        } while (i < we && (c = text.charAt(i)) <= '9' && c >= '0');
        if (count == starts.length) {
          int grown = count * 2;
          starts = Arrays.copyOf(starts, grown);
          ends = Arrays.copyOf(ends, grown);
          flags = Arrays.copyOf(flags, grown);
        }
        starts[count] = s;
        ends[count] = i;
        // a run at the word's start has no word character before it (the word is maximal), one inside
        // the word has one; likewise at its end
        flags[count] = (byte) ((s == ws ? OPENS_WORD : 0) | (i == we ? CLOSES_WORD : 0));
        count++;
      }
    }
    char[] joints = new char[count];
    for (int g = 0; g + 1 < count; g++) {
      if (ends[g] + 1 == starts[g + 1]) {
        flags[g] |= JOINED;
        joints[g] = text.charAt(ends[g]);
      }
    }
    return new DigitRuns(count, starts, ends, flags, joints);
  }

  /** The number of digit runs. */
  public int count() {
    return count;
  }

  /** Offset of the first digit of run {@code g} ({@code 0 <= g < count()}). */
  public int start(int g) {
    Objects.checkIndex(g, count);
    return start[g];
  }

  /** Offset just after the last digit of run {@code g}. */
  public int end(int g) {
    Objects.checkIndex(g, count);
    return end[g];
  }

  /** The number of digits of run {@code g}. */
  public int length(int g) {
    Objects.checkIndex(g, count);
    return end[g] - start[g];
  }

  /** True if run {@code g} opens a word: it starts the text or a non-word character stands before it. */
  public boolean opensWord(int g) {
    Objects.checkIndex(g, count);
    return (flags[g] & OPENS_WORD) != 0;
  }

  /** True if run {@code g} closes a word: it ends the text or a non-word character follows it. */
  public boolean closesWord(int g) {
    Objects.checkIndex(g, count);
    return (flags[g] & CLOSES_WORD) != 0;
  }

  /**
   * The joint of run {@code g} to run {@code g + 1}: the character between them if exactly one stands
   * there ({@code end(g) + 1 == start(g + 1)}), else -1 (also for the last run).
   */
  public int joint(int g) {
    Objects.checkIndex(g, count);
    return (flags[g] & JOINED) != 0 ? joint[g] : -1;
  }

  /** The number of the first run that starts at or after {@code offset} ({@link #count()} if none). */
  public int firstFrom(int offset) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "DigitRuns[count=" + count + "]";
  }
}
