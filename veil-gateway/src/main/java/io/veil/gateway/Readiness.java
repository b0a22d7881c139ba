package io.veil.gateway;

import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /ready}: whether this instance should get new requests. Not ready while the
 * gateway is stopping (see {@link ServerOptions#drainDelay()}) or while the store does not answer a
 * ping; ready again as soon as it does, without a restart.
 *
 * <p>The store is asked at most once per {@value #RECHECK_MILLIS} ms whatever the probe rate, and by
 * one caller at a time; others get the last answer, so a load balancer's probes cannot load the
 * database.
 *
 * <p>Thread safety: thread-safe.
 *
 * <p><b>Security:</b> the answer names only a reason ({@code store}, {@code stopping}), never the
 * database, its address or the exception, because {@code /ready} needs no key.
 */
final class Readiness {
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  static final long RECHECK_MILLIS = 1000;

  /** The answer: ready, or not with a reason. */
  record State(boolean ready, String reason) {
    String json() {
      return ready ? "{\"status\":\"ready\"}" : "{\"status\":\"unavailable\",\"reason\":\"" + reason + "\"}";
    }
  }

  private static final State READY = new State(true, null);
  private static final State STORE_DOWN = new State(false, "store");
  private static final State STOPPING = new State(false, "stopping");

  private final Runnable storePing;
  private final ReentrantLock checking = new ReentrantLock();
  private volatile boolean stopping;
  private volatile State last = READY;
  private volatile long checkedAt;

  /** {@code storePing} throws when the store is unreachable; null: no store to check. */
  Readiness(Runnable storePing) {
    this.storePing = storePing;
  }

  void stopping() {
    stopping = true;
  }

  State check() {
    if (stopping) {
      return STOPPING;
    }
    if (storePing == null) {
      return READY;
    }
    long now = System.nanoTime();
    if (checkedAt != 0 && now - checkedAt < RECHECK_MILLIS * 1_000_000 || !checking.tryLock()) {
      return last;
    }
    try {
      State next;
      try {
        storePing.run();
        next = READY;
      } catch (RuntimeException e) {
        next = STORE_DOWN;
      }
      if (next != last) {
        LOG.warn("readiness: {}", next.ready() ? "store reachable again, ready" : "store unreachable, not ready");
      }
      last = next;
      checkedAt = System.nanoTime();
      return next;
    } finally {
      checking.unlock();
    }
  }
}
