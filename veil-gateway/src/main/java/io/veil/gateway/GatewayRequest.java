package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.Scope;
import io.veil.gateway.keys.ClientKey;
import java.util.Map;

/**
 * A request as it travels through the chain. Immutable apart from {@link #stats()}; stages derive
 * changed copies with the {@code with...} methods.
 *
 * <p><b>Security:</b> {@link #body()} and {@link #json()} hold the client's raw personal data until
 * the {@code PiiInterceptor} has replaced it; never log them. {@code toString()} shows neither.
 *
 * @param endpoint the resolved endpoint
 * @param headers request headers, lower-case names
 * @param body the raw body (empty for GET)
 * @param json the parsed body, or null before parsing / for GET
 * @param key the authenticated client key, or null before authentication
 * @param policy the key's policy, or null before authentication
 * @param scope the conversation scope, or null before it is assigned
 * @param stats counters of this request, for metrics and the access log
 * @param resource the validated id in the path ({@code GET /v1/models/{id}}), or null
 */
record GatewayRequest(
    Endpoint endpoint,
    Map<String, String> headers,
    byte[] body,
    ObjectNode json,
    ClientKey key,
    GatewayPolicy policy,
    Scope scope,
    RequestStats stats,
    String resource) {

  static GatewayRequest of(Endpoint endpoint, Map<String, String> headers, byte[] body) {
    return of(endpoint, null, headers, body);
  }

  static GatewayRequest of(Endpoint endpoint, String resource, Map<String, String> headers, byte[] body) {
    return new GatewayRequest(endpoint, Map.copyOf(headers), body, null, null, null, null, new RequestStats(), resource);
  }

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  GatewayRequest withJson(ObjectNode newJson) {
    return new GatewayRequest(endpoint, headers, body, newJson, key, policy, scope, stats, resource);
  }

  GatewayRequest withKey(ClientKey newKey, GatewayPolicy newPolicy) {
    return new GatewayRequest(endpoint, headers, body, json, newKey, newPolicy, scope, stats, resource);
  }

  GatewayRequest withScope(Scope newScope) {
    return new GatewayRequest(endpoint, headers, body, json, key, policy, newScope, stats, resource);
  }

  /** True when the client asked for a streamed answer. */
  boolean streaming() {
    return json != null && json.path("stream").asBoolean(false);
  }

  @Override
  public String toString() {
    return "GatewayRequest[" + endpoint + ", key=" + (key == null ? "-" : key.id()) + ", " + body.length + " bytes]";
  }
}
