package io.veil.gateway;

import io.veil.core.EntityType;
import io.veil.store.AuditAction;
import io.veil.store.AuditLog;
import io.veil.store.AuditRecord;
import io.veil.store.PrivacySettings;
import io.veil.store.StoreUnavailableException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Failure: the answer has already been decided when the record is written (a stream: ended), so a
 * failure is never thrown at the client. When the database is unreachable
 * ({@link StoreUnavailableException}: lost in the middle of a request, or slow beyond the pool's
 * timeout) the record waits in a bounded in-memory backlog ({@value #MAX_BACKLOG} records) and is
 * appended, in order, as soon as the database answers again: by the next request, or by a retry
 * every second. A record that fails for another reason, or arrives while the backlog is full, is
 * logged (class name only) and dropped. The backlog lives in memory: a crash while the database is
 * down loses it (the chain itself stays valid).
 *
 * <p>Group commit under load: the writer counts the requests in flight that will reach {@link #write}
 * ({@link #started()}) and lets the audit log's group commit wait up to {@link GovernanceConfig#auditGroupWait()}
 * (default 5 ms; 0: never) for them while at
 * least {@value #GROUP_WAIT_MIN_IN_FLIGHT} are on their way ({@link AuditLog#groupWait}), so that records of
 * concurrent requests share one commit. A lightly loaded gateway (fewer requests in flight) never waits. Each
 * request's record is still committed before its answer is written.
 *
 * <p><b>Security:</b> the record type holds no free text; nothing of the request body reaches it.
 */
final class AuditWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  static final int MAX_BACKLOG = 10_000;
  /** A group commit waits for the records of requests in flight only while at least this many are. */
  static final int GROUP_WAIT_MIN_IN_FLIGHT = 8;

  private final Governance governance;
  private final ConcurrentLinkedQueue<AuditRecord> backlog = new ConcurrentLinkedQueue<>();
  private final AtomicInteger backlogSize = new AtomicInteger();
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  private final Object flushLock = new Object();
  /** Requests started that still count as on their way to {@link #write}. */
  private final AtomicInteger onTheirWay = new AtomicInteger();

  AuditWriter(Governance governance) {
    this.governance = governance;
    Duration wait = governance.config().auditGroupWait();
    governance.audit().groupWait(wait.isZero() ? AuditLog.GroupWait.NONE
        : new AuditLog.GroupWait(wait, GROUP_WAIT_MIN_IN_FLIGHT, onTheirWay::get));
  }

  /**
   * A request entered the chain. It leaves the count exactly once: by {@link #write} with {@code announced},
   * by {@link #abandoned()}, or by {@link #deferred()} (then its later write passes {@code announced = false}).
   */
  void started() {
    onTheirWay.incrementAndGet();
  }

  /** A started request ends without an answer (an Error escaped the chain): it writes no record. */
  void abandoned() {
    onTheirWay.decrementAndGet();
  }

  /**
   * A started request answers with a stream: its record comes when the stream ends, which may be minutes
   * away, so it no longer counts as on its way (a group must not wait for it); its {@link #write} then
   * passes {@code announced = false}.
   */
  void deferred() {
    onTheirWay.decrementAndGet();
  }

  /** Requests in flight that have not written their record yet (for tests). */
  int onTheirWay() {
    return onTheirWay.get();
  }

  /** Records waiting for the database (for tests and metrics). */
  int backlog() {
    return backlogSize.get();
  }

  /**
   * Writes the record of a request; returns once it is committed (or kept in the backlog).
   *
   * @param announced true if the request still counts as on its way ({@link #started()}, not {@link #deferred()})
   */
  void write(GatewayRequest request, int status, String code, Duration latency, boolean announced) {
    if (announced) {
      onTheirWay.decrementAndGet();
    }
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
    append(new AuditRecord(s.tenant(), minimal ? null : s.pseudonym(),
        request.endpoint().path(), s.model(), counts, action, policyVersion, status,
        Math.min(latency.toMillis(), 86_400_000L)));
  }

  private void append(AuditRecord record) {
    if (backlogSize.get() > 0) {
      enqueue(record); // keep the order: older records first
      flush();
      return;
    }
    try {
      governance.audit().append(record);
    } catch (StoreUnavailableException e) {
      LOG.warn("database unavailable: audit record kept in memory until it is back");
      enqueue(record);
      scheduleRetry();
    } catch (RuntimeException e) {
      LOG.error("audit record could not be written: {}", e.getClass().getSimpleName());
    }
  }

  private void enqueue(AuditRecord record) {
    if (backlogSize.incrementAndGet() > MAX_BACKLOG) {
      backlogSize.decrementAndGet();
      LOG.error("audit backlog full ({} records): a record was dropped", MAX_BACKLOG);
      return;
    }
    backlog.add(record);
  }

  /** Appends what waits, oldest first; stops at the first sign the database is still away. */
  void flush() {
    synchronized (flushLock) {
      AuditRecord r;
      while ((r = backlog.peek()) != null) {
        try {
          governance.audit().append(r);
        } catch (StoreUnavailableException e) {
          scheduleRetry();
          return;
        } catch (RuntimeException e) {
          LOG.error("audit record could not be written: {}", e.getClass().getSimpleName());
        }
        backlog.poll();
        backlogSize.decrementAndGet();
      }
    }
  }

  private void scheduleRetry() {
    if (!retryScheduled.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual().name("veil-audit-retry").start(() -> {
      try {
        while (backlogSize.get() > 0) {
          Thread.sleep(1_000);
          flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        retryScheduled.set(false);
        if (backlogSize.get() > 0) {
          scheduleRetry();
        }
      }
    });
  }
}
