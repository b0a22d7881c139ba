package io.veil.store;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lock-free pool of reusable objects that are costly to create (JCE {@code Cipher}s and {@code Mac}s), keeping
 * at most {@code capacity} idle ones. The gateway runs each request on a new virtual thread, so a
 * {@code ThreadLocal} never gets reused; a pool shared by all threads does.
 *
 * <p>Thread safety: safe for concurrent use. An object taken is the caller's alone until it gives it back.
 *
 * <p><b>Security:</b> a pooled object keeps the state of its last use (a cipher's expanded key, a MAC's key),
 * as Tink's per-thread objects did; pools never leave the package, and callers put back only objects in a
 * reusable state (a cipher is always initialised again before use).
 */
final class BoundedPool<T> {
  private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  BoundedPool(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /** An idle object, or null if there is none (the caller then creates one). */
  T take() {
    T t = idle.poll();
    if (t != null) {
      size.decrementAndGet();
    }
    return t;
  }

  /** Gives an object back for reuse; dropped if the pool already holds {@code capacity} idle objects. */
  void give(T t) {
    if (size.incrementAndGet() <= capacity) {
      idle.offer(t);
    } else {
      size.decrementAndGet();
    }
  }

  /** Idle objects held now (for tests). */
  int idle() {
    return size.get();
  }
}
