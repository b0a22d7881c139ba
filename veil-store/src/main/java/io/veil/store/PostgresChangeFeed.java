package io.veil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of a PostgreSQL database that several processes share.
 *
 * <p><b>Sending:</b> every write that changes cached per-subject state calls {@link #publish} inside its
 * own transaction ({@code SELECT pg_notify('veil_subject_changes', payload)}); PostgreSQL delivers the
 * notification to every listening session only when that transaction commits, and not at all when it
 * rolls back.
 *
 * <p><b>Receiving:</b> one daemon thread per process holds one connection of its own (not from the
 * pool), runs {@code LISTEN veil_subject_changes} and waits for notifications
 * ({@code PGConnection.getNotifications(timeout)}); each one is handed to the subscribers, which drop
 * the subject's cached entries. Every {@value #HEARTBEAT_MILLIS} ms it runs {@code SELECT 1} on that
 * connection to prove the connection still works.
 *
 * <p><b>Failing safe:</b> {@link #trusted()} is true only while the connection is subscribed <em>and</em>
 * the last heartbeat succeeded less than {@value #MAX_SILENCE_MILLIS} ms ago. So when the connection
 * drops (server restart, {@code pg_terminate_backend}, a network that silently stops delivering), the
 * caches stop serving and read the database every time, at the latest {@value #MAX_SILENCE_MILLIS} ms
 * after the last proof of life, without waiting for this thread to notice. When the thread notices, and
 * again after it has subscribed anew (reconnecting with back-off from {@value #MIN_BACKOFF_MILLIS} ms to
 * {@value #MAX_BACKOFF_MILLIS} ms), the subscribers {@linkplain Subscriber#reset() reset}: whatever
 * they cached before may have missed a change while nobody listened.
 *
 * <p>Thread safety: thread-safe. {@link #close()} stops the thread and closes its connection.
 *
 * <p><b>Security:</b> payloads carry the kind of change and the subject's pseudonym (a keyed hash the
 * tables already hold), never the subject id; any database user allowed to {@code LISTEN} sees them. A
 * payload this version did not write (another writer on the channel) resets every cache: it can make
 * this process read more, never serve something stale. Logs name exception classes only.
 */
final class PostgresChangeFeed implements SubjectChangeFeed {
  static final String CHANNEL = "veil_subject_changes";
  static final String APPLICATION_NAME = "veil-change-listener";
  static final int POLL_MILLIS = 500;
  static final int HEARTBEAT_MILLIS = 2_000;
  static final int MAX_SILENCE_MILLIS = 6_000;
  static final int SOCKET_TIMEOUT_SECONDS = 4;
  static final int MIN_BACKOFF_MILLIS = 100;
  static final int MAX_BACKOFF_MILLIS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeFeed.class);

  private final String url;
  /**
   * {@code "<backend pid> <payload>"} of what this process published with {@link #publishApplied} and has not
   * heard back yet; bounded (the oldest go: a notification not recognised is only delivered as anyone else's).
   */
  private final java.util.Set<String> appliedHere = java.util.Collections.synchronizedSet(
      java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<String, Boolean>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
          return size() > 1024;
        }
      }));
  private final Properties properties;
  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong connections = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;
  /** {@link System#nanoTime()} until which the last heartbeat vouches for the connection. */
  private volatile long aliveUntil;
  private volatile Connection connection;
  private volatile int backendPid;

  private PostgresChangeFeed(DatabaseConfig config) {
    this.url = config.jdbcUrl();
    Properties p = new Properties();
    if (config.user() != null) {
      p.setProperty("user", config.user());
    }
    if (config.password() != null) {
      p.setProperty("password", config.password());
    }
    p.setProperty("connectTimeout", Long.toString(Math.max(1, config.connectTimeout().toSeconds())));
    p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", APPLICATION_NAME);
    this.properties = p;
    this.thread = new Thread(this::run, "veil-store-change-listener");
    this.thread.setDaemon(true);
  }

  /** Starts listening in the background; {@link #trusted()} is false until the first subscription. */
  static PostgresChangeFeed start(DatabaseConfig config) {
    PostgresChangeFeed feed = new PostgresChangeFeed(Objects.requireNonNull(config, "config"));
    feed.thread.start();
    return feed;
  }

  @Override
  public void publish(Connection c, Kind kind, String ref) throws SQLException {
    send(c, kind, ref, false);
  }

  /**
   * Publishes as {@link #publish} and remembers the sending session's backend pid with the payload: PostgreSQL
   * hands every notification the pid of the session that sent it, so this process can tell its own notification
   * from another process's notification of the same change (a different session, a different pid).
   */
  @Override
  public void publishApplied(Connection c, Kind kind, String ref) throws SQLException {
    send(c, kind, ref, true);
  }

  private void send(Connection c, Kind kind, String ref, boolean applied) throws SQLException {
    String payload = SubjectChangeFeed.payload(kind, ref);
    try (PreparedStatement ps = c.prepareStatement(applied ? "SELECT pg_notify(?, ?), pg_backend_pid()"
        : "SELECT pg_notify(?, ?)")) {
      ps.setString(1, CHANNEL);
      ps.setString(2, payload);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        if (applied && rs.next()) {
          appliedHere.add(rs.getInt(2) + " " + payload); // a rolled-back one stays: it only matches this session
        }
      }
    }
  }

  @Override
  public void subscribe(Subscriber s) {
    subscribers.add(Objects.requireNonNull(s, "subscriber"));
  }

  @Override
  public boolean trusted() {
    return listening && System.nanoTime() - aliveUntil < 0;
  }

  @Override
  public ChangeFeedStatus status() {
    return new ChangeFeedStatus(true, listening, trusted(), connections.get());
  }

  /** The server process id of the listener's session, 0 while not connected (tests terminate it). */
  int backendPid() {
    return listening ? backendPid : 0;
  }

  private void run() {
    long backoff = MIN_BACKOFF_MILLIS;
    boolean outageReported = false; // one warning per outage, not one per reconnect attempt
    while (running) {
      boolean subscribed = false;
      try (Connection c = new org.postgresql.Driver().connect(url, properties)) {
        if (c == null) {
          throw new SQLException("not a PostgreSQL URL");
        }
        connection = c;
        if (!running) {
          break;
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        backendPid = pg.getBackendPID();
        // Subscribed: every commit from now on reaches us. What the caches hold may predate a change
        // nobody heard (before the first subscription, or while the connection was gone): drop it.
        resetAll();
        long n = connections.incrementAndGet(); // counted before it shows as listening (status() readers)
        aliveUntil = System.nanoTime() + Duration.ofMillis(MAX_SILENCE_MILLIS).toNanos();
        listening = true;
        subscribed = true;
        if (n > 1) {
          LOG.info("subject change listener subscribed again; caches back in use");
        }
        outageReported = false;
        backoff = MIN_BACKOFF_MILLIS;
        listen(c, pg);
      } catch (SQLException | RuntimeException e) {
        if (running && !outageReported) {
          LOG.warn("subject change listener {} ({}); per-user caches bypassed until it is back",
              subscribed ? "lost its connection" : "cannot connect", e.getClass().getSimpleName());
          outageReported = true;
        } else if (running) {
          LOG.debug("subject change listener still cannot connect ({})", e.getClass().getSimpleName());
        }
      } finally {
        boolean was = listening;
        listening = false;
        connection = null;
        backendPid = 0;
        if (was) {
          resetAll(); // changes from now on go unheard until the next subscription
        }
      }
      if (running) {
        LockSupport.parkNanos(Duration.ofMillis(backoff).toNanos()); // close() unparks
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  /** Receives until the connection fails or the feed closes; heartbeats in between. */
  private void listen(Connection c, PGConnection pg) throws SQLException {
    long lastBeat = System.nanoTime();
    while (running) {
      dispatch(pg.getNotifications(POLL_MILLIS));
      long now = System.nanoTime();
      if (now - lastBeat >= Duration.ofMillis(HEARTBEAT_MILLIS).toNanos()) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        dispatch(pg.getNotifications()); // whatever arrived with the answer, before vouching again
        lastBeat = System.nanoTime();
        aliveUntil = lastBeat + Duration.ofMillis(MAX_SILENCE_MILLIS).toNanos();
      }
    }
  }

  private void dispatch(PGNotification[] notes) {
    if (notes == null) {
      return;
    }
    for (PGNotification n : notes) {
      if (!CHANNEL.equals(n.getName())) {
        continue;
      }
      Optional<Change> change = SubjectChangeFeed.parse(n.getParameter());
      if (change.isEmpty()) {
        resetAll(); // not ours: cannot tell what changed, so assume anything did
        continue;
      }
      boolean applied = appliedHere.remove(n.getPID() + " " + n.getParameter());
      for (Subscriber s : subscribers) {
        try {
          s.changed(change.get().kind(), change.get().ref(), applied);
        } catch (RuntimeException e) {
          LOG.warn("subject change subscriber failed ({}); resetting it", e.getClass().getSimpleName());
          reset(s);
        }
      }
    }
  }

  private void resetAll() {
    for (Subscriber s : subscribers) {
      reset(s);
    }
  }

  private static void reset(Subscriber s) {
    try {
      s.reset();
    } catch (RuntimeException e) {
      LOG.warn("subject change subscriber failed to reset ({})", e.getClass().getSimpleName());
    }
  }

  /** Stops the listener and closes its connection; waits briefly for the thread. Idempotent. */
  @Override
  public void close() {
    running = false;
    listening = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // unblocks a thread waiting in getNotifications
      } catch (SQLException | RuntimeException e) {
        // closing anyway
      }
    }
    LockSupport.unpark(thread);
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
