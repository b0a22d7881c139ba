package io.veil.gateway;

import java.util.Locale;

/**
 * The outcome of one doctor check, and of a whole report (the worst of its checks). Ordered from
 * best to worst.
 */
public enum DoctorStatus {
  /** Nothing to do. */
  OK,
  /** Works, but weaker than it should be, or could not be checked. */
  WARN,
  /** Unsafe: personal data or secrets are at risk; fix before production. */
  FAIL;

  /** {@code ok}, {@code warn} or {@code fail}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The worse of the two. */
  public DoctorStatus worst(DoctorStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** The process exit code {@code veil doctor} uses: 0 ok, 1 warnings, 2 failures. */
  public int exitCode() {
    return ordinal();
  }
}
