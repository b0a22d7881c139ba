package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost stage: turns refusals into error envelopes, records metrics and writes one access
 * log line per request (logger {@code veil.access}).
 *
 * <p><b>Security:</b> the log line holds the request id (checked by {@link RequestId}), the endpoint, status,
 * duration, key id, tenant, counts of removed entities and dropped fields — never a path beyond the known endpoints, a header value, a
 * body or an exception message from a library (those may quote input).
 */
final class ObservabilityInterceptor implements Interceptor {
  private static final Logger ACCESS = LoggerFactory.getLogger("veil.access");
  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityInterceptor.class);

  private final GatewayMetrics metrics;
  private final AuditWriter audit;

  ObservabilityInterceptor(GatewayMetrics metrics) {
    this(metrics, null);
  }

  /** With {@code audit} (may be null) writing one audit record per authenticated request. */
  ObservabilityInterceptor(GatewayMetrics metrics, AuditWriter audit) {
    this.metrics = metrics;
    this.audit = audit;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    long start = System.nanoTime();
    GatewayRequest request = chain.request();
    GatewayResponse response;
    String code = null;
    if (audit != null) {
      audit.started();
    }
    try {
      response = chain.proceed(request);
    } catch (Error e) {
      if (audit != null) {
        audit.abandoned();
      }
      throw e;
    } catch (GatewayException e) {
      code = e.code();
      response = errorResponse(e);
    } catch (RuntimeException e) {
      code = ErrorCodes.INTERNAL;
      LOG.error("internal error on {} id={}: {} at {}", label(request), request.stats().requestId(),
          e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
      response = errorResponse(new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.INTERNAL,
          "Veil could not process the request; it was not forwarded"));
    }
    if (code != null) {
      metrics.blocked(code);
    }
    if (request.endpoint() != null) {
      metrics.fieldsDropped(request.endpoint(), request.stats().fieldsDropped());
    }
    metrics.entities(request.stats().entities());
    if (response instanceof GatewayResponse.Stream s) {
      if (audit != null) {
        audit.deferred(); // its record is written when the stream ends, maybe minutes from now
      }
      String finalCode = code;
      return new GatewayResponse.Stream(s.status(), s.headers(), new EventStream() {
        private boolean done;

        @Override
        public SseEvent next() throws IOException {
          return s.events().next();
        }

        @Override
        public void close() {
          s.events().close();
          if (!done) {
            done = true;
            finish(request, s.status(), finalCode, start, true);
          }
        }
      });
    }
    finish(request, response.status(), code, start, false);
    return response;
  }

  private void finish(GatewayRequest request, int status, String code, long start, boolean stream) {
    Duration d = Duration.ofNanos(System.nanoTime() - start);
    metrics.request(request.endpoint(), status, d);
    RequestStats s = request.stats();
    if (audit != null) {
      audit.write(request, status, code, d, !stream);
    }
    if (s.logging() == io.veil.store.PrivacySettings.Logging.NONE) {
      return; // the end user opted out of logging: the audit record is all that is kept
    }
    // the id goes last: parsers of the line as it was (endpoint first, then status) keep working
    ACCESS.info("{} status={} ms={} key={} tenant={} entities={} dropped={} stream={}{} id={}", label(request), status,
        d.toMillis(), s.keyId() == null ? "-" : s.keyId(), s.tenant() == null ? "-" : s.tenant(), s.entityCount(),
        s.fieldsDropped(), stream, code == null ? "" : " code=" + code, s.requestId());
  }

  private static String label(GatewayRequest r) {
    return r.endpoint() == null ? "unknown" : r.endpoint().label();
  }

  static GatewayResponse.Json errorResponse(GatewayException e) {
    Map<String, String> headers = new HashMap<>();
    if (e.retryAfterSeconds() != null) {
      headers.put("retry-after", Long.toString(e.retryAfterSeconds()));
    }
    JsonNode body = Json.error(e.getMessage(), e.type(), e.code());
    return new GatewayResponse.Json(e.status(), headers, body);
  }
}
