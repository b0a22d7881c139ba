package io.veil.gateway;

import io.veil.core.EntityType;
import io.veil.store.AuditAction;
import io.veil.store.AuditRecord;
import io.veil.store.PrivacySettings;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit record per authenticated request: tenant, the end user's pseudonym, endpoint,
 * model, entity counts by type, action, policy version, status and latency. With the user's
 * {@code logging: none} (or a CCPA GPC opt-out) the record keeps neither the pseudonym nor the
 * counts: only that a request of the tenant happened, and how it ended.
 *
 * <p>Failure: the answer has already been decided when the record is written (a stream: ended); a
 * failure to append is logged (class name only) and counted, never thrown at the client.
 *
 * <p><b>Security:</b> the record type holds no free text; nothing of the request body reaches it.
 */
final class AuditWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

  private final Governance governance;

  AuditWriter(Governance governance) {
    this.governance = governance;
  }

  void write(GatewayRequest request, int status, String code, Duration latency) {
    RequestStats s = request.stats();
    if (s.tenant() == null || request.endpoint() == null) {
      return; // not authenticated: no tenant to account it to (the access log has it)
    }
    AuditAction action = s.action();
    if (code != null) {
      action = switch (code) {
        case ErrorCodes.CONSENT_REQUIRED, ErrorCodes.USER_REQUIRED -> AuditAction.CONSENT_REFUSED;
        case ErrorCodes.PII_BLOCKED -> AuditAction.BLOCKED;
        default -> AuditAction.REFUSED;
      };
    } else if (action == null) {
      action = AuditAction.FORWARDED;
    }
    boolean minimal = s.logging() == PrivacySettings.Logging.NONE;
    SortedMap<EntityType, Integer> counts = new TreeMap<>();
    if (!minimal) {
      s.entities().forEach((type, n) -> counts.put(EntityType.of(type), n));
    }
    String policyVersion = s.policyVersion() != null ? s.policyVersion()
        : request.policy() != null ? request.policy().version() : "none";
    try {
      governance.audit().append(new AuditRecord(s.tenant(), minimal ? null : s.pseudonym(),
          request.endpoint().path(), s.model(), counts, action, policyVersion, status,
          Math.min(latency.toMillis(), 86_400_000L)));
    } catch (RuntimeException e) {
      LOG.error("audit record could not be written: {}", e.getClass().getSimpleName());
    }
  }
}
