package io.veil.core;

/** Small text helpers shared by the engine. */
final class TextCase {
  private TextCase() {}

  /** Lower-cases char by char so that offsets stay those of the original text. */
  static String lowerSameLength(String text) {
    char[] out = new char[text.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Character.toLowerCase(text.charAt(i));
    }
    return new String(out);
  }

  /** True if a word cannot continue across {@code index}. */
  static boolean isWordBoundary(String text, int index) {
    if (index <= 0 || index >= text.length()) {
      return true;
    }
    return !(Character.isLetterOrDigit(text.charAt(index - 1)) && Character.isLetterOrDigit(text.charAt(index)));
  }
}
