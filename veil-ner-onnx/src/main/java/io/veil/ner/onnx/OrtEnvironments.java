package io.veil.ner.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates ONNX Runtime's process-wide {@link OrtEnvironment} on a thread with a large stack.
 *
 * <p>Why: ONNX Runtime 1.29's native initialisation (the first {@code getEnvironment()}, which loads the
 * library) recurses to a depth that grows with the process's command line. With Veil's class path
 * (~8 KB, as {@code ./veil} passes it with {@code -cp}) that overflowed a default 1 MB thread stack and
 * killed the JVM with SIGSEGV (no Java exception, no hs_err file). Surefire passes the class path in a
 * manifest jar, so unit tests alone did not show it. Once created, sessions load and run on ordinary
 * threads. Thread-safe; the environment is created at most once.
 */
final class OrtEnvironments {
  /** Reserved, not committed: only the pages the recursion touches are used. */
  static final long INIT_STACK_BYTES = 256L << 20;
  private static final Object LOCK = new Object();
  private static OrtEnvironment env;

  private OrtEnvironments() {}

  static OrtEnvironment get() {
    synchronized (LOCK) {
      if (env != null) {
        return env;
      }
      AtomicReference<OrtEnvironment> made = new AtomicReference<>();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread t = new Thread(null, () -> {
        try {
          made.set(OrtEnvironment.getEnvironment());
        } catch (Throwable e) {
          failed.set(e);
        }
      }, "veil-onnx-init", INIT_STACK_BYTES);
      t.setDaemon(true);
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("onnx NER: interrupted while loading ONNX Runtime");
      }
      if (failed.get() != null) {
        throw new IllegalStateException("onnx NER: cannot load ONNX Runtime's native library ("
            + failed.get().getClass().getSimpleName() + ": " + failed.get().getMessage() + ")", failed.get());
      }
      env = made.get();
      return env;
    }
  }
}
