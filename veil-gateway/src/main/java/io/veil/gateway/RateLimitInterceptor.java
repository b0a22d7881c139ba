package io.veil.gateway;

import java.util.Objects;

/**
 * Per-key request rate limits (token buckets, Bucket4j): a key with {@code ratePerMinute} N may
 * make N requests at once and N per minute on average; beyond that, 429 with {@code Retry-After}.
 * Keys with rate 0 are not limited (and cost nothing here). Where the buckets live is the
 * {@link RateLimiter}'s business: in memory, or in the shared PostgreSQL database so the limit holds
 * across every instance.
 *
 * <p>Failure: fails closed. Shared buckets that cannot be reached refuse the request with 503
 * {@code veil_store_unavailable} (as every other store outage does); any other failure with 500.
 * Nothing is forwarded on a request whose limit could not be checked.
 */
final class RateLimitInterceptor implements Interceptor {
  private final RateLimiter limiter;

  RateLimitInterceptor(RateLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    int rate = request.key().ratePerMinute();
    if (rate > 0) {
      long nanosToWait;
      try {
        nanosToWait = limiter.tryConsume(request.key().id(), rate);
      } catch (io.veil.store.StoreUnavailableException e) {
        throw PrivacyInterceptor.unavailable();
      } catch (io.veil.store.StoreException e) {
        throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.INTERNAL,
            "The rate limit store failed; the request was not forwarded");
      }
      if (nanosToWait > 0) {
        long seconds = Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L);
        throw new GatewayException(429, ErrorCodes.TYPE_RATE_LIMIT, ErrorCodes.RATE_LIMITED,
            "Rate limit of " + rate + " requests per minute reached for this key; retry after " + seconds + " s",
            seconds);
      }
    }
    return chain.proceed(request);
  }
}
