package io.veil.gateway.keys;

/**
 * A key just created: the stored record and the secret the client authenticates with. The secret
 * exists only here and is never stored; show it once.
 *
 * <p><b>Security:</b> {@link #toString()} does not show the secret.
 */
public record IssuedKey(ClientKey key, String secret) {
  @Override
  public String toString() {
    return "IssuedKey[" + key.id() + "]";
  }
}
