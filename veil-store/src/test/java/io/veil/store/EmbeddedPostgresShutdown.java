package io.veil.store;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared embedded PostgreSQL when the test session ends. Left to its JVM shutdown hook it
 * keeps the forked test JVM alive past Surefire's 30-second exit grace period.
 */
public final class EmbeddedPostgresShutdown implements LauncherSessionListener {
  @Override
  public void launcherSessionClosed(LauncherSession session) {
    TestDatabases.shutdown();
  }
}
