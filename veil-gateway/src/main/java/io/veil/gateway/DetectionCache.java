package io.veil.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.veil.core.Analyzer;
import io.veil.core.Finding;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Detection results kept between requests, so a text the gateway sees again (an app's system prompt on
 * every request, a conversation's history resent on every turn) is analysed once, not once per request.
 *
 * <p>Key: HMAC-SHA256, under a random key drawn when the cache is built and never written anywhere, of
 * everything a result depends on: which analyzer (an id per {@link #detector(Analyzer)} view; an
 * {@link Analyzer} is immutable, so its identity stands for its recognizers, NER engine, thresholds,
 * enabled types and allow/deny lists), the tenant, the language hint and the exact UTF-16 characters of
 * the text (length-prefixed, lone surrogates included), and the conversation scope unless the cache is
 * shared per tenant. Value: the findings the analyzer returned
 * (offsets, types, scores, recognizer names), an immutable list. <b>No text is held</b>: neither the
 * analysed text nor any value in it, nor the tenant.
 *
 * <p>Bounds: at most {@link DetectionCacheConfig#maxEntries()} entries and about
 * {@link DetectionCacheConfig#maxWeightBytes()} bytes (each entry weighs its estimated heap size, but no
 * less than {@code maxWeightBytes / maxEntries}, so the weight bound also bounds the count); an entry
 * expires {@link DetectionCacheConfig#expireAfterWrite()} after it was computed. Texts shorter than
 * {@link DetectionCacheConfig#minChars()} are analysed every time.
 *
 * <p>Thread safety: thread-safe. Two requests that miss on the same text at once both analyse it (no
 * lock is held while detection runs); both get the same findings.
 *
 * <p>Failure: a detection failure propagates ({@link io.veil.core.DetectionException}) and nothing is
 * cached, so the caller fails closed as without the cache.
 *
 * <p><b>Security:</b> the tenant and, by default, the conversation scope are part of the key, so whether a
 * text is cached (answer time) tells a caller nothing about other tenants' or other conversations' texts;
 * with {@link DetectionCacheConfig.Sharing#TENANT} a tenant's callers can tell that the same exact text
 * was sent in the last {@code expireAfterWrite} (see docs/notes/cache.md). A heap dump yields the HMAC key with
 * the entries, so whoever has one can confirm a guessed text and learn where in it, and of which types,
 * personal data was found, but reads no value. The analyzer is deterministic, so a hit returns exactly
 * what detection would: the cache cannot change what is forwarded.
 *
 * <p>Erasure: {@link #linkSubject} notes which conversation scopes an identified end user's requests used
 * (as pairs of 64-bit keyed hashes of the subject's pseudonym and of the scope, no ids), and
 * {@link #dropSubject} drops at once every entry of those scopes when the user is erased, instead of
 * letting them expire. With {@link DetectionCacheConfig.Sharing#TENANT tenant sharing} an entry belongs to
 * the tenant as a whole, so an erasure drops the tenant's entries. The links are bounded like the entries
 * and expire as they do (about 120 bytes each, outside the weight bound: at most {@code maxEntries} of
 * them); if one was evicted for size within the expiry, an erasure drops every entry. A request of the
 * user still in flight when the erasure runs may cache its texts' findings afterwards; they expire.
 */
final class DetectionCache {
  /** Estimated heap bytes of one entry without findings: key record, Caffeine node, entry record, list. */
  static final int ENTRY_BYTES = 184;
  /** Estimated heap bytes per finding: the record and its slot in the list. */
  static final int FINDING_BYTES = 48;

  private record Key(long h0, long h1, long h2, long h3) {}

  /** A cached result and the partition (tenant and conversation scope, hashed) it was computed in. */
  private record Entry(List<Finding> findings, long scope) {}

  /** An identified end user (its pseudonym, hashed) sent a request in this partition. */
  private record Link(long subject, long scope) {}

  private final DetectionCacheConfig config;
  private final Ticker ticker;
  private final Cache<Key, Entry> cache;
  private final Cache<Link, Boolean> links;
  /** When a link was last evicted for size (ticker nanos); erasures within the expiry after it drop all. */
  private volatile long linkLostAt;
  private volatile boolean linkLost;
  private final Mac prototype;
  private final AtomicLong analyzerIds = new AtomicLong();
  private final AtomicLong bypassed = new AtomicLong();

  private DetectionCache(DetectionCacheConfig config, Ticker ticker, Executor executor) {
    this.config = Objects.requireNonNull(config, "config");
    this.ticker = ticker;
    if (!config.enabled()) {
      this.cache = null;
      this.links = null;
      this.prototype = null;
      return;
    }
    long floor = Math.ceilDiv(config.maxWeightBytes(), config.maxEntries());
    this.cache = Caffeine.newBuilder()
        .maximumWeight(config.maxWeightBytes())
        .weigher((Key k, Entry v) -> (int) Math.min(Integer.MAX_VALUE,
            Math.max(floor, ENTRY_BYTES + (long) FINDING_BYTES * v.findings().size())))
        .expireAfterWrite(config.expireAfterWrite())
        .ticker(ticker)
        .executor(executor)
        .recordStats()
        .build();
    this.links = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.expireAfterWrite())
        .ticker(ticker)
        .executor(executor)
        .evictionListener((Link k, Boolean v, RemovalCause cause) -> {
          if (cause == RemovalCause.SIZE) {
            linkLostAt = ticker.read();
            linkLost = true;
          }
        })
        .build();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      this.prototype = mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /** A cache with these settings (when disabled, it only counts what it lets through). */
  static DetectionCache create(DetectionCacheConfig config) {
    return new DetectionCache(config, Ticker.systemTicker(), ForkJoinPool.commonPool());
  }

  /** For tests: a given clock, and maintenance (eviction) on the calling thread. */
  static DetectionCache create(DetectionCacheConfig config, Ticker ticker) {
    return new DetectionCache(config, ticker, Runnable::run);
  }

  DetectionCacheConfig config() {
    return config;
  }

  /**
   * Detection through this cache with {@code analyzer}. Each call returns a view with its own analyzer
   * id: two views never share entries.
   */
  Detector detector(Analyzer analyzer) {
    Objects.requireNonNull(analyzer, "analyzer");
    return new Detector(analyzer, analyzerIds.incrementAndGet());
  }

  /** Detection with one analyzer, through the cache. Thread-safe. */
  final class Detector {
    private final Analyzer analyzer;
    private final long analyzerId;

    private Detector(Analyzer analyzer, long analyzerId) {
      this.analyzer = analyzer;
      this.analyzerId = analyzerId;
    }

    /** As {@link #findings(String, String, String, String)} with no conversation: shared by the tenant. */
    List<Finding> findings(String tenant, String language, String text) {
      return findings(tenant, null, language, text);
    }

    /**
     * What {@code analyzer.analyze(text, language)} returns (an immutable list), from the cache when the
     * same text was analysed with the same language hint within the expiry for the same tenant and, unless
     * the cache is shared per {@linkplain DetectionCacheConfig.Sharing#TENANT tenant}, the same
     * conversation scope.
     *
     * @param conversation the conversation scope, or null for an entry of the tenant as a whole
     * @throws io.veil.core.DetectionException if detection fails (nothing is cached then)
     */
    List<Finding> findings(String tenant, String conversation, String language, String text) {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(text, "text");
      if (cache == null || text.length() < config.minChars()) {
        bypassed.incrementAndGet();
        return analyzer.analyze(text, language);
      }
      String partition = partition(conversation);
      Key key = key(analyzerId, tenant, partition, language, text);
      Entry found = cache.getIfPresent(key);
      if (found == null) {
        found = new Entry(List.copyOf(analyzer.analyze(text, language)), scope(tenant, partition));
        cache.put(key, found);
      }
      return found.findings();
    }
  }

  /**
   * Notes that an identified end user sent a request in this conversation scope, so that erasing the user
   * drops the scope's entries ({@link #dropSubject}). Call once per request; no-op when the cache is off.
   *
   * @param subjectRef the user's pseudonym ({@link io.veil.store.Pseudonym#hex()}), a keyed hash already
   */
  void linkSubject(String subjectRef, String tenant, String conversation) {
    Objects.requireNonNull(subjectRef, "subjectRef");
    Objects.requireNonNull(tenant, "tenant");
    if (cache == null) {
      return;
    }
    links.put(new Link(subject(subjectRef), scope(tenant, partition(conversation))), Boolean.TRUE);
  }

  /**
   * Drops every entry of the conversation scopes the end user used within the expiry (all entries, when a
   * link may have been lost to the size bound); for an erasure of that user.
   *
   * @param subjectRef the erased user's pseudonym ({@link io.veil.store.Pseudonym#hex()})
   * @return how many entries were dropped
   */
  long dropSubject(String subjectRef) {
    Objects.requireNonNull(subjectRef, "subjectRef");
    if (cache == null) {
      return 0;
    }
    long before = cache.estimatedSize();
    if (linkLost && ticker.read() - linkLostAt < config.expireAfterWrite().toNanos()) {
      cache.invalidateAll();
      links.invalidateAll();
      return before;
    }
    long subject = subject(subjectRef);
    java.util.Set<Long> scopes = new java.util.HashSet<>();
    for (java.util.Iterator<Link> it = links.asMap().keySet().iterator(); it.hasNext(); ) {
      Link l = it.next();
      if (l.subject() == subject) {
        scopes.add(l.scope());
        it.remove();
      }
    }
    long dropped = 0;
    for (java.util.Iterator<Entry> it = cache.asMap().values().iterator(); !scopes.isEmpty() && it.hasNext(); ) {
      if (scopes.contains(it.next().scope())) {
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  private String partition(String conversation) {
    return config.sharing() == DetectionCacheConfig.Sharing.TENANT ? null : conversation;
  }

  /** 64 bits of the keyed hash of a partition: a tag to find its entries by, not a lookup key. */
  private long scope(String tenant, String partition) {
    Mac mac = mac();
    byte[] buf = new byte[1024];
    buf[0] = 's';
    mac.update(buf, 0, 1);
    update(mac, buf, tenant);
    update(mac, buf, partition);
    return longAt(mac.doFinal(), 0);
  }

  private long subject(String subjectRef) {
    Mac mac = mac();
    byte[] buf = new byte[1024];
    buf[0] = 'u';
    mac.update(buf, 0, 1);
    update(mac, buf, subjectRef);
    return longAt(mac.doFinal(), 0);
  }

  private Mac mac() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
    }
  }

  private Key key(long analyzerId, String tenant, String conversation, String language, String text) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
    }
    byte[] buf = new byte[1024];
    long id = analyzerId;
    for (int i = 0; i < 8; i++) {
      buf[i] = (byte) (id >>> (56 - 8 * i));
    }
    mac.update(buf, 0, 8);
    update(mac, buf, tenant);
    update(mac, buf, conversation);
    update(mac, buf, language);
    update(mac, buf, text);
    byte[] d = mac.doFinal();
    return new Key(longAt(d, 0), longAt(d, 8), longAt(d, 16), longAt(d, 24));
  }

  /** The string's length (-1 for null), then its UTF-16 code units as they are (no charset, no replacement). */
  private static void update(Mac mac, byte[] buf, String s) {
    int n = s == null ? -1 : s.length();
    buf[0] = (byte) (n >>> 24);
    buf[1] = (byte) (n >>> 16);
    buf[2] = (byte) (n >>> 8);
    buf[3] = (byte) n;
    mac.update(buf, 0, 4);
    int fill = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buf[fill++] = (byte) (c >>> 8);
      buf[fill++] = (byte) c;
      if (fill == buf.length) {
        mac.update(buf, 0, fill);
        fill = 0;
      }
    }
    if (fill > 0) {
      mac.update(buf, 0, fill);
    }
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  /** Hits, misses and evictions so far (all zero when disabled). */
  CacheStats stats() {
    return cache == null ? CacheStats.empty() : cache.stats();
  }

  /** Texts analysed without the cache: shorter than {@code minChars}, or the cache is off. */
  long bypassed() {
    return bypassed.get();
  }

  /** Entries held now (approximate, as Caffeine counts them). */
  long entries() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  /** The summed weight of the entries held now (estimated bytes). */
  long weightBytes() {
    return cache == null ? 0 : cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /** Runs pending maintenance (evictions, expiries) now; for tests and metrics. */
  void cleanUp() {
    if (cache != null) {
      cache.cleanUp();
      links.cleanUp();
    }
  }

  /** Drops every entry (for example after a configuration change). */
  void clear() {
    if (cache != null) {
      cache.invalidateAll();
      links.invalidateAll();
    }
  }

  @Override
  public String toString() {
    return "DetectionCache[enabled=" + config.enabled() + ", entries=" + entries() + "]";
  }
}
