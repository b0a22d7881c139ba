package io.veil.core;

import java.util.Objects;

/**
 * One piece of personal data found in a text: where it is, what it is and how sure the finder is.
 *
 * <p>Offsets are UTF-16 indices into the analysed {@link String} ({@code start} inclusive,
 * {@code end} exclusive), so {@code text.substring(f.start(), f.end())} is the value.
 *
 * <p><b>Security:</b> a finding never holds the value itself, and its {@link #toString()} prints
 * only offsets, type and score, so findings may be logged. Do not add the matched text to log lines.
 *
 * @param start first UTF-16 index of the value
 * @param end index just past the value
 * @param type what kind of personal data this is
 * @param score confidence in [0, 1]
 * @param recognizer name of the recognizer that produced it (for explanations and metrics)
 */
public record Finding(int start, int end, EntityType type, double score, String recognizer) {
  public Finding {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(recognizer, "recognizer");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("score must be in [0, 1], got " + score);
    }
  }

  /** Length of the span in UTF-16 units. */
  public int length() {
    return end - start;
  }

  /** True if the two spans share at least one character. */
  public boolean overlaps(Finding other) {
    return start < other.end && other.start < end;
  }

  /** The same span with another score. */
  public Finding withScore(double newScore) {
    return new Finding(start, end, type, Math.max(0.0, Math.min(1.0, newScore)), recognizer);
  }

  /** The matched value in {@code text}. */
  public String value(String text) {
    return text.substring(start, end);
  }
}
