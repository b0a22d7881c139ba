package io.veil.gateway;

import io.veil.gateway.keys.ClientKey;
import io.veil.gateway.keys.ClientKeyStore;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates the Veil virtual key ({@code Authorization: Bearer KEY}, or {@code api-key: KEY} as
 * Azure clients send it) and binds the request to the key's tenant and policy.
 *
 * <p><b>Security:</b> the tenant comes from the key only, never from the request. A key bound to a
 * policy the configuration lacks is refused (fail closed), and so is every request while the key
 * store's database is unreachable (503) or failing (500).
 */
final class AuthInterceptor implements Interceptor {
  private final ClientKeyStore keys;
  private final Map<String, GatewayPolicy> policies;

  AuthInterceptor(ClientKeyStore keys, Map<String, GatewayPolicy> policies) {
    this.keys = keys;
    this.policies = policies;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    String secret = secret(request);
    if (secret == null) {
      throw unauthorized("Missing Veil API key: send it as 'Authorization: Bearer <key>'");
    }
    Optional<ClientKey> key;
    try {
      key = keys.authenticate(secret);
    } catch (io.veil.store.StoreUnavailableException e) {
      // a key that cannot be checked lets nothing through; a key this process checked before is named,
      // so that the refusal is audited under its tenant (kept until the database is back), as it was
      // when the keys came from a file and the refusal came from the next stage
      keys.lastKnown(secret).ifPresent(k -> {
        request.stats().authenticated(k.id(), k.tenant());
        GatewayPolicy p = policies.get(k.policy());
        if (p != null) {
          request.stats().policyVersion(p.version());
        }
      });
      throw PrivacyInterceptor.unavailable();
    } catch (io.veil.store.StoreException e) {
      throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.INTERNAL,
          "The client key store failed; the request was not forwarded");
    }
    if (key.isEmpty()) {
      throw unauthorized("Invalid or revoked Veil API key");
    }
    GatewayPolicy policy = policies.get(key.get().policy());
    if (policy == null) {
      throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.POLICY_UNAVAILABLE,
          "The policy this key is bound to is not configured; the request was not forwarded");
    }
    request.stats().authenticated(key.get().id(), key.get().tenant());
    return chain.proceed(request.withKey(key.get(), policy));
  }

  private static String secret(GatewayRequest request) {
    String auth = request.header("authorization");
    if (auth != null) {
      String a = auth.strip();
      if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String s = a.substring(7).strip();
        return s.isEmpty() ? null : s;
      }
      return null;
    }
    String apiKey = request.header("api-key");
    return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
  }

  private static GatewayException unauthorized(String message) {
    return new GatewayException(401, ErrorCodes.TYPE_AUTH, ErrorCodes.INVALID_API_KEY, message);
  }
}
