package io.veil.core.transform;

import io.veil.core.EntityType;

/** Leaves the value as it is (for types a policy decides may leave). */
final class KeepOperator implements Operator {
  static final String NAME = "keep";

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
    return value;
  }
}
