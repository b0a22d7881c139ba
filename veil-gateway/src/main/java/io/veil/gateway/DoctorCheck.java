package io.veil.gateway;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One finding of {@link Doctor}.
 *
 * @param id stable dotted id ({@code tls.listener}); consoles and scripts key on it
 * @param status the outcome
 * @param title what is checked, in a few words
 * @param message what was found; names settings, files and counts, never a secret or personal value
 * @param fix what to do about it; empty when {@code status} is ok
 *
 * <p>Thread safety: immutable.
 */
public record DoctorCheck(String id, DoctorStatus status, String title, String message, String fix) {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

  public DoctorCheck {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(message, "message");
    fix = fix == null ? "" : fix;
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("check id must be dotted lower-case words");
    }
  }

  static DoctorCheck ok(String id, String title, String message) {
    return new DoctorCheck(id, DoctorStatus.OK, title, message, "");
  }

  static DoctorCheck warn(String id, String title, String message, String fix) {
    return new DoctorCheck(id, DoctorStatus.WARN, title, message, fix);
  }

  static DoctorCheck fail(String id, String title, String message, String fix) {
    return new DoctorCheck(id, DoctorStatus.FAIL, title, message, fix);
  }
}
