package io.veil.store;

import java.util.concurrent.atomic.AtomicInteger;

/** Runs a check from many virtual threads at once and counts the answers that were wrong (for pooled crypto). */
final class ConcurrentChecks {
  /** One check: true when the answer was right; an exception counts as wrong. */
  interface Check {
    boolean ok(int thread, int i) throws Exception;
  }

  private ConcurrentChecks() {}

  /** How many of {@code threads × perThread} checks, run on {@code threads} virtual threads at once, were wrong. */
  static int wrong(int threads, int perThread, Check check) throws InterruptedException {
    AtomicInteger wrong = new AtomicInteger();
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int me = t;
      ts[t] = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < perThread; i++) {
          try {
            if (!check.ok(me, i)) {
              wrong.incrementAndGet();
            }
          } catch (Exception e) {
            wrong.incrementAndGet();
          }
        }
      });
    }
    for (Thread t : ts) {
      t.join();
    }
    return wrong.get();
  }
}
