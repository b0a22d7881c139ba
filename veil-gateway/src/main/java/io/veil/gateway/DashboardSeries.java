package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The last hour of the gateway's own traffic, minute by minute, for the admin console's dashboard: requests
 * answered, how many were blocked (privacy: consent or block-on-PII), refused otherwise (authentication, limits,
 * bad input, fail-closed), upstream errors, personal data values removed by type, and latency percentiles.
 * Fed by {@link GatewayMetrics} from the same calls that feed the Prometheus registry, so the dashboard and
 * {@code /metrics} never disagree about what happened.
 *
 * <p>Memory is bounded: 60 one-minute buckets, each a fixed latency histogram (80 log-spaced buckets, upper
 * bounds 0.1 ms × 1.2ⁱ, so a reported percentile is the upper bound of its bucket: at most 20 % above the true
 * value) and at most {@value #MAX_TYPES} entity types.
 *
 * <p>Per instance: several gateways on one database each show their own traffic (the audit trail has all).
 *
 * <p>Thread safety: thread-safe (one lock; every update is a few array writes).
 *
 * <p><b>Security:</b> holds counts by entity type, status and error category only — nothing of any request.
 */
final class DashboardSeries {
  static final int MINUTES = 60;
  static final int MAX_TYPES = 64;
  static final int LATENCY_BUCKETS = 80;
  private static final double FIRST_BOUND_MS = 0.1;
  private static final double GROWTH = 1.2;
  private static final double[] BOUNDS_MS = new double[LATENCY_BUCKETS];

  static {
    double b = FIRST_BOUND_MS;
    for (int i = 0; i < LATENCY_BUCKETS; i++) {
      BOUNDS_MS[i] = b;
      b *= GROWTH;
    }
  }

  /** What a refusal by Veil counts as on the dashboard. */
  enum Refusal {
    /** Privacy decisions: consent missing, identity required, block-on-PII. */
    BLOCKED,
    /** The provider could not be reached, timed out or answered garbage. */
    UPSTREAM,
    /** Everything else: authentication, rate limits, bad input, fail-closed internal errors. */
    REFUSED;

    static Refusal of(String code) {
      return switch (code) {
        case ErrorCodes.PII_BLOCKED, ErrorCodes.CONSENT_REQUIRED, ErrorCodes.USER_REQUIRED -> BLOCKED;
        case ErrorCodes.UPSTREAM_UNREACHABLE, ErrorCodes.UPSTREAM_TIMEOUT, ErrorCodes.UPSTREAM_INVALID -> UPSTREAM;
        default -> REFUSED;
      };
    }
  }

  private static final class Minute {
    long epochMinute = Long.MIN_VALUE;
    long requests;
    long blocked;
    long refused;
    long upstreamErrors;
    final long[] latency = new long[LATENCY_BUCKETS];
    final Map<String, Long> entities = new TreeMap<>();

    void reset(long m) {
      epochMinute = m;
      requests = blocked = refused = upstreamErrors = 0;
      java.util.Arrays.fill(latency, 0);
      entities.clear();
    }
  }

  private final Clock clock;
  private final Minute[] ring = new Minute[MINUTES];
  private final long startedAt;

  DashboardSeries(Clock clock) {
    this.clock = clock;
    for (int i = 0; i < MINUTES; i++) {
      ring[i] = new Minute();
    }
    this.startedAt = clock.millis();
  }

  DashboardSeries() {
    this(Clock.systemUTC());
  }

  private Minute current() {
    long m = Math.floorDiv(clock.millis(), 60_000L);
    Minute b = ring[(int) Math.floorMod(m, MINUTES)];
    if (b.epochMinute != m) {
      b.reset(m);
    }
    return b;
  }

  synchronized void request(Duration latency) {
    Minute b = current();
    b.requests++;
    b.latency[bucket(latency.toNanos() / 1_000_000.0)]++;
  }

  synchronized void refused(String code) {
    Minute b = current();
    switch (Refusal.of(code)) {
      case BLOCKED -> b.blocked++;
      case UPSTREAM -> b.upstreamErrors++;
      case REFUSED -> b.refused++;
    }
  }

  /** An answer of the provider: 5xx and 429 count as upstream errors. */
  synchronized void upstream(int status) {
    if (status >= 500 || status == 429) {
      current().upstreamErrors++;
    }
  }

  synchronized void entities(Map<String, Integer> byType) {
    if (byType.isEmpty()) {
      return;
    }
    Minute b = current();
    byType.forEach((type, n) -> {
      if (b.entities.containsKey(type) || b.entities.size() < MAX_TYPES) {
        b.entities.merge(type, (long) n, Long::sum);
      }
    });
  }

  static int bucket(double millis) {
    for (int i = 0; i < LATENCY_BUCKETS; i++) {
      if (millis <= BOUNDS_MS[i]) {
        return i;
      }
    }
    return LATENCY_BUCKETS - 1;
  }

  /** The upper bound (ms) of the bucket holding quantile {@code q} of {@code hist}, or -1 when it is empty. */
  static double percentile(long[] hist, double q) {
    long total = 0;
    for (long n : hist) {
      total += n;
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < hist.length; i++) {
      seen += hist[i];
      if (seen >= rank) {
        return BOUNDS_MS[i];
      }
    }
    return BOUNDS_MS[hist.length - 1];
  }

  /**
   * The last {@link #MINUTES} minutes, oldest first, as JSON: {@code minutes} (epoch seconds of each minute),
   * {@code requests}, {@code blocked}, {@code refused}, {@code upstream_errors}, {@code latency_ms.p50/p90/p99}
   * (null for a minute without requests), {@code entities.TYPE}, and {@code totals} over the window.
   */
  synchronized ObjectNode snapshot() {
    long now = Math.floorDiv(clock.millis(), 60_000L);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("window_minutes", MINUTES);
    out.put("since", java.time.Instant.ofEpochMilli(startedAt).toString());
    ArrayNode minutes = out.putArray("minutes");
    ArrayNode requests = out.putArray("requests");
    ArrayNode blocked = out.putArray("blocked");
    ArrayNode refused = out.putArray("refused");
    ArrayNode upstream = out.putArray("upstream_errors");
    ObjectNode lat = out.putObject("latency_ms");
    ArrayNode p50 = lat.putArray("p50");
    ArrayNode p90 = lat.putArray("p90");
    ArrayNode p99 = lat.putArray("p99");
    TreeSet<String> types = new TreeSet<>();
    for (Minute b : ring) {
      if (b.epochMinute > now - MINUTES && b.epochMinute <= now) {
        types.addAll(b.entities.keySet());
      }
    }
    Map<String, ArrayNode> ent = new TreeMap<>();
    ObjectNode entities = out.putObject("entities");
    for (String t : types) {
      ent.put(t, entities.putArray(t));
    }
    long[] all = new long[LATENCY_BUCKETS];
    long tRequests = 0;
    long tBlocked = 0;
    long tRefused = 0;
    long tUpstream = 0;
    Map<String, Long> tEntities = new TreeMap<>();
    for (long m = now - MINUTES + 1; m <= now; m++) {
      Minute b = ring[(int) Math.floorMod(m, MINUTES)];
      boolean live = b.epochMinute == m;
      minutes.add(m * 60);
      requests.add(live ? b.requests : 0);
      blocked.add(live ? b.blocked : 0);
      refused.add(live ? b.refused : 0);
      upstream.add(live ? b.upstreamErrors : 0);
      addPercentile(p50, live ? b.latency : null, 0.50);
      addPercentile(p90, live ? b.latency : null, 0.90);
      addPercentile(p99, live ? b.latency : null, 0.99);
      for (String t : types) {
        ent.get(t).add(live ? b.entities.getOrDefault(t, 0L) : 0L);
      }
      if (live) {
        tRequests += b.requests;
        tBlocked += b.blocked;
        tRefused += b.refused;
        tUpstream += b.upstreamErrors;
        for (int i = 0; i < LATENCY_BUCKETS; i++) {
          all[i] += b.latency[i];
        }
        b.entities.forEach((t, n) -> tEntities.merge(t, n, Long::sum));
      }
    }
    ObjectNode totals = out.putObject("totals");
    totals.put("requests", tRequests).put("blocked", tBlocked).put("refused", tRefused)
        .put("upstream_errors", tUpstream);
    ObjectNode tLat = totals.putObject("latency_ms");
    putPercentile(tLat, "p50", all, 0.50);
    putPercentile(tLat, "p90", all, 0.90);
    putPercentile(tLat, "p99", all, 0.99);
    ObjectNode tEnt = totals.putObject("entities");
    tEntities.forEach(tEnt::put);
    return out;
  }

  private static void addPercentile(ArrayNode to, long[] hist, double q) {
    double v = hist == null ? -1 : percentile(hist, q);
    if (v < 0) {
      to.addNull();
    } else {
      to.add(round(v));
    }
  }

  private static void putPercentile(ObjectNode to, String name, long[] hist, double q) {
    double v = percentile(hist, q);
    if (v < 0) {
      to.putNull(name);
    } else {
      to.put(name, round(v));
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
