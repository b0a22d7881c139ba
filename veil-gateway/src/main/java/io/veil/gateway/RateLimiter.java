package io.veil.gateway;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.veil.store.SharedRateLimits;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where the token buckets of the per-key rate limits live: in this process ({@link #inMemory()}, one
 * instance, or an H2 database, which belongs to one process) or in the shared PostgreSQL database
 * ({@link #shared}, several instances: each key gets its rate once, not once per instance).
 *
 * <p>Buckets: capacity {@code ratePerMinute}, refilled greedily at {@code ratePerMinute} per minute;
 * one per key id and rate.
 *
 * <p>Thread safety: implementations are safe for concurrent use.
 */
interface RateLimiter {
  /**
   * Takes one request from the key's bucket: 0 when allowed, else how long until one more would be
   * (nanoseconds, at least 1).
   *
   * @throws io.veil.store.StoreUnavailableException if shared buckets cannot be reached (fail closed)
   * @throws io.veil.store.StoreException on any other failure of shared buckets
   */
  long tryConsume(String keyId, int ratePerMinute);

  /** Buckets in this process's memory, one per key id and rate (bounded by the number of keys). */
  static RateLimiter inMemory() {
    ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    return (keyId, rate) -> {
      Bucket bucket = buckets.computeIfAbsent(keyId + "/" + rate, k -> Bucket.builder()
          .addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofMinutes(1)))
          .build());
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    };
  }

  /** Buckets in the shared database: one database transaction per decision (see {@link SharedRateLimits}). */
  static RateLimiter shared(SharedRateLimits limits) {
    return (keyId, rate) -> {
      SharedRateLimits.Decision d = limits.tryConsume(keyId, rate);
      return d.allowed() ? 0 : Math.max(1, d.nanosToWait());
    };
  }
}
