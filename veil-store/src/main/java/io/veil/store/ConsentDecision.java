package io.veil.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One consent decision: granted or withdrawn, when, through which channel, under which notice.
 *
 * @param id the history row id (0 for a decision not stored yet)
 * @param purpose what it is about
 * @param granted true = consent given, false = withdrawn / refused
 * @param decidedAt when the subject decided
 * @param source channel id such as {@code api}, {@code web-form}, {@code gpc-header}, {@code admin}
 * @param noticeVersion version id of the privacy notice shown
 * @param recordedAt when the store recorded it
 */
public record ConsentDecision(
    long id, Purpose purpose, boolean granted, Instant decidedAt, String source, String noticeVersion,
    Instant recordedAt) {
  public ConsentDecision {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Ids.requireShortId("source", source);
    Ids.requireShortId("noticeVersion", noticeVersion);
  }
}
