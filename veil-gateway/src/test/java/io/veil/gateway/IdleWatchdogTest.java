package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleWatchdogTest {

  @Test
  void stoppedWatchdogsLeaveNoTaskQueued() {
    // regression: each touch() scheduled a task and cancel() left it queued for the whole timeout, holding
    // the upstream body; under load the heap grew with the request rate times the timeout (30-min soak)
    int before = IdleWatchdog.queuedTasks();
    for (int i = 0; i < 1_000; i++) {
      IdleWatchdog w = new IdleWatchdog(() -> { }, Duration.ofHours(1));
      for (int r = 0; r < 20; r++) {
        w.touch();
      }
      w.stop();
    }
    assertThat(IdleWatchdog.queuedTasks()).isLessThanOrEqualTo(before);
  }

  @Test
  void touchingDoesNotQueueMoreTasks() {
    int before = IdleWatchdog.queuedTasks();
    IdleWatchdog w = new IdleWatchdog(() -> { }, Duration.ofHours(1));
    for (int r = 0; r < 500; r++) {
      w.touch();
    }
    assertThat(IdleWatchdog.queuedTasks()).isEqualTo(before + 1);
    w.stop();
    assertThat(IdleWatchdog.queuedTasks()).isEqualTo(before);
  }

  @Test
  void closesTheTargetWhenIdleAndNotAfterStop() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    IdleWatchdog idle = new IdleWatchdog(closed::countDown, Duration.ofMillis(50));
    assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(idle.fired()).isTrue();

    AtomicInteger closes = new AtomicInteger();
    Closeable counting = closes::incrementAndGet;
    IdleWatchdog stopped = new IdleWatchdog(counting, Duration.ofMillis(50));
    stopped.stop();
    // a watchdog that fires would have closed long before the one above did; give the timer a turn
    new IdleWatchdog(() -> { }, Duration.ofMillis(100)).stop();
    Thread.sleep(200);
    assertThat(closes.get()).isZero();
    assertThat(stopped.fired()).isFalse();
  }
}
