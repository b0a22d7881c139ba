package io.veil.store;

import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fresh subject data keys generated ahead of need, so that a new conversation's request does not pay
 * Tink's key generation: {@link #take()} hands out a pre-generated key, and when the pool runs low one
 * background virtual thread tops it up. When the pool is empty (a burst of new subjects, or the filler
 * failed), {@code take()} generates the key on the caller's thread: the pool only ever saves time, it
 * is never a reason to fail or wait.
 *
 * <p>Semantics kept: a pooled key is unwrapped key material that belongs to nobody yet. It is not
 * stored, has sealed nothing and is handed out exactly once (the queue's {@code poll} is atomic);
 * it becomes a subject's key only when the caller wraps it for that subject and stores the wrapped row.
 * A crash loses the pooled keys and with them nothing (no value was sealed under them); an erasure
 * deletes the subject's wrapped row exactly as before, since a taken key is no longer in the pool.
 *
 * <p>Thread safety: safe for concurrent use; at most one filler thread runs at a time.
 *
 * <p><b>Security:</b> up to {@link #capacity()} future data keys sit unwrapped in this process's heap
 * (as the recently used subjects' keys already do in {@link SubjectKeys}' cache); a heap dump exposes
 * them. Nothing here is logged.
 */
final class DataKeyPool {
  static final int DEFAULT_CAPACITY = 32;

  private final ArrayBlockingQueue<DataKeys.DataKey> ready;
  private final int refillBelow;
  private final AtomicBoolean filling = new AtomicBoolean();
  private final AtomicLong generatedOnCaller = new AtomicLong();
  private final AtomicLong fillerFailures = new AtomicLong();

  /** An empty pool of {@code capacity} keys (0: no pool, every key generated on the caller's thread). */
  DataKeyPool(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.ready = capacity == 0 ? null : new ArrayBlockingQueue<>(capacity);
    this.refillBelow = Math.max(1, capacity / 2);
  }

  int capacity() {
    return ready == null ? 0 : ready.size() + ready.remainingCapacity();
  }

  /** Keys ready now (tests). */
  int ready() {
    return ready == null ? 0 : ready.size();
  }

  /** Keys generated on a caller's thread because the pool was empty (tests, diagnostics). */
  long generatedOnCaller() {
    return generatedOnCaller.get();
  }

  /** Filler runs that ended with an error (tests, diagnostics). */
  long fillerFailures() {
    return fillerFailures.get();
  }

  /** A fresh key no one else has been or will be given. */
  DataKeys.DataKey take() throws GeneralSecurityException {
    if (ready == null) {
      return DataKeys.generate();
    }
    DataKeys.DataKey key = ready.poll();
    if (ready.size() < refillBelow) {
      startFiller();
    }
    if (key != null) {
      return key;
    }
    generatedOnCaller.incrementAndGet();
    return DataKeys.generate();
  }

  private void startFiller() {
    if (!filling.compareAndSet(false, true)) {
      return;
    }
    try {
      Thread.ofVirtual().name("veil-data-key-pool").start(this::fill);
    } catch (RuntimeException | OutOfMemoryError e) {
      filling.set(false); // no thread: callers generate their own keys
      fillerFailures.incrementAndGet();
    }
  }

  private void fill() {
    try {
      while (ready.remainingCapacity() > 0) {
        if (!ready.offer(DataKeys.generate())) {
          break; // filled by takes racing with us? (cannot grow past capacity)
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      fillerFailures.incrementAndGet(); // the pool stays short; take() generates on the caller's thread
    } finally {
      filling.set(false);
    }
  }
}
