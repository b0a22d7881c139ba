package io.veil.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the database.
 *
 * @param jdbcUrl {@code jdbc:h2:...} or {@code jdbc:postgresql://...}
 * @param user database user, may be null where the URL carries it
 * @param password database password, may be null; never logged, never part of {@link #toString()}
 * @param maxPoolSize connections in the pool, 1–200
 * @param connectTimeout how long to wait for a connection before {@link StoreUnavailableException}
 * @param clock the time source for every timestamp and expiry the store writes or checks
 */
public record DatabaseConfig(
    String jdbcUrl, String user, String password, int maxPoolSize, Duration connectTimeout, Clock clock) {

  public DatabaseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(clock, "clock");
    if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc:h2: or jdbc:postgresql:");
    }
    if (maxPoolSize < 1 || maxPoolSize > 200) {
      throw new IllegalArgumentException("maxPoolSize must be 1-200");
    }
    if (connectTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("connectTimeout must be at least 250 ms");
    }
  }

  /** The embedded default: an H2 file database {@code veil} in {@code dataDir}. */
  public static DatabaseConfig h2(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    String base = dataDir.toAbsolutePath().normalize().resolve("veil").toString();
    if (base.contains(";")) {
      throw new IllegalArgumentException("the data directory path must not contain ';'");
    }
    // MVStore with row-level locking; wait up to 10 s for a lock held by a concurrent writer.
    // WRITE_DELAY=0: every commit reaches the file before it returns. H2's default (500 ms) keeps
    // commits in memory for up to that long, and a killed process (kill -9, OOM killer, power cut of
    // the container) loses them: vault tokens already sent to the provider and audit records of
    // answered requests (measured: CrashConsistencyIT in veil-e2e, docs/notes/hardening.md).
    // QUERY_CACHE_SIZE: prepared commands kept per connection (H2's default, 8, is fewer than the
    // distinct statements one gateway request runs, so each was parsed again on every request).
    return new DatabaseConfig("jdbc:h2:file:" + base
        + ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64",
        "veil", "", 10, Duration.ofSeconds(10), Clock.systemUTC());
  }

  /** A PostgreSQL database shared by several gateway instances. */
  public static DatabaseConfig postgres(String jdbcUrl, String user, String password) {
    return new DatabaseConfig(jdbcUrl, user, password, 10, Duration.ofSeconds(10), Clock.systemUTC());
  }

  public DatabaseConfig withClock(Clock clock) {
    return new DatabaseConfig(jdbcUrl, user, password, maxPoolSize, connectTimeout, clock);
  }

  public DatabaseConfig withPool(int maxPoolSize, Duration connectTimeout) {
    return new DatabaseConfig(jdbcUrl, user, password, maxPoolSize, connectTimeout, clock);
  }

  /**
   * The path of an embedded H2 file database without H2's extensions (H2 names its files {@code <base>.mv.db},
   * {@code <base>.trace.db}, …), or null for any other database.
   */
  Path h2FileBase() {
    if (!isH2File()) {
      return null;
    }
    String rest = jdbcUrl.substring("jdbc:h2:file:".length());
    int options = rest.indexOf(';');
    String base = options < 0 ? rest : rest.substring(0, options);
    if (base.startsWith("~") || base.isEmpty()) {
      return null; // H2 resolves these itself
    }
    Path p = Path.of(base).toAbsolutePath().normalize();
    return p.getParent() == null ? null : p;
  }

  /** True for an embedded H2 file database (the only kind {@link H2FileCompactor} looks after). */
  boolean isH2File() {
    return jdbcUrl.startsWith("jdbc:h2:file:");
  }

  boolean isPostgres() {
    return jdbcUrl.startsWith("jdbc:postgresql:");
  }

  @Override
  public String toString() {
    String shown = jdbcUrl.indexOf('?') >= 0 ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) + "?…" : jdbcUrl;
    return "DatabaseConfig[" + shown + ", user=" + (user == null ? "-" : "set") + ", password=<redacted>, pool="
        + maxPoolSize + "]";
  }
}
