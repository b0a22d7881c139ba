package io.veil.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's Prometheus metrics. Tags carry endpoints, statuses, entity types and error codes
 * only: never any part of a request, a key or a tenant-supplied string.
 *
 * <ul>
 *   <li>{@code veil_requests_total{endpoint,status}} and {@code veil_request_duration_seconds}
 *   <li>{@code veil_entities_removed_total{type}}
 *   <li>{@code veil_requests_blocked_total{code}} — refused by Veil (auth, limits, fail-closed)
 *   <li>{@code veil_upstream_responses_total{status}}
 *   <li>{@code veil_fields_dropped_total{endpoint}} — data minimization
 *   <li>{@code veil_audit_commits_total} and {@code veil_audit_records_total} — with governance: the audit
 *       trail's group commits and the records they wrote (records ÷ commits = the mean group size)
 *   <li>{@code veil_vault_insert_commits_total} and {@code veil_vault_inserts_total} — with governance: the
 *       vault's group commits and the inserts (one per text with new values) they held (inserts ÷ commits = the
 *       mean group size)
 *   <li>{@code veil_store_change_listener_up} and {@code veil_store_change_listener_connections_total} — with
 *       governance on PostgreSQL: 1 while this instance hears the consent, settings and erasure changes other
 *       instances commit (its per-user caches are in use), 0 while its listener is down (every request reads
 *       the database); and how often the listener has subscribed (more than 1: it lost its connection)
 *   <li>{@code veil_store_pool_connections{state=active|idle}}, {@code veil_store_pool_pending} and
 *       {@code veil_store_pool_max} — with governance: the store's connection pool (pending above zero for long:
 *       the pool or the database is the limit)
 *   <li>{@code veil_retention_rows_purged_total} and {@code veil_retention_subject_keys_purged_total} — with
 *       governance: rows this instance's retention runs deleted, and idle per-conversation subject keys
 *   <li>{@code veil_detection_cache_hits_total}, {@code veil_detection_cache_misses_total},
 *       {@code veil_detection_cache_evictions_total} (size or expiry), {@code veil_detection_cache_bypassed_total}
 *       (texts analysed without the cache: shorter than {@code minChars}, or the cache off), and the gauges
 *       {@code veil_detection_cache_entries} and {@code veil_detection_cache_weight_bytes}
 *   <li>{@code veil_slow_client_disconnections_total{reason}} — connections {@link SlowClientGuard} closed:
 *       {@code reason="headers"} (408: request line and headers not complete in time), {@code reason="body"}
 *       (body below the minimum rate after the grace period, cut without an answer), {@code reason="stream_body"}
 *       (an HTTP/2 stream's body below the same rate: 408 on the stream, the connection goes on)
 * </ul>
 *
 * <p>The same calls feed the {@link DashboardSeries} the admin console charts.
 *
 * <p>Thread safety: thread-safe.
 */
final class GatewayMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DashboardSeries dashboard = new DashboardSeries();
  // Meters by their tag values, so a request does not build and look up a Meter.Id per call. Every key
  // set is bounded: endpoint labels, HTTP statuses, entity types and Veil's error codes.
  private final ConcurrentHashMap<RequestKey, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> entities = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> blocked = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Counter> upstream = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();

  private record RequestKey(String endpoint, int status) {}

  private static final Duration[] DURATION_BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1000,
      2500, 5000, 10_000, 30_000, 60_000, 120_000).map(Duration::ofMillis).toArray(Duration[]::new);
  private final java.util.List<AutoCloseable> binders = new java.util.ArrayList<>();

  /**
   * Adds the JVM and process families ({@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*},
   * {@code jvm_classes_*}, {@code process_cpu_usage}, {@code process_uptime_seconds},
   * {@code process_files_open_files}, {@code system_cpu_*}); once per process, for the registry {@code /metrics} shows.
   */
  GatewayMetrics withJvmMetrics() {
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
    return this;
  }

  void request(Endpoint endpoint, int status, Duration duration) {
    String ep = endpoint == null ? "unknown" : endpoint.label();
    requests.computeIfAbsent(new RequestKey(ep, status), k -> Counter.builder("veil.requests")
        .description("Requests answered").tags("endpoint", k.endpoint(), "status", Integer.toString(k.status()))
        .register(registry)).increment();
    durations.computeIfAbsent(ep, e -> Timer.builder("veil.request.duration")
        .description("Time to answer a request (streams: until the end)").tags("endpoint", e)
        // buckets, not only count/sum/max: a p99 can then be computed across instances (histogram_quantile)
        .serviceLevelObjectives(DURATION_BUCKETS).register(registry))
        .record(duration);
    dashboard.request(duration);
  }

  void entities(Map<String, Integer> byType) {
    byType.forEach((type, n) -> entities.computeIfAbsent(type, t -> Counter.builder("veil.entities.removed")
        .description("Personal data values replaced").tags("type", t).register(registry)).increment(n));
    dashboard.entities(byType);
  }

  void blocked(String code) {
    blocked.computeIfAbsent(code, c -> Counter.builder("veil.requests.blocked").description("Requests refused by Veil")
        .tags("code", c).register(registry)).increment();
    dashboard.refused(code);
  }

  void upstream(int status) {
    upstream.computeIfAbsent(status, st -> Counter.builder("veil.upstream.responses")
        .description("Responses from the upstream provider").tags("status", Integer.toString(st)).register(registry))
        .increment();
    dashboard.upstream(status);
  }

  void fieldsDropped(Endpoint endpoint, int n) {
    if (n > 0) {
      dropped.computeIfAbsent(endpoint.label(), e -> Counter.builder("veil.fields.dropped")
          .description("Request fields dropped by data minimization").tags("endpoint", e).register(registry))
          .increment(n);
    }
  }

  /** Exposes the audit log's commit and record counters (read at scrape time). */
  void audit(io.veil.store.AuditLog log) {
    FunctionCounter.builder("veil.audit.commits", log, l -> (double) l.commits())
        .description("Audit trail commits (one per group of records)").register(registry);
    FunctionCounter.builder("veil.audit.records", log, l -> (double) l.recordsWritten())
        .description("Audit records committed").register(registry);
  }

  /** Exposes the vault's insert group commits and the inserts they held (read at scrape time). */
  void vault(io.veil.store.JdbcTokenVault vault) {
    FunctionCounter.builder("veil.vault.insert.commits", vault, v -> (double) v.insertCommits())
        .description("Vault insert commits (one per group of concurrent requests' inserts)").register(registry);
    FunctionCounter.builder("veil.vault.inserts", vault, v -> (double) v.insertsCommitted())
        .description("Vault inserts committed (one per text with new values, or per value stored alone)")
        .register(registry);
    FunctionCounter.builder("veil.vault.integrity.failures", vault, v -> (double) v.integrityFailures())
        .description("Vault rows refused as altered (failed authentication, or a key id no erasure explains);"
            + " each refused its request: alert on any").register(registry);
  }

  /** Exposes the store's connection pool: connections by state and the pool's maximum (read at scrape time). */
  void pool(io.veil.store.Database database) {
    Gauge.builder("veil.store.pool.connections", database, d -> d.poolState().active())
        .description("Store connections by state").tags("state", "active").register(registry);
    Gauge.builder("veil.store.pool.connections", database, d -> d.poolState().idle())
        .description("Store connections by state").tags("state", "idle").register(registry);
    Gauge.builder("veil.store.pool.pending", database, d -> d.poolState().pending())
        .description("Requests waiting for a store connection").register(registry);
    Gauge.builder("veil.store.pool.max", database, d -> d.poolState().max())
        .description("The store connection pool's maximum size").register(registry);
  }

  /** Exposes what this instance's retention runs deleted (read at scrape time). */
  void retention(Governance governance) {
    FunctionCounter.builder("veil.retention.rows.purged", governance, g -> (double) g.retentionRowsPurged())
        .description("Rows deleted by retention runs (vault entries, audit records, consent history, requests)")
        .register(registry);
    FunctionCounter.builder("veil.retention.subject.keys.purged", governance, g -> (double) g.subjectKeysPurged())
        .description("Idle subject keys deleted by retention runs (per-conversation subjects with nothing left)")
        .register(registry);
  }

  /** Exposes the detection cache's counters (read at scrape time). */
  void detectionCache(DetectionCache cache) {
    FunctionCounter.builder("veil.detection.cache.hits", cache, c -> c.stats().hitCount())
        .description("Texts whose findings came from the detection cache").register(registry);
    FunctionCounter.builder("veil.detection.cache.misses", cache, c -> c.stats().missCount())
        .description("Texts analysed and then cached").register(registry);
    FunctionCounter.builder("veil.detection.cache.evictions", cache, c -> c.stats().evictionCount())
        .description("Detection cache entries dropped for size or expiry").register(registry);
    FunctionCounter.builder("veil.detection.cache.bypassed", cache, DetectionCache::bypassed)
        .description("Texts analysed without the cache (shorter than minChars, or the cache off)").register(registry);
    Gauge.builder("veil.detection.cache.entries", cache, DetectionCache::entries)
        .description("Texts whose findings the detection cache holds").register(registry);
    Gauge.builder("veil.detection.cache.weight", cache, DetectionCache::weightBytes).baseUnit("bytes")
        .description("Estimated heap held by the detection cache's entries").register(registry);
  }

  /** Exposes the slow-client guard's disconnections by reason (read at scrape time). */
  void slowClients(SlowClientGuard guard) {
    for (SlowClientGuard.Reason r : SlowClientGuard.Reason.values()) {
      FunctionCounter.builder("veil.slow.client.disconnections", guard, g -> g.disconnections(r))
          .description("Requests cut for arriving too slowly (headers: 408, connection closed; body: connection"
              + " closed; stream_body: an HTTP/2 stream answered 408)")
          .tags("reason", r.label()).register(registry);
    }
  }

  /** Exposes the store's change listener (PostgreSQL only; an H2 store has none), read at scrape time. */
  void changeFeed(io.veil.store.Database db) {
    if (!db.changeFeedStatus().shared()) {
      return;
    }
    Gauge.builder("veil.store.change.listener.up", db, d -> d.changeFeedStatus().trusted() ? 1 : 0)
        .description("1 while other instances' consent, settings and erasure changes reach this one's caches")
        .register(registry);
    FunctionCounter.builder("veil.store.change.listener.connections", db, d -> d.changeFeedStatus().connections())
        .description("Subscriptions of the change listener (each after the first follows a lost connection)")
        .register(registry);
  }

  /** The last hour minute by minute, for the admin console (fed by the calls above). */
  DashboardSeries dashboard() {
    return dashboard;
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  void close() {
    for (AutoCloseable b : binders) {
      try {
        b.close();
      } catch (Exception e) {
        // a GC listener that cannot be removed keeps counting into a closed registry: harmless
      }
    }
    registry.close();
  }
}
