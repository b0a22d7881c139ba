package io.veil.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the gateway's detection result cache (YAML {@code detection.cache.*}, environment
 * {@code VEIL_DETECTION_CACHE_*}); see {@link ConfigLoader}.
 *
 * <p>The cache keeps, per conversation scope (or per tenant, see {@link Sharing}), the findings (offsets, types, scores; never any text) of texts the
 * gateway has analysed, under a keyed hash of the text and of everything detection depends on, so a
 * system prompt or a conversation's history, resent on every turn, is analysed once rather than once per
 * request.
 *
 * @param enabled false: every text is analysed on every request, nothing is cached
 * @param maxEntries at most this many texts' findings are held
 * @param maxWeightBytes at most about this many bytes of heap are held by the cached findings (an
 *     estimate per entry: key, entry overhead and the findings)
 * @param expireAfterWrite an entry is dropped this long after it was computed, used or not
 * @param minChars texts shorter than this are analysed every time and never cached (their detection
 *     costs about what the hash does)
 * @param sharing who shares entries: {@link Sharing#CONVERSATION} (the default) or the whole
 *     {@link Sharing#TENANT}
 */
public record DetectionCacheConfig(boolean enabled, long maxEntries, long maxWeightBytes, Duration expireAfterWrite,
    int minChars, Sharing sharing) {

  /**
   * Which requests may hit each other's entries.
   *
   * <p><b>Security:</b> whether a text is cached shows in the answer time, so whoever shares entries can
   * tell whether the same exact text was analysed for another request within the expiry. Within one
   * conversation scope (a conversation id, and for an identified end user that user's pseudonym) that
   * tells the caller nothing new. {@link #TENANT} also shares an app's system prompt across its
   * conversations, at the price of that signal between the tenant's callers.
   */
  public enum Sharing {
    /** Entries are shared by the requests of one conversation scope: resent history hits, nothing else. */
    CONVERSATION,
    /** Entries are shared by every request of the tenant: system prompts hit across conversations too. */
    TENANT
  }

  public DetectionCacheConfig {
    Objects.requireNonNull(expireAfterWrite, "expireAfterWrite");
    Objects.requireNonNull(sharing, "sharing");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("detection.cache.maxEntries must be >= 1");
    }
    if (maxWeightBytes < 1024) {
      throw new IllegalArgumentException("detection.cache.maxWeightBytes must be >= 1024");
    }
    if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
      throw new IllegalArgumentException("detection.cache.expireSeconds must be >= 1");
    }
    if (minChars < 0) {
      throw new IllegalArgumentException("detection.cache.minChars must be >= 0");
    }
  }

  /** Shared per conversation scope. */
  public DetectionCacheConfig(boolean enabled, long maxEntries, long maxWeightBytes, Duration expireAfterWrite,
      int minChars) {
    this(enabled, maxEntries, maxWeightBytes, expireAfterWrite, minChars, Sharing.CONVERSATION);
  }

  /** On: 20 000 texts, 32 MiB, 10 minutes, texts of 64 characters and more, shared per conversation. */
  public static DetectionCacheConfig defaults() {
    return new DetectionCacheConfig(true, 20_000, 32L << 20, Duration.ofMinutes(10), 64, Sharing.CONVERSATION);
  }

  /** These settings, shared as {@code s} says. */
  public DetectionCacheConfig withSharing(Sharing s) {
    return new DetectionCacheConfig(enabled, maxEntries, maxWeightBytes, expireAfterWrite, minChars, s);
  }

  /** Off: detection runs on every text of every request. */
  public static DetectionCacheConfig off() {
    DetectionCacheConfig d = defaults();
    return new DetectionCacheConfig(false, d.maxEntries, d.maxWeightBytes, d.expireAfterWrite, d.minChars, d.sharing);
  }
}
