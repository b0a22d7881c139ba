package io.veil.gateway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The two databases the gateway runs on, for the integration tests: the embedded H2 file in the data
 * directory (the default) or a fresh database in one embedded PostgreSQL per test JVM.
 */
enum TestStores {
  H2, POSTGRES;

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  /** A governance configuration pointing at a new empty database of this kind. */
  GovernanceConfig fresh() {
    GovernanceConfig d = GovernanceConfig.defaults();
    if (this == H2) {
      return d;
    }
    EmbeddedPostgres pg = postgres();
    String name = "veil_g" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a test database", e);
    }
    return d.withDatabase(pg.getJdbcUrl("postgres", name), "postgres", "");
  }

  static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return postgres;
  }

  /** Stops the shared PostgreSQL when the test session ends. */
  public static final class Shutdown implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
      synchronized (TestStores.class) {
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
    }
  }
}
