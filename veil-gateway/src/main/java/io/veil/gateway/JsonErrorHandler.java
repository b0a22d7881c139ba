package io.veil.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a request line or header Jetty cannot parse, an ambiguous path such as
 * {@code /v1/..;/x} or one with an encoded NUL, an absolute-form target) answered in the provider's
 * error envelope instead of Jetty's HTML page, so every client error looks the same to an SDK.
 *
 * <p><b>Security:</b> the message names only the HTTP status; it never echoes Jetty's reason,
 * which can quote the request line or a header value.
 */
final class JsonErrorHandler extends ErrorHandler {

  static byte[] body(int status) {
    String code = status == 413 ? ErrorCodes.BODY_TOO_LARGE
        : status == 431 ? ErrorCodes.INVALID_REQUEST : status >= 500 ? ErrorCodes.INTERNAL : ErrorCodes.INVALID_REQUEST;
    String type = status >= 500 ? ErrorCodes.TYPE_VEIL : ErrorCodes.TYPE_INVALID_REQUEST;
    String message = "The HTTP request is malformed or ambiguous (status " + status + ") and was not processed";
    return Json.write(Json.MAPPER.createObjectNode().set("error", Json.MAPPER.createObjectNode()
        .put("message", message).put("type", type).put("code", code))).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status));
  }
}
