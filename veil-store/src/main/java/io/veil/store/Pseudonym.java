package io.veil.store;

/**
 * A subject's keyed pseudonym: HMAC-SHA256 over (tenant, subject id) under a key the store keeps
 * wrapped by the master key. Stable, so records of one subject can be found again; unlinkable to the
 * id without the key. Made only by {@link SubjectKeys#pseudonymOf(Subject)} or parsed from storage.
 *
 * @param hex 64 lower-case hex digits
 */
public record Pseudonym(String hex) {
  public Pseudonym {
    Ids.requireHex64("pseudonym", hex);
  }

  @Override
  public String toString() {
    return "Pseudonym[" + hex.substring(0, 8) + "…]";
  }
}
