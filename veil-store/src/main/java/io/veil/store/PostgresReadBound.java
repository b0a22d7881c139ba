package io.veil.store;

import java.time.Duration;
import java.util.Properties;

/**
 * How long one read of the store's pooled PostgreSQL connections may wait for the server (pgjdbc's
 * {@code socketTimeout}): the operator's own {@code socketTimeout} when the JDBC URL sets one (seconds; {@code 0}
 * means no bound), else {@link #DEFAULT}.
 *
 * <p>Why: a database host that stops answering without closing the connection (a network partition, a frozen VM, a
 * firewall dropping packets) otherwise leaves every statement waiting for the kernel's TCP timeout, about 15 minutes,
 * while the vault holds its per-conversation lock (docs/notes/pgtimeout17.md). A read that hits the bound fails the
 * call with {@link StoreUnavailableException} (503, nothing forwarded). Work that may legitimately run longer lifts
 * the bound on its connection ({@link Database#withMaintenanceConnection}).
 *
 * <p>Stateless; thread safe.
 */
final class PostgresReadBound {
  /** The bound when the URL sets none: far above any request-path statement, far below the kernel's timeout. */
  static final Duration DEFAULT = Duration.ofSeconds(30);

  private PostgresReadBound() {}

  /**
   * The bound the pool's connections to {@code jdbcUrl} get: the URL's {@code socketTimeout} when it sets one,
   * else {@link #DEFAULT}. A value pgjdbc cannot read is left to pgjdbc, which refuses to connect with it.
   */
  static Duration of(String jdbcUrl) {
    String own = urlProperty(jdbcUrl, "socketTimeout");
    if (own == null) {
      return DEFAULT;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(own.trim()));
    } catch (NumberFormatException e) {
      return DEFAULT;
    }
  }

  /** True when the URL sets {@code socketTimeout} itself (the pool then adds nothing). */
  static boolean setByUrl(String jdbcUrl) {
    return urlProperty(jdbcUrl, "socketTimeout") != null;
  }

  /** {@code name}'s value among the URL's parameters as pgjdbc reads them, or null. */
  static String urlProperty(String jdbcUrl, String name) {
    Properties p = org.postgresql.Driver.parseURL(jdbcUrl, null);
    return p == null ? null : p.getProperty(name);
  }
}
