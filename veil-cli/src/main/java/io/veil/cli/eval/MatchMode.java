package io.veil.cli.eval;

/** How a predicted span must relate to a gold span of the same type to count as found. */
public enum MatchMode {
  /** Same start and end. */
  EXACT,
  /** At least one character in common. */
  OVERLAP
}
