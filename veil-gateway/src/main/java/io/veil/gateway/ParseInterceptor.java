package io.veil.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * Checks size (per the key's policy: 413), content type (415) and JSON syntax (400) of request
 * bodies and parses them. Error messages give positions, never content.
 */
final class ParseInterceptor implements Interceptor {

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    if (!request.endpoint().hasBody()) {
      return chain.proceed(request);
    }
    if (request.body().length > request.policy().maxBodyBytes()) {
      throw new GatewayException(413, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.BODY_TOO_LARGE,
          "Request body exceeds the " + request.policy().maxBodyBytes() + "-byte limit of this key's policy");
    }
    String type = request.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
      throw new GatewayException(415, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json");
    }
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(request.body());
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw GatewayException.badRequest(ErrorCodes.MALFORMED_JSON, "Request body is not valid JSON" + where);
    } catch (IOException e) {
      throw GatewayException.badRequest(ErrorCodes.MALFORMED_JSON, "Request body is not valid JSON");
    }
    if (!(tree instanceof ObjectNode obj)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "Request body must be a JSON object");
    }
    if (obj.has("stream") && !obj.get("stream").isBoolean() && !obj.get("stream").isNull()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'stream' must be a boolean");
    }
    return chain.proceed(request.withJson(obj));
  }
}
