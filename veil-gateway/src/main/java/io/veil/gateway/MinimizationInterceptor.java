package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Data minimization per policy: only the endpoint's allow-listed fields are forwarded (others,
 * {@code metadata} among them, are dropped and counted); {@code user} and
 * {@code safety_identifier} become a keyed hash (or are dropped); history is capped; {@code store:
 * false} is forced on chat completions and responses.
 */
final class MinimizationInterceptor implements Interceptor {
  private final Map<Endpoint, ProtocolAdapter> adapters;
  private final GatewaySecret secret;

  MinimizationInterceptor(Map<Endpoint, ProtocolAdapter> adapters, GatewaySecret secret) {
    this.adapters = adapters;
    this.secret = secret;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    ProtocolAdapter adapter = adapters.get(request.endpoint());
    if (adapter == null || request.json() == null) {
      return chain.proceed(request);
    }
    ObjectNode body = request.json().deepCopy();
    GatewayPolicy policy = request.policy();
    RequestStats stats = request.stats();
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      if (!adapter.allowedFields().contains(it.next())) {
        it.remove();
        stats.fieldDropped();
      }
    }
    for (String field : new String[] {"user", "safety_identifier"}) {
      if (body.has(field)) {
        if (policy.hashUser() && body.get(field).isTextual() && !body.get(field).asText().isEmpty()) {
          body.put(field, "veil-" + secret.hash("user", request.key().tenant(), body.get(field).asText()));
        } else {
          body.remove(field);
          stats.fieldDropped();
        }
      }
    }
    if (policy.forceStoreFalse() && (request.endpoint() == Endpoint.CHAT_COMPLETIONS || request.endpoint() == Endpoint.RESPONSES)) {
      body.put("store", false);
    }
    adapter.minimize(body, policy, stats);
    return chain.proceed(request.withJson(body));
  }
}
