package io.veil.core.transform;

import io.veil.core.EntityType;

/** Replaces the value by a fixed text ({@code [REDACTED]} by default; empty removes it). Irreversible. */
final class RedactOperator implements Operator {
  static final String NAME = "redact";
  static final String DEFAULT_REPLACEMENT = "[REDACTED]";
  private final String replacement;

  RedactOperator(String replacement) {
    this.replacement = replacement;
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
    return replacement;
  }
}
