package io.veil.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file database from growing without bound.
 *
 * <p>Why it exists: Veil opens H2 with {@code WRITE_DELAY=0} so that a commit is in the file before it
 * returns (a killed process must not lose vault tokens or audit records a client was already given).
 * With that setting H2 runs no background writer thread, and that thread is also what rewrites old,
 * mostly empty chunks of the MVStore file. Without it, chunks that still hold a small live page are
 * never freed, and the file and H2's chunk table on the heap grow with every request (a soak measured
 * ~80 chunks and ~1.5 MB of file per second at 4 clients). This task does the background writer's
 * compaction instead, without giving up synchronous commits:
 * <ul>
 *   <li>every period, {@link MVStore#compact(int, int)} rewrites the live pages of the chunks with the least live
 *       data for their age into a new chunk, when less than {@value #TARGET_FILL_RATE}% of the chunks' data is live
 *       (under H2's store lock); H2 frees the emptied chunks on a later commit once they are older than its
 *       retention time, and reuses their space. How much a run may rewrite ({@link #writeLimit}): one
 *       {@value #REWRITE_SHARE_DIVISOR}th of the bytes H2 wrote to the file since the previous run, at least
 *       {@value #WRITE_LIMIT_BYTES} and at most {@value #MAX_WRITE_LIMIT_BYTES} bytes. <b>Why a share of the
 *       writes:</b> every commit turns older pages into garbage, about as many bytes as it writes; a run that
 *       rewrites a share {@code s} of what was written frees, in steady state, chunks whose live part {@code f}
 *       satisfies {@code f / (1 - f) = s / (1 - s)} (the rewriting itself counts as written), so the chosen chunks
 *       settle near {@code f = s}, and the file at a bounded multiple of its live data whatever the write rate,
 *       for about a seventh more bytes written. Measured in 15-minute soaks at ~180-220 distinct requests/s
 *       (docs/notes/h2flat.md): the fixed 1 MB budget before this one ended at 34,300 chunks and a file 5.2x its
 *       live data (61 KB of file per request, rising); this budget at ~13,600 chunks (level from the 8th minute)
 *       and 3.05x (36 KB per request, level), at ~1.1x the CPU per request (1.06 and 1.16 side by side); a budget of all the bytes
 *       written held fewer chunks but cost 1.7x CPU per request, as it also rewrote young chunks that commits
 *       would soon have emptied (docs/notes/h2soak.md);</li>
 *   <li>every {@value #FILE_COMPACT_EVERY} runs, when the file has reached {@value #FILE_COMPACT_MIN_MB} MB
 *       and either less than {@value #FILE_FILL_RATE}% of its chunks' data is live (chunks H2 does not free
 *       count as used space, so the file looks full) or less than {@value #FILE_FILL_RATE}% of the file is in
 *       use (freed space that new chunks do not fit into): {@link MVStore#compactFile(int)}, which
 *       frees what the first step cannot under gateway load and shrinks the file, for about
 *       {@value #FILE_COMPACT_MILLIS} ms. Measured: the first step alone still let the chunk count grow
 *       (1,300 to 6,200 in two minutes at 4 clients); with both (then every 30 s, without the size
 *       floor), a 7-minute soak stayed at 14–67 chunks and a file of 2–20 MB, but cost throughput in an
 *       A/B (0.56–0.97× in three 30-s rounds), hence the floor: a quiet gateway never pays it, a busy one
 *       about once a minute. Gated on the chunks' live share alone, a 22-minute soak at 4 clients held
 *       557–2,713 chunks and a flat heap, but the file grew to 293 MB (fragmented free space); gated on the
 *       file's fill rate alone, the chunks grew (16k in 4 minutes): hence either.</li>
 * </ul>
 *
 * <p><b>Limit:</b> compaction bounds the file's <i>overhead</i>, not its size. Every new conversation stores
 * 9-12 KB of live data (vault rows, their indexes, a subject key, token marks, an audit record; measured with
 * {@code scripts/perf/H2WriteProfile.java} and {@code H2FileCensus.java}), kept for the vault retention period (24 h by default): at a sustained
 * rate of new conversations the file grows with that live data, on H2 and on PostgreSQL alike, until the
 * retention purge deletes as much as arrives (docs/notes/h2flat.md).
 *
 * <p>It uses H2's engine API ({@code JdbcConnection → SessionLocal → Store → MVStore}), public in the
 * pinned H2 version; {@code H2FileCompactorIT} fails if an upgrade changes what it relies on.
 *
 * <p>Thread safety: one daemon thread runs the task; {@link #close()} stops it. Failure: a run that
 * fails (database closed after an I/O error, pool exhausted) is counted and retried at the next period;
 * it never affects a request. Nothing it logs contains data.
 */
final class H2FileCompactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(H2FileCompactor.class);
  static final int TARGET_FILL_RATE = 90;
  static final int WRITE_LIMIT_BYTES = 1 << 20;
  static final int MAX_WRITE_LIMIT_BYTES = 16 << 20;
  static final int REWRITE_SHARE_DIVISOR = 8;
  static final int FILE_COMPACT_EVERY = 60;
  static final int FILE_COMPACT_MIN_MB = 64;
  static final int FILE_FILL_RATE = 50;
  static final int FILE_COMPACT_MILLIS = 100;

  private final DataSource dataSource;
  private final ScheduledExecutorService timer;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /** H2's count of bytes written to the file at the previous run; runs never overlap (one timer thread). */
  private long writtenBefore = -1;

  private H2FileCompactor(DataSource dataSource, Duration period) {
    this.dataSource = dataSource;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-h2-compactor");
      t.setDaemon(true);
      return t;
    });
    long ms = period.toMillis();
    timer.scheduleWithFixedDelay(this::runSafely, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Starts compacting the H2 file behind {@code dataSource} every {@code period}. */
  static H2FileCompactor start(DataSource dataSource, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive");
    }
    return new H2FileCompactor(dataSource, period);
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (SQLException | RuntimeException e) {
      if (failures.incrementAndGet() % 60 == 1) {
        LOG.warn("H2 file compaction failed ({} so far): {}", failures.get(), e.getClass().getSimpleName());
      }
    }
  }

  /** One compaction run (also called by tests). */
  void runOnce() throws SQLException {
    long n = runs.incrementAndGet();
    try (Connection c = dataSource.getConnection()) {
      MVStore store = mvStore(c);
      if (store == null || store.isClosed()) {
        return;
      }
      var file = store.getFileStore();
      long written = bytesWritten(file);
      store.compact(TARGET_FILL_RATE, writeLimit(writtenBefore < 0 ? 0 : written - writtenBefore));
      writtenBefore = written;
      if (n % FILE_COMPACT_EVERY == 0 && file != null && file.size() >= (long) FILE_COMPACT_MIN_MB << 20
          && (file.getChunksFillRate() < FILE_FILL_RATE || file.getFillRate() < FILE_FILL_RATE)) {
        store.compactFile(FILE_COMPACT_MILLIS);
      }
    }
  }

  /**
   * How many bytes of live pages one run may rewrite, given the bytes H2 wrote since the previous run: one
   * {@value #REWRITE_SHARE_DIVISOR}th of them, at least {@value #WRITE_LIMIT_BYTES}, at most
   * {@value #MAX_WRITE_LIMIT_BYTES}.
   */
  static int writeLimit(long writtenSinceLastRun) {
    long share = Math.max(0, writtenSinceLastRun) / REWRITE_SHARE_DIVISOR;
    return (int) Math.clamp(share, WRITE_LIMIT_BYTES, MAX_WRITE_LIMIT_BYTES);
  }

  /** The bytes H2 has written to the file since it was opened ({@code info.FILE_WRITE_BYTES}), 0 without a file. */
  private static long bytesWritten(org.h2.mvstore.FileStore<?> file) {
    if (file == null) {
      return 0;
    }
    long[] bytes = {0};
    file.populateInfo((key, value) -> {
      if (key.equals("info.FILE_WRITE_BYTES")) {
        bytes[0] = Long.parseLong(value);
      }
    });
    return bytes[0];
  }

  /** The MVStore behind an H2 embedded connection, or null for any other connection. */
  static MVStore mvStore(Connection c) throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)) {
      return null;
    }
    if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
      return null; // a server (tcp) connection: compaction is that server's business
    }
    var store = session.getDatabase().getStore();
    return store == null ? null : store.getMvStore();
  }

  /** How many runs failed since start. */
  long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
