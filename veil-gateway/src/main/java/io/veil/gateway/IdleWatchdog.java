package io.veil.gateway;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes an upstream body that stays silent longer than the idle timeout (Java's HttpClient has no
 * read timeout once headers have arrived), so a stalled provider cannot hold a request forever.
 * {@link #touch()} after every read; {@link #stop()} when done.
 *
 * <p>Memory: {@link #touch()} only moves a deadline; one timer task per watchdog is queued at a time, and
 * {@link #stop()} removes it from the timer's queue at once. (Rescheduling on every read and cancelling
 * without removal kept every cancelled task, and through it the upstream body, queued until its delay
 * ran out: the heap grew with the request rate times the timeout.)
 *
 * <p>Thread safety: thread-safe.
 */
final class IdleWatchdog {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Closeable target;
  private final long timeoutNanos;
  private volatile long deadline;
  private ScheduledFuture<?> pending;
  private boolean stopped;
  private volatile boolean fired;

  IdleWatchdog(Closeable target, Duration timeout) {
    this.target = target;
    this.timeoutNanos = timeout.toNanos();
    this.deadline = System.nanoTime() + timeoutNanos;
    synchronized (this) {
      pending = TIMER.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "veil-upstream-idle-watchdog");
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** The body was read from: the idle time starts again. Cheap (no allocation, no lock). */
  void touch() {
    deadline = System.nanoTime() + timeoutNanos;
  }

  synchronized void stop() {
    stopped = true;
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  /** True if the body was closed for being idle. */
  boolean fired() {
    return fired;
  }

  /** Tasks waiting in the shared timer (for tests: stopped watchdogs must leave none behind). */
  static int queuedTasks() {
    return TIMER.getQueue().size();
  }

  private void check() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left > 0) {
        pending = TIMER.schedule(this::check, left, TimeUnit.NANOSECONDS);
        return;
      }
      pending = null;
      stopped = true;
    }
    fired = true;
    try {
      target.close();
    } catch (IOException ignored) {
      // closing is all we can do
    }
  }
}
