package io.veil.core;

import java.util.Objects;

/**
 * Where one value was replaced in a {@link PseudonymizedText}. Holds positions in the output text
 * and the type, never the original value, so it may be logged and counted.
 *
 * @param start UTF-16 index of the replacement in the output text
 * @param end index just past the replacement in the output text
 * @param type the type of the replaced value
 * @param operator the operator that replaced it ("placeholder", "surrogate", "redact", ...)
 */
public record Replacement(int start, int end, EntityType type, String operator) {
  public Replacement {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(operator, "operator");
  }
}
