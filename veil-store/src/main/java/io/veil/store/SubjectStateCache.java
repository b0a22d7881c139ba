package io.veil.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A short-lived, per-process cache of one kind of per-subject state read on every request (consent
 * decisions, privacy settings), keyed by the subject's pseudonym.
 *
 * <p>Staleness bound: within this process, none. Every write through the owning store calls
 * {@link #written(String)} after its commit, and every erasure in this process
 * ({@link SubjectKeys#erasures()}) makes all entries read before it stale, so a withdrawal, a settings
 * change or an erasure made on this instance governs the very next request. A write by
 * <em>another</em> instance sharing the database is seen here after at most {@code ttl} (entries
 * expire that long after they were read).
 *
 * <p>Race with a concurrent write: a reader notes the write counter before its query and, after
 * storing what it read, checks the counter again and drops its entry if a write (or erasure) happened
 * meanwhile; the writer bumps the counter and then invalidates. Either way no value read before a
 * write's commit stays cached after the write returned.
 *
 * <p>Thread safety: thread-safe. Memory: at most {@code maxSubjects} entries.
 *
 * <p><b>Security:</b> holds the same state the database holds (decisions, settings: no personal data
 * beyond the pseudonym key), in memory for at most {@code ttl}.
 */
final class SubjectStateCache<V> {
  private final Cache<String, V> cache;
  private final SubjectKeys keys;
  private final AtomicLong writes = new AtomicLong();

  SubjectStateCache(SubjectKeys keys, Duration ttl, long maxSubjects) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxSubjects).build();
  }

  /** The cached state of {@code ref}, or what {@code read} returns (then cached unless a write intervened). */
  V get(String ref, Supplier<V> read) {
    checkErasures();
    V cached = cache.getIfPresent(ref);
    if (cached != null) {
      return cached;
    }
    long before = generation();
    V fresh = read.get();
    cache.put(ref, fresh);
    if (generation() != before) {
      cache.invalidate(ref); // a write or erasure committed while we read: do not keep what we saw
    }
    return fresh;
  }

  /** After a write of {@code ref}'s state has committed (call it also when the write failed). */
  void written(String ref) {
    writes.incrementAndGet();
    cache.invalidate(ref);
  }

  private long generation() {
    return writes.get() + keys.erasures();
  }

  /**
   * Drops every entry read before the last erasure of this process. Called before each lookup; an
   * erasure is rare, so this costs one comparison per lookup.
   */
  private void checkErasures() {
    long e = keys.erasures();
    if (e != seenErasures) {
      synchronized (this) {
        if (e != seenErasures) {
          cache.invalidateAll();
          seenErasures = e;
        }
      }
    }
  }

  private volatile long seenErasures;
}
