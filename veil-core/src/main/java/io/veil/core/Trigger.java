package io.veil.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A recognizer's trigger stated as data: which {@link TextTraits} a text must have for the recognizer
 * to report anything in it. An {@link Analyzer} reads each recognizer's {@link Recognizer#trigger()}
 * once, when it is built, and then decides per text with a few comparisons and bit tests whether to
 * run the recognizer, instead of calling {@link Recognizer#mayFind(TextTraits)} on every recognizer
 * for every text.
 *
 * <p>A trigger is a disjunction of clauses; a clause holds when the text has at least a minimum number
 * of ASCII digits, a run of printable non-space ASCII characters at least a minimum long, and (where
 * the clause names characters) one of the clause's ASCII characters. Build clauses with
 * {@link #anyOf(String)}, {@link #minAsciiDigits(int)} and {@link #minAsciiGraphicRun(int)}, combine
 * them with {@link #and(Trigger)} and {@link #or(Trigger)}:
 *
 * <pre>{@code
 * // an IP address needs a ':' (IPv6), or a '.' and four digits (IPv4)
 * Trigger ip = Trigger.anyOf(":").or(Trigger.anyOf(".").and(Trigger.minAsciiDigits(4)));
 * }</pre>
 *
 * <p>Thread safety: immutable.
 *
 * <p><b>Security:</b> the analyzer skips a recognizer whose trigger is false for a text, so a trigger
 * that is false for a text in which the recognizer would report something hides that finding (a
 * leak). It must hold for every text in which the recognizer can report anything; when unsure, use a
 * weaker trigger (or none).
 */
public final class Trigger {
  /** The trigger that holds for every text. */
  public static final Trigger ALWAYS = new Trigger(new long[] {0}, new long[] {0}, new boolean[] {false},
      new int[] {0}, new int[] {0});

  // one entry per clause (package-private: the Analyzer copies them into its flat gate table)
  final long[] low;
  final long[] high;
  final boolean[] needsChar;
  final int[] minDigits;
  final int[] minRun;

  private Trigger(long[] low, long[] high, boolean[] needsChar, int[] minDigits, int[] minRun) {
    this.low = low;
    this.high = high;
    this.needsChar = needsChar;
    this.minDigits = minDigits;
    this.minRun = minRun;
  }

  private static Trigger clause(long low, long high, boolean needsChar, int minDigits, int minRun) {
    return new Trigger(new long[] {low}, new long[] {high}, new boolean[] {needsChar}, new int[] {minDigits},
        new int[] {minRun});
  }

  /**
   * Holds for texts that contain at least one of {@code asciiChars}.
   *
   * @throws IllegalArgumentException if {@code asciiChars} is empty or has a character outside ASCII
   *     (the traits do not record those)
   */
  public static Trigger anyOf(String asciiChars) {
    Objects.requireNonNull(asciiChars, "asciiChars");
    if (asciiChars.isEmpty()) {
      throw new IllegalArgumentException("a trigger needs at least one character");
    }
    long low = 0;
    long high = 0;
    for (int i = 0; i < asciiChars.length(); i++) {
      char c = asciiChars.charAt(i);
      if (c >= 128) {
        throw new IllegalArgumentException("trigger characters must be ASCII");
      }
      if (c < 64) {
        low |= 1L << c;
      } else {
        high |= 1L << (c - 64);
      }
    }
    return clause(low, high, true, 0, 0);
  }

  /** Holds for texts with at least {@code n} ASCII digits ({@link TextTraits#asciiDigits()}). */
  public static Trigger minAsciiDigits(int n) {
    return clause(0, 0, false, checkCount(n), 0);
  }

  /**
   * Holds for texts whose longest run of printable non-space ASCII characters is at least {@code n}
   * long ({@link TextTraits#longestAsciiGraphicRun()}).
   */
  public static Trigger minAsciiGraphicRun(int n) {
    return clause(0, 0, false, 0, checkCount(n));
  }

  private static int checkCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("a minimum count must not be negative");
    }
    return n;
  }

  /**
   * Holds where both hold. {@code other} must be a single clause (as made by the factories, or an
   * {@code and} of those); an {@code and} of two character sets requires one of each.
   *
   * @throws IllegalArgumentException if either side is a disjunction of several clauses, or both name
   *     characters (two character sets in one clause are not supported)
   */
  public Trigger and(Trigger other) {
    Objects.requireNonNull(other, "other");
    if (low.length != 1 || other.low.length != 1) {
      throw new IllegalArgumentException("and() combines single clauses; distribute over or() instead");
    }
    if (needsChar[0] && other.needsChar[0]) {
      throw new IllegalArgumentException("a clause holds at most one character set");
    }
    return clause(low[0] | other.low[0], high[0] | other.high[0], needsChar[0] || other.needsChar[0],
        Math.max(minDigits[0], other.minDigits[0]), Math.max(minRun[0], other.minRun[0]));
  }

  /** Holds where either holds. */
  public Trigger or(Trigger other) {
    Objects.requireNonNull(other, "other");
    int n = low.length;
    int m = other.low.length;
    long[] l = Arrays.copyOf(low, n + m);
    long[] h = Arrays.copyOf(high, n + m);
    boolean[] c = Arrays.copyOf(needsChar, n + m);
    int[] d = Arrays.copyOf(minDigits, n + m);
    int[] r = Arrays.copyOf(minRun, n + m);
    System.arraycopy(other.low, 0, l, n, m);
    System.arraycopy(other.high, 0, h, n, m);
    System.arraycopy(other.needsChar, 0, c, n, m);
    System.arraycopy(other.minDigits, 0, d, n, m);
    System.arraycopy(other.minRun, 0, r, n, m);
    return new Trigger(l, h, c, d, r);
  }

  /** True if a text with these traits satisfies one of the clauses. */
  public boolean test(TextTraits traits) {
    int digits = traits.asciiDigits();
    int run = traits.longestAsciiGraphicRun();
    long tl = traits.asciiLow();
    long th = traits.asciiHigh();
    for (int i = 0; i < low.length; i++) {
      if (digits >= minDigits[i] && run >= minRun[i]
          && (!needsChar[i] || (tl & low[i]) != 0 || (th & high[i]) != 0)) {
        return true;
      }
    }
    return false;
  }

  /** The clauses, readably (characters, minimum digits, minimum run); for tests and diagnostics. */
  @Override
  public String toString() {
    List<String> clauses = new ArrayList<>();
    for (int i = 0; i < low.length; i++) {
      List<String> parts = new ArrayList<>();
      if (needsChar[i]) {
        StringBuilder sb = new StringBuilder("anyOf(");
        for (char ch = 0; ch < 128; ch++) {
          if (ch < 64 ? (low[i] & (1L << ch)) != 0 : (high[i] & (1L << (ch - 64))) != 0) {
            sb.append(ch);
          }
        }
        parts.add(sb.append(')').toString());
      }
      if (minDigits[i] > 0) {
        parts.add("digits>=" + minDigits[i]);
      }
      if (minRun[i] > 0) {
        parts.add("run>=" + minRun[i]);
      }
      clauses.add(parts.isEmpty() ? "always" : String.join(" and ", parts));
    }
    return "Trigger[" + String.join(" or ", clauses) + "]";
  }
}
