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
 * <p>Staleness bound within this process: none. Every write through the owning store calls
 * {@link #written(String)} after its commit, and every erasure in this process
 * ({@link SubjectKeys#erasures()}) makes all entries read before it stale, so a withdrawal, a settings
 * change or an erasure made on this instance governs the very next request.
 *
 * <p>Writes by <em>other</em> processes sharing the database (PostgreSQL) arrive through the
 * database's {@link SubjectChangeFeed}: the subject's entry is dropped as soon as the notification of
 * the committed write is received (milliseconds). While the feed is not {@linkplain
 * SubjectChangeFeed#trusted() trusted} (listener down or silent), this cache serves nothing, keeps
 * nothing and empties itself: every lookup reads the database. The {@code ttl} stays as a last bound.
 *
 * <p>Race with a concurrent write: a reader notes the write counter before its query and, after
 * storing what it read, checks the counter (and the feed's trust) again and drops its entry if a write,
 * a notification, a reset or an erasure happened meanwhile; the writer bumps the counter and then
 * invalidates. Either way no value read before a write's commit stays cached after the write returned
 * (this process) or its notification was received (other processes).
 *
 * <p>Thread safety: thread-safe. Memory: at most {@code maxSubjects} entries.
 *
 * <p><b>Security:</b> holds the same state the database holds (decisions, settings: no personal data
 * beyond the pseudonym key), in memory for at most {@code ttl}.
 */
final class SubjectStateCache<V> implements SubjectChangeFeed.Subscriber {
  private final Cache<String, V> cache;
  private final SubjectKeys keys;
  private final SubjectChangeFeed feed;
  private final AtomicLong writes = new AtomicLong();
  private volatile long seenErasures;

  SubjectStateCache(SubjectKeys keys, SubjectChangeFeed feed, Duration ttl, long maxSubjects) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxSubjects).build();
    feed.subscribe(this);
  }

  /** The cached state of {@code ref}, or what {@code read} returns (then cached unless a write intervened). */
  V get(String ref, Supplier<V> read) {
    checkErasures();
    if (!feed.trusted()) {
      if (cache.estimatedSize() > 0) {
        cache.invalidateAll(); // held from before the feed went quiet: may have missed a change
      }
      return read.get();
    }
    V cached = cache.getIfPresent(ref);
    if (cached != null) {
      return cached;
    }
    long before = generation();
    V fresh = read.get();
    cache.put(ref, fresh);
    if (generation() != before || !feed.trusted()) {
      cache.invalidate(ref); // a write, notification or erasure came while we read: do not keep what we saw
    }
    return fresh;
  }

  /** After a write of {@code ref}'s state has committed (call it also when the write failed). */
  void written(String ref) {
    writes.incrementAndGet();
    cache.invalidate(ref);
  }

  /** A change of {@code ref} committed by some process (the feed's listener thread). */
  @Override
  public void changed(SubjectChangeFeed.Kind kind, String ref) {
    if (kind == SubjectChangeFeed.Kind.CLIENT_KEYS) {
      return; // a gateway client key, not a subject's state
    }
    written(ref);
  }

  /** The feed may have missed changes: forget everything. */
  @Override
  public void reset() {
    writes.incrementAndGet();
    cache.invalidateAll();
  }

  /** Entries currently held (tests). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
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
}
