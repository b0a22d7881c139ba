package io.veil.core.fuzz;

/**
 * A {@link CharSequence} that counts how many characters are read from it: the "steps" a scanner
 * or validator takes over its input. Tests compare the count with the input's length to prove a
 * check runs in linear time without timing anything.
 *
 * <p>Not thread-safe; one per call.
 */
public final class CountingCharSequence implements CharSequence {
  private final String text;
  private long reads;

  public CountingCharSequence(String text) {
    this.text = text;
  }

  /** Characters read so far (each {@code charAt}, plus every character copied out). */
  public long reads() {
    return reads;
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public char charAt(int index) {
    reads++;
    return text.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    reads += Math.max(0, end - start);
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    reads += text.length();
    return text;
  }
}
