package io.veil.gateway;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an upstream body that stays silent longer than the idle timeout (Java's HttpClient has no
 * read timeout once headers have arrived), so a stalled provider cannot hold a request forever.
 * {@link #touch()} after every read; {@link #stop()} when done.
 *
 * <p>Thread safety: thread-safe.
 */
final class IdleWatchdog {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "veil-upstream-idle-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final Closeable target;
  private final long timeoutNanos;
  private ScheduledFuture<?> pending;
  private volatile boolean fired;

  IdleWatchdog(Closeable target, Duration timeout) {
    this.target = target;
    this.timeoutNanos = timeout.toNanos();
    touch();
  }

  synchronized void touch() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = TIMER.schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  synchronized void stop() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  /** True if the body was closed for being idle. */
  boolean fired() {
    return fired;
  }

  private void fire() {
    fired = true;
    try {
      target.close();
    } catch (IOException ignored) {
      // closing is all we can do
    }
  }
}
