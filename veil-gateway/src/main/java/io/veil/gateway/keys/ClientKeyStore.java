package io.veil.gateway.keys;

import java.util.List;
import java.util.Optional;

/**
 * Where Veil's virtual client keys live. Implementations store only a hash of each secret and
 * compare in constant time.
 *
 * <p>Thread safety: implementations are thread-safe.
 *
 * <p><b>Security:</b> {@link #authenticate} is the only way from a secret to a key; the tenant of a
 * request is always the tenant of the key it authenticated with.
 */
public interface ClientKeyStore {

  /** Creates a key bound to the tenant and policy; the returned secret is not kept anywhere. */
  IssuedKey create(String tenant, String policy, int ratePerMinute);

  /**
   * Creates a key that stops authenticating {@code lifetime} after now (null: never expires).
   * Stores that cannot keep an expiry refuse a lifetime.
   */
  default IssuedKey create(String tenant, String policy, int ratePerMinute, java.time.Duration lifetime) {
    if (lifetime != null) {
      throw new UnsupportedOperationException("this key store cannot expire keys");
    }
    return create(tenant, policy, ratePerMinute);
  }

  /**
   * The first start's key ({@code veil serve} on an empty store): creates a key if the store holds no
   * key at all (revoked ones count) and no other process sharing the store created its first key
   * first; empty otherwise. At most one such key is ever created per store, however many instances
   * start at once. This default suits stores of one process ({@code keys.json}); shared stores override
   * it atomically.
   */
  default Optional<IssuedKey> createFirst(String tenant, String policy, int ratePerMinute) {
    return list().isEmpty() ? Optional.of(create(tenant, policy, ratePerMinute)) : Optional.empty();
  }

  /** The key whose secret this is, if it exists, is not revoked and has not expired. */
  Optional<ClientKey> authenticate(String secret);

  /**
   * The key this secret belonged to when this process last checked it, without asking the store: for
   * accounting a request that is refused because {@link #authenticate} could not check its key (the
   * store is unreachable) to the key's tenant. <b>Never</b> a reason to let a request through.
   * Stores that cannot fail that way return empty.
   */
  default Optional<ClientKey> lastKnown(String secret) {
    return Optional.empty();
  }

  /** All keys, revoked ones included, oldest first. */
  List<ClientKey> list();

  /** Revokes the key; returns false if there is no key with this id. */
  boolean revoke(String id);
}
