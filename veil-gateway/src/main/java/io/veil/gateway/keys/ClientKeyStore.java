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

  /** The key whose secret this is, if it exists and is not revoked. */
  Optional<ClientKey> authenticate(String secret);

  /** All keys, revoked ones included, oldest first. */
  List<ClientKey> list();

  /** Revokes the key; returns false if there is no key with this id. */
  boolean revoke(String id);
}
