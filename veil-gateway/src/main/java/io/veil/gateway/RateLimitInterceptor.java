package io.veil.gateway;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-key request rate limits (token buckets, Bucket4j): a key with {@code ratePerMinute} N may
 * make N requests at once and N per minute on average; beyond that, 429 with {@code Retry-After}.
 * Buckets live in memory, one per key id (bounded by the number of keys).
 */
final class RateLimitInterceptor implements Interceptor {
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    int rate = request.key().ratePerMinute();
    if (rate > 0) {
      Bucket bucket = buckets.computeIfAbsent(request.key().id() + "/" + rate, k -> Bucket.builder()
          .addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofMinutes(1)))
          .build());
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        throw new GatewayException(429, ErrorCodes.TYPE_RATE_LIMIT, ErrorCodes.RATE_LIMITED,
            "Rate limit of " + rate + " requests per minute reached for this key; retry after " + seconds + " s",
            seconds);
      }
    }
    return chain.proceed(request);
  }
}
