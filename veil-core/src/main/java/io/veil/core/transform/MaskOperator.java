package io.veil.core.transform;

import io.veil.core.EntityType;

/**
 * Masks every letter and digit except the last {@code keepLast} ones; separators stay, so
 * {@code 4242 4242 4242 4242} becomes {@code **** **** **** 4242} and {@code 4242424242424242} becomes
 * {@code ************4242}. Irreversible.
 *
 * <p><b>Security:</b> the length and layout of the value stay visible, and so do the kept characters.
 */
final class MaskOperator implements Operator {
  static final String NAME = "mask";
  private final int keepLast;
  private final char maskChar;

  MaskOperator(int keepLast, char maskChar) {
    this.keepLast = keepLast;
    this.maskChar = maskChar;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean reversible() {
    return false;
  }

  @Override
  public String apply(OperatorContext ctx, EntityType type, String value) {
    int alnum = (int) value.codePoints().filter(Character::isLetterOrDigit).count();
    // never reveal more than half of a short value
    int keep = Math.min(keepLast, alnum / 2);
    int toMask = alnum - keep;
    StringBuilder sb = new StringBuilder(value.length());
    int seen = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        if (seen < toMask) {
          sb.append(maskChar);
        } else {
          sb.appendCodePoint(cp);
        }
        seen++;
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }
}
