package io.veil.store;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per-key request rate limits kept in the shared PostgreSQL database, so that every gateway instance
 * on it draws from one token bucket per client key: with N instances a key still gets its own rate,
 * not N times it. Bucket4j's PostgreSQL proxy manager does the work: the bucket's state is one row of
 * {@code veil_rate_buckets}, read with {@code SELECT … FOR UPDATE}, updated and committed per
 * decision (one short transaction, three statements, on a pooled connection).
 *
 * <p>Cost: one database transaction per rate-limited request. Requests of one key arriving at one
 * instance while such a transaction runs are combined into the next one (Bucket4j's
 * {@linkplain Optimizations#batching() batching}, which keeps the limit exact), so a busy key costs
 * at most one transaction in flight per instance. Keys without a rate limit never get here.
 *
 * <p>Buckets: capacity {@code ratePerMinute}, refilled greedily at {@code ratePerMinute} per minute
 * (the same as the in-process buckets of the gateway), one per key id and rate (a changed rate starts a
 * full bucket). A bucket's row expires when the bucket would be full again; expired rows are deleted
 * by a sweep at most once a minute, run on a virtual thread so no request waits for it. Times come
 * from each instance's clock; clocks apart by more than a few seconds shift refills by as much.
 *
 * <p>Only for PostgreSQL ({@link #open} refuses H2: one process, buckets in memory are exact there).
 *
 * <p>Thread safety: safe for concurrent use. Holds no resources of its own (the database's pool).
 *
 * <p>Failure: fails closed. An unreachable database surfaces as {@link StoreUnavailableException},
 * any other failure as {@link StoreException}; the caller refuses the request.
 *
 * <p><b>Security:</b> a bucket's id is the client key's public id and rate, never its secret; the row
 * holds counters and times only. Messages name neither.
 */
public final class SharedRateLimits {
  /** How a decision came out: allowed, or refused with the wait until one more request is allowed. */
  public record Decision(boolean allowed, long nanosToWait) {}

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
  private static final int SWEEP_BATCH = 1_000;

  private final Database db;
  private final PostgreSQLSelectForUpdateBasedProxyManager<String> manager;
  private final ConcurrentMap<String, Proxies> buckets = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  private SharedRateLimits(Database db, PostgreSQLSelectForUpdateBasedProxyManager<String> manager) {
    this.db = db;
    this.manager = manager;
  }

  /**
   * The shared buckets of {@code db}.
   *
   * @throws IllegalArgumentException if {@code db} is not PostgreSQL
   */
  public static SharedRateLimits open(Database db) {
    Objects.requireNonNull(db, "db");
    if (!db.isPostgres()) {
      throw new IllegalArgumentException("shared rate limits need PostgreSQL (an H2 database has one process)");
    }
    PostgreSQLSelectForUpdateBasedProxyManager<String> manager = Bucket4jPostgreSQL
        .selectForUpdateBasedBuilder(db.dataSource())
        .primaryKeyMapper(PrimaryKeyMapper.STRING)
        .table("veil_rate_buckets")
        .idColumn("id")
        .stateColumn("state")
        .expiresAtColumn("expires_at")
        // a row may go once its bucket is full again (plus a margin): a full bucket is the same as none
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
        .build();
    return new SharedRateLimits(db, manager);
  }

  /**
   * Takes one request from the bucket of {@code keyId} at {@code ratePerMinute}.
   *
   * @throws StoreUnavailableException if the database cannot be reached (nothing was decided)
   * @throws StoreException on any other failure
   */
  public Decision tryConsume(String keyId, int ratePerMinute) {
    Objects.requireNonNull(keyId, "keyId");
    if (ratePerMinute <= 0) {
      throw new IllegalArgumentException("ratePerMinute must be positive");
    }
    String id = keyId + "/" + ratePerMinute;
    Proxies bucket = buckets.computeIfAbsent(id, k -> {
      Supplier<BucketConfiguration> config = () -> BucketConfiguration.builder()
          .addLimit(limit -> limit.capacity(ratePerMinute).refillGreedy(ratePerMinute, Duration.ofMinutes(1)))
          .build();
      return new Proxies(manager.builder().withOptimization(Optimizations.batching()).build(k, config),
          manager.builder().build(k, config));
    });
    ConsumptionProbe probe;
    try {
      probe = consume(bucket);
    } catch (RuntimeException e) {
      throw failure(e);
    }
    sweepNowAndThen();
    return new Decision(probe.isConsumed(), probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
  }

  /**
   * One token through the batching proxy. Bucket4j's batching does not create a bucket that does not exist
   * (yet, or any more after the sweep): a batch of concurrent first requests fails as a whole with
   * {@link BucketNotFoundException}, having consumed nothing. Such a request is then made once through the
   * plain proxy, which creates the bucket from its configuration.
   */
  private static ConsumptionProbe consume(Proxies bucket) {
    try {
      return bucket.batched().tryConsumeAndReturnRemaining(1);
    } catch (RuntimeException e) {
      if (!bucketNotFound(e)) {
        throw e;
      }
      return bucket.plain().tryConsumeAndReturnRemaining(1);
    }
  }

  private static boolean bucketNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BucketNotFoundException) {
        return true;
      }
    }
    return false;
  }

  /** The two proxies of one bucket: batching for the steady state, plain for a bucket still to be created. */
  private record Proxies(BucketProxy batched, BucketProxy plain) {}

  /** Deletes up to one batch of expired bucket rows (the periodic sweep, callable directly); returns how many. */
  public int removeExpired() {
    try {
      return manager.removeExpired(SWEEP_BATCH);
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  private void sweepNowAndThen() {
    long last = lastSweep.get();
    long now = System.nanoTime();
    if (now - last >= SWEEP_EVERY.toNanos() && lastSweep.compareAndSet(last, now)) {
      Thread.ofVirtual().name("veil-rate-bucket-sweep").start(() -> {
        try {
          removeExpired();
        } catch (StoreException e) {
          // the next sweep tries again; expired rows are only dead weight meanwhile
        }
      });
    }
  }

  /**
   * The store's exception for a failure inside Bucket4j. Its JDBC code wraps what the driver threw, and
   * a connection whose server process was just terminated can fail with an error that does not say
   * so; a failure that does not name a lost connection is therefore followed by a {@link Database#ping}
   * (which also drops dead pooled connections): an unreachable database is always reported as such.
   */
  private StoreException failure(RuntimeException e) {
    StoreException out = null;
    for (Throwable t = e; t != null && out == null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        out = Database.translate("rate limit", s);
      }
    }
    if (out == null) {
      out = new StoreException("rate limit bucket failed (" + e.getClass().getSimpleName() + ")", e);
    }
    if (!(out instanceof StoreUnavailableException)) {
      try {
        db.ping();
      } catch (StoreUnavailableException down) {
        down.addSuppressed(out);
        return down;
      } catch (StoreException other) {
        out.addSuppressed(other);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "SharedRateLimits[" + buckets.size() + " buckets known]";
  }
}
