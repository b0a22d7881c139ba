package io.veil.core;

import java.util.Objects;

/**
 * A few cheap facts about a text, computed in one pass so that an {@link Analyzer} can skip every
 * {@link Recognizer} that cannot report anything in it (see {@link Recognizer#mayFind(TextTraits)}):
 * which ASCII characters occur, how many ASCII digits there are, and the length of the longest run
 * of printable non-space ASCII characters ({@code '!'}-{@code '~'}).
 *
 * <p>Every query answers "may the text contain ...": characters outside ASCII are never ruled out,
 * so a recognizer that tests for them stays correct.
 *
 * <p>Thread safety: immutable. Holds no part of the text (only the counts and a 128-bit set).
 */
public final class TextTraits {
  /** Bit {@code c} set: ASCII character {@code c} (0-63) occurs. */
  private final long low;
  /** Bit {@code c - 64} set: ASCII character {@code c} (64-127) occurs. */
  private final long high;
  private final int asciiDigits;
  private final int longestGraphicRun;

  private TextTraits(long low, long high, int asciiDigits, int longestGraphicRun) {
    this.low = low;
    this.high = high;
    this.asciiDigits = asciiDigits;
    this.longestGraphicRun = longestGraphicRun;
  }

  /** Computes the traits of {@code text} in one pass. */
  public static TextTraits of(CharSequence text) {
    Objects.requireNonNull(text, "text");
    long low = 0;
    long high = 0;
    int digits = 0;
    int run = 0;
    int longest = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 64) {
        low |= 1L << c;
        if (c >= '0' && c <= '9') {
          digits++;
        }
      } else if (c < 128) {
        high |= 1L << (c - 64);
      }
      if (c > ' ' && c < 127) {
        run++;
      } else {
        longest = Math.max(longest, run);
        run = 0;
      }
    }
    return new TextTraits(low, high, digits, Math.max(longest, run));
  }

  /** False only if {@code c} is an ASCII character that does not occur in the text. */
  public boolean mayContain(char c) {
    if (c < 64) {
      return (low & (1L << c)) != 0;
    }
    return c >= 128 || (high & (1L << (c - 64))) != 0;
  }

  /** The number of ASCII digits ({@code '0'}-{@code '9'}) in the text. */
  public int asciiDigits() {
    return asciiDigits;
  }

  /** The length of the longest run of printable non-space ASCII characters ({@code '!'}-{@code '~'}). */
  public int longestAsciiGraphicRun() {
    return longestGraphicRun;
  }

  @Override
  public String toString() {
    return "TextTraits[digits=" + asciiDigits + ", longestAsciiGraphicRun=" + longestGraphicRun + "]";
  }
}
