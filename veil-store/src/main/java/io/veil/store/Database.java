package io.veil.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.veil.core.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connection pool and schema: opens a HikariCP pool for an H2 or PostgreSQL URL, brings
 * the schema up to date with Flyway, and hands connections to the store classes of this package.
 *
 * <p>Several processes may open the same PostgreSQL database at once; every store class is written
 * for that (unique constraints with retry, row locks on the audit chain head). An H2 file database
 * belongs to one process.
 *
 * <p>On PostgreSQL each open database also runs a change listener ({@code LISTEN}, one connection of
 * its own outside the pool, see {@link #changeFeedStatus()}): consent, privacy-settings and erasure
 * changes committed by any process reach every other process's caches at once, and while the
 * listener is down those caches read through instead of serving what they hold.
 *
 * <p>Thread safety: safe for concurrent use. Close once, when the application stops.
 *
 * <p>Failure: an unreachable database surfaces as {@link StoreUnavailableException}, any other SQL
 * failure as {@link StoreException}. <b>Security:</b> neither names the URL's credentials nor data.
 *
 * <p>Failing fast: once a call has found the database unreachable (a closed H2 file after an I/O error such as
 * a full disk, a PostgreSQL server gone), later calls wait at most {@link #UNREACHABLE_WAIT} for a connection
 * instead of the pool's connect timeout, until one succeeds again: a request makes several store calls, and
 * each waiting out the connect timeout (10 s) made a request that must fail closed take longer than clients
 * wait (docs/notes/qa7.md). Recovery is unchanged: every call still asks the pool, which keeps trying to
 * connect.
 *
 * <p>A silent database: on PostgreSQL no read of a pooled connection waits longer than {@link #SILENCE_LIMIT} for the
 * server (the driver's {@code socketTimeout}; a {@code socketTimeout} in the URL wins). A server whose host stopped, or
 * a network that drops packets (a partition, a failover whose old address answers nothing), sends no error and no
 * reset; without the limit a statement on the wire then waited as long as the silence lasted (with TCP keep-alive
 * off, for ever), and every request whose vault insert queued behind it in the group commit with it (qa12). Now
 * the statement fails as a lost connection ({@link StoreUnavailableException}: the gateway answers 503). Schema
 * migrations, the retention run's bulk deletes and scans, audit verification and export and subject export may
 * legitimately run longer, so they are not limited (see {@link #allowLongStatements}).
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private final HikariDataSource pool;
  private final boolean postgres;
  private final Clock clock;
  private final H2FileCompactor compactor;
  private final SubjectChangeFeed changes;
  /**
   * In this process, inserts of vault rows (shared) against the deletion of vault scopes (exclusive), so that a
   * purge never deletes a scope a concurrent insert is storing its first rows into ({@link VaultScopes}). On H2 (one
   * process, no foreign keys to the scopes) this is the only guard; on PostgreSQL the foreign keys also cover other
   * instances.
   */
  final ReentrantReadWriteLock vaultScopeUse = new ReentrantReadWriteLock();
  /** Set when a call found the database unreachable, cleared by the next call that succeeds. */
  private volatile boolean unreachable;
  /** How long a call waits for a connection while the database is {@link #unreachable}. */
  static final java.time.Duration UNREACHABLE_WAIT = java.time.Duration.ofMillis(500);
  /**
   * The longest a pooled PostgreSQL connection waits for the server's next bytes before the statement fails as a
   * lost connection. Far above any request statement (lock waits on the audit head included), and below what
   * clients wait for an answer.
   */
  static final java.time.Duration SILENCE_LIMIT = java.time.Duration.ofSeconds(15);

  private Database(HikariDataSource pool, boolean postgres, Clock clock, H2FileCompactor compactor,
      SubjectChangeFeed changes) {
    this.pool = pool;
    this.postgres = postgres;
    this.clock = clock;
    this.compactor = compactor;
    this.changes = changes;
  }

  /**
   * Opens the pool and migrates the schema.
   *
   * @throws StoreUnavailableException if the database cannot be reached within the connect timeout
   * @throws StoreException if the schema cannot be migrated
   */
  public static Database open(DatabaseConfig config) {
    Objects.requireNonNull(config, "config");
    Path h2File = config.h2FileBase();
    if (h2File != null) {
      // H2 creates its files (and missing directories) with the umask: the directory is created owner-only here
      OwnerOnlyFiles.createDirectories(h2File.getParent());
      warnIfOpen(h2File.getParent());
      createOwnerOnly(h2File.resolveSibling(h2File.getFileName() + ".mv.db"));
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(withoutTraceFile(config.jdbcUrl()));
    if (config.user() != null) {
      hc.setUsername(config.user());
    }
    if (config.password() != null) {
      hc.setPassword(config.password());
    }
    hc.setMaximumPoolSize(config.maxPoolSize());
    hc.setMinimumIdle(Math.min(2, config.maxPoolSize()));
    hc.setConnectionTimeout(config.connectTimeout().toMillis());
    hc.setInitializationFailTimeout(config.connectTimeout().toMillis());
    hc.setPoolName("veil-store");
    hc.setAutoCommit(true);
    if (config.isPostgres()) {
      postgresDefaults().forEach((name, value) -> hc.addDataSourceProperty((String) name, value));
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (HikariPool.PoolInitializationException e) {
      throw new StoreUnavailableException("database unreachable: could not open a connection", e);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("database unreachable: could not open the connection pool", e);
    }
    try {
      org.flywaydb.core.api.configuration.FluentConfiguration migration = Flyway.configure();
      if (config.isPostgres()) {
        // on connections of its own, without the pool's silence limit: an index built on a large table may take minutes
        migration.dataSource(migrationSource(config));
      } else {
        migration.dataSource(ds); // H2 belongs to one process, and may live in memory only while the pool holds it
      }
      migration
          .locations("classpath:io/veil/store/migration")
          .table("veil_schema_history")
          .load()
          .migrate();
    } catch (FlywayException e) {
      ds.close();
      throw new StoreException("database schema migration failed", e);
    }
    if (h2File != null) {
      // the database file and H2's side files so far (an existing directory may be open to others)
      restrictAll(h2File.getParent(), h2File.getFileName() + ".");
    }
    // an H2 file opened with WRITE_DELAY=0 has no background writer to compact it (H2FileCompactor)
    H2FileCompactor compactor = config.isH2File() ? H2FileCompactor.start(ds, Duration.ofSeconds(1)) : null;
    // several processes may share a PostgreSQL database: tell each other about consent, settings and
    // erasure changes (NOTIFY on commit, one LISTEN connection per process; see PostgresChangeFeed)
    SubjectChangeFeed changes = config.isPostgres() ? PostgresChangeFeed.start(config) : LocalChangeFeed.INSTANCE;
    return new Database(ds, config.isPostgres(), config.clock(), compactor, changes);
  }

  /**
   * Flyway's own PostgreSQL connections: the configured URL and credentials, without a read limit even when the URL
   * sets {@code socketTimeout} (that limit is for request work; with the URL as it is, a migration slower than it
   * failed and the instance did not start, pgtimeout17). {@code setSocketTimeout} after {@code setURL} overrides the
   * URL's value.
   */
  private static javax.sql.DataSource migrationSource(DatabaseConfig config) {
    org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
    source.setURL(config.jdbcUrl());
    if (config.user() != null) {
      source.setUser(config.user());
    }
    if (config.password() != null) {
      source.setPassword(config.password());
    }
    source.setSocketTimeout(0);
    return source;
  }

  /**
   * The driver properties the pool gives its PostgreSQL connections. The URL's own parameters win over each of them
   * (pgjdbc reads the URL over the properties it is given; DatabaseTest), so an operator changes the silence limit
   * with {@code socketTimeout=<seconds>} in the URL ({@code 0}: none).
   */
  static java.util.Properties postgresDefaults() {
    java.util.Properties p = new java.util.Properties();
    // a JDBC batch (a request's new vault rows) goes as multi-row INSERTs, not one INSERT per row: 19 of a
    // request's 28 statements were such inserts in the multi-instance load run (docs/notes/pgload.md)
    p.setProperty("reWriteBatchedInserts", "true");
    p.setProperty("socketTimeout", Long.toString(SILENCE_LIMIT.toSeconds()));
    // the kernel probes an idle connection, so a pooled connection to a host that vanished is found closed instead
    // of being lent out and then waiting out the silence limit (pgtimeout17)
    p.setProperty("tcpKeepAlive", "true");
    return p;
  }

  /**
   * An H2 URL with H2's trace file turned off ({@code TRACE_LEVEL_FILE=0}) unless the URL sets the level itself.
   * H2's default (1, errors) writes every failed statement's message to {@code <db>.trace.db}, created with the
   * umask: a unique violation's message holds the conflicting row's values (lookup hashes, scope ids, subject refs),
   * and the store provokes such violations by design (concurrent mints). Errors still reach Veil as exceptions.
   * Other URLs are returned unchanged.
   */
  static String withoutTraceFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.toUpperCase(Locale.ROOT).contains(";TRACE_LEVEL_FILE=")) {
      return jdbcUrl;
    }
    return jdbcUrl + ";TRACE_LEVEL_FILE=0";
  }

  /**
   * Creates a new H2 database file empty and owner-only (mode 0600 in the creating call), for H2 to start the
   * database in: H2 creates a missing file with the umask, and the mode was set only after the schema migration
   * (ops17), so in a directory open to others the database was readable by them meanwhile, and a descriptor opened
   * then reads on after any change of mode. An existing file (or anything at the path) is left to H2.
   *
   * @throws StoreException if it cannot be created (nothing is opened then)
   */
  private static void createOwnerOnly(Path mvFile) {
    if (Files.exists(mvFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      OwnerOnlyFiles.createNew(mvFile, new byte[0]);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // another process created it meanwhile: H2 decides whether it may open it
    } catch (IOException e) {
      throw new StoreException("cannot create the database file " + mvFile + " owner-only ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Warns (path and mode only) when an H2 database's directory is open to other users: H2's temporary files for
   * large results are created there with the umask. The data directory of {@code veil serve} never is
   * ({@link OwnerOnlyFiles#dataDirectory}); a directory named by a configured H2 URL is the operator's and is left.
   */
  private static void warnIfOpen(Path dir) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (!OwnerOnlyFiles.ownerOnly(mode)) {
        LOG.warn("the H2 database directory {} is open to other users (mode {}): H2's temporary files there get the"
            + " umask's mode; chmod 700 it", dir, PosixFilePermissions.toString(mode));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no POSIX permissions here: nothing to warn about that OwnerOnlyFiles did not already refuse
    }
  }

  /**
   * Sets mode 0600 on every regular file in {@code dir} whose name starts with {@code prefix}, as far as it can: a
   * file it may not change (another owner, a link) or a directory it cannot list is logged (path and exception class)
   * and left, so that an operator's unusual layout does not stop the store from opening ({@code veil doctor} reports
   * the modes).
   */
  private static void restrictAll(Path dir, String prefix) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path f : files) {
        try {
          OwnerOnlyFiles.restrict(f);
        } catch (IOException e) {
          LOG.warn("could not make {} owner-only ({})", f, e.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not list {} to make its files owner-only ({})", dir, e.getClass().getSimpleName());
    }
  }

  /**
   * Checks that a connection can be had and is alive (a fail-closed gate before forwarding).
   *
   * @throws StoreUnavailableException if the database cannot be reached
   */
  public void ping() {
    // A pooled connection can be dead (the server restarted, the session was terminated, H2 closed
    // the database after an I/O error); the pool does not notice that by itself, so evict it and
    // every idle sibling, and ask once more on a fresh connection: the gateway recovers on the first
    // request after the database is back, without a restart.
    for (int attempt = 0; attempt < 2; attempt++) {
      boolean ok = withConnection("ping", c -> {
        if (c.isValid(2)) {
          return true;
        }
        pool.evictConnection(c);
        evictIdle();
        return false;
      });
      if (ok) {
        return;
      }
    }
    throw new StoreUnavailableException("database unreachable: connection not valid", null);
  }

  /** Closes every idle pooled connection (and those in use once they come back). */
  private void evictIdle() {
    com.zaxxer.hikari.HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
    }
  }

  /** {@link #translate}, and after a connection failure the pool starts over with fresh connections. */
  private StoreException failure(String what, SQLException e) {
    StoreException out = translate(what, e);
    if (out instanceof StoreUnavailableException) {
      unreachable = true; // the next calls fail fast (see the class comment) until one gets a connection
      if (!pool.isClosed()) {
        evictIdle();
      }
    }
    return out;
  }

  /**
   * The connection pool's state now: connections in use, idle, callers waiting for one, and the pool's maximum.
   * All zero once the pool is closed. Cheap (reads the pool's counters); for gauges read at scrape time.
   */
  public PoolState poolState() {
    com.zaxxer.hikari.HikariPoolMXBean bean = pool.isClosed() ? null : pool.getHikariPoolMXBean();
    if (bean == null) {
      return new PoolState(0, 0, 0, pool.getMaximumPoolSize());
    }
    return new PoolState(bean.getActiveConnections(), bean.getIdleConnections(), bean.getThreadsAwaitingConnection(),
        pool.getMaximumPoolSize());
  }

  /**
   * A snapshot of the connection pool (see {@link #poolState()}).
   *
   * @param active connections lent out
   * @param idle connections waiting in the pool
   * @param pending callers waiting for a connection (above zero for long: the pool or the database is the limit)
   * @param max the pool's maximum size
   */
  public record PoolState(int active, int idle, int pending, int max) {}

  /** True when this is a PostgreSQL database (else H2). */
  public boolean isPostgres() {
    return postgres;
  }

  /** How this process learns of per-subject changes made by others sharing the database. */
  SubjectChangeFeed subjectChanges() {
    return changes;
  }

  /**
   * Registers {@code listener} for the erasures (and data-key destructions) that any process sharing this
   * database commits: it is called with the subject's pseudonym hex ({@link Pseudonym#hex()}), or with
   * {@code null} when such changes may have been missed (the change listener lost its connection), meaning
   * "drop everything derived from any subject". Only a shared PostgreSQL database delivers (its
   * {@code LISTEN} connection hears this process's erasures too, key purges and destroys among them); on H2
   * (one process) nothing is delivered and the caller handles its own erasures. Not delivered again: an erasure
   * this process made through {@link SubjectEraser#erase}, whose caller tells its own listeners
   * ({@code Governance.erase}). Called on the listener thread: must be quick and not throw.
   */
  public void onSubjectErased(java.util.function.Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener");
    changes.subscribe(new SubjectChangeFeed.Subscriber() {
      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref) {
        changed(kind, ref, false);
      }

      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref, boolean appliedHere) {
        if (kind == SubjectChangeFeed.Kind.ERASURE && !appliedHere) {
          listener.accept(ref);
        }
      }

      @Override
      public void reset() {
        listener.accept(null);
      }
    });
  }

  /**
   * The state of the change listener (PostgreSQL): whether this process currently hears the consent,
   * settings and erasure changes other instances commit, so that its per-subject caches may serve.
   * On H2 (one process) always listening. For health checks and metrics; cheap, no I/O.
   */
  public ChangeFeedStatus changeFeedStatus() {
    return changes.status();
  }

  /** The time source the store uses for timestamps and expiry. */
  public Clock clock() {
    return clock;
  }

  /**
   * The pool itself, for a library that runs its own JDBC transactions ({@link SharedRateLimits}:
   * Bucket4j). Its failures do not pass through {@link #translate}; the caller maps them.
   */
  javax.sql.DataSource dataSource() {
    return pool;
  }

  /** Work done with one connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection in auto-commit mode. */
  <T> T withConnection(String what, SqlWork<T> work) {
    try (Connection c = connection()) {
      T result = work.run(c);
      reached();
      return result;
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction, committed on return and rolled back on any exception. */
  <T> T inTransaction(String what, SqlWork<T> work) {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        reached();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException | RuntimeException | AssertionError suppressed) {
          // the original failure is the one to report: H2 whose store was closed by a write error (full disk) can
          // fail its rollback too, with an AssertionError where assertions are on (tests), which would otherwise
          // escape the store as an Error and reach the client as a bare 500 instead of 503 veil_store_unavailable
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      // HikariCP restores auto-commit when the connection returns to the pool; resetting it here could
      // mask the original failure when the connection is broken.
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private Connection connection() throws SQLException {
    if (pool.isClosed()) {
      throw new SQLTransientConnectionException("the store is closed", "08003");
    }
    if (!unreachable) {
      return pool.getConnection();
    }
    // the database was unreachable at the last call: wait briefly, not the pool's connect timeout
    return pool.getHikariPoolMXBean() instanceof HikariPool p ? p.getConnection(UNREACHABLE_WAIT.toMillis())
        : pool.getConnection();
  }

  /**
   * Lifts {@link #SILENCE_LIMIT} from {@code c} for the statements of a caller that may legitimately run for
   * minutes (the retention run's bulk deletes and scans on a large table, audit verification and export, subject
   * export); the pool restores the limit when the connection is returned (HikariCP: {@code
   * ProxyConnection.setNetworkTimeout} marks it, {@code PoolBase.resetConnectionState} sets the pool's value back).
   * A silent database then holds only that caller, never a request. Not for work that holds a lock requests wait on.
   */
  void allowLongStatements(Connection c) throws SQLException {
    if (postgres) {
      c.setNetworkTimeout(Runnable::run, 0);
    }
  }

  /** After a call's work succeeded: the database answers again. */
  private void reached() {
    if (unreachable) {
      unreachable = false;
    }
  }

  /** Maps an SQL failure onto the store's exceptions; {@code what} names the operation, never data. */
  static StoreException translate(String what, SQLException e) {
    if (isConnectionFailure(e)) {
      return new StoreUnavailableException("database unreachable during " + what, e);
    }
    return new StoreException("database error during " + what + " (SQLState " + e.getSQLState() + ")", e);
  }

  static boolean isConnectionFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof java.io.IOException) {
        return true; // socket closed / reset under the driver
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        // 08: connection exception; 57P01-03: PostgreSQL shutting down / terminated / starting up;
        // H2 90067 connection broken, 90098 database closed, 90121 closed by VM shutdown.
        if (state.startsWith("08") || state.startsWith("57P")
            || state.equals("90067") || state.equals("90098") || state.equals("90121")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * True for a foreign-key violation: SQLState 23503 (PostgreSQL, both directions; H2, a parent row still
   * referenced) or 23506 (H2, a child row whose parent is missing).
   */
  static boolean isForeignKeyViolation(SQLException e) {
    return hasState(e, "23503") || hasState(e, "23506");
  }

  /** True for a unique-constraint violation (SQLState 23505 on both H2 and PostgreSQL). */
  static boolean isUniqueViolation(SQLException e) {
    return hasState(e, "23505");
  }

  /**
   * True for a deadlock or serialization failure (SQLState 40001, or PostgreSQL's 40P01): the transaction was
   * chosen to give way to a concurrent one and may be retried.
   */
  static boolean isTransactionConflict(SQLException e) {
    return hasState(e, "40001") || hasState(e, "40P01");
  }

  /** Looks through the causes and (for JDBC batches) the next exceptions of {@code e}. */
  private static boolean hasState(SQLException e, String state) {
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(java.util.List.of(e));
    while (!todo.isEmpty() && seen.size() < 64) {
      Throwable t = todo.pop();
      if (!seen.add(t)) {
        continue;
      }
      if (t instanceof SQLException s) {
        if (state.equals(s.getSQLState())) {
          return true;
        }
        if (s.getNextException() != null) {
          todo.push(s.getNextException());
        }
      }
      if (t.getCause() != null) {
        todo.push(t.getCause());
      }
    }
    return false;
  }

  /** Stops the change listener and closes the pool. Idempotent. */
  @Override
  public void close() {
    changes.close();
    if (compactor != null) {
      compactor.close();
    }
    pool.close();
  }

  @Override
  public String toString() {
    return "Database[" + (postgres ? "postgresql" : "h2") + (pool.isClosed() ? ", closed" : "") + "]";
  }
}
