package io.veil.gateway;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A request body read with a minimum average rate: after a grace period from when the handler began reading,
 * at {@code t} seconds at least {@code minBytesPerSecond * (t - grace)} bytes must have arrived. The rule is
 * checked each time a read returns; a read that falls below it fails with {@link TooSlow}, which the gateway
 * answers with {@code 408} in the provider's error envelope.
 *
 * <p>Why: Jetty's idle timeout restarts with every byte, so a client trickling a body one byte every few seconds
 * would hold a (virtual) thread and its buffers for as long as it likes. On HTTP/1.x {@link SlowClientGuard}
 * closes such connections from a timer; HTTP/2 streams share their connection with other streams and are not
 * seen by it, so their bodies are held to the same rate here, where a response can still be written on the
 * stream. A body that stops arriving altogether is ended by the idle timeout (which also applies to each HTTP/2
 * stream); the cut therefore comes at most one idle timeout after the rate was missed.
 *
 * <p>Thread safety: one reader at a time, as any {@link InputStream}. <b>Security:</b> the failure names the rate,
 * never the client or what it sent.
 */
final class MinimumRateBody extends FilterInputStream {
  private final long minBytesPerSecond;
  private final long graceNanos;
  private final long begin;
  private final Runnable onTooSlow;
  private long bytes;
  private boolean tooSlow;

  /** Thrown by a read that finds the body below the minimum rate. */
  static final class TooSlow extends IOException {
    /** The rate the body fell below. */
    final long minBytesPerSecond;

    TooSlow(long minBytesPerSecond) {
      super("the request body arrived below " + minBytesPerSecond + " bytes/s");
      this.minBytesPerSecond = minBytesPerSecond;
    }
  }

  /**
   * @param minBytesPerSecond the minimum average rate after the grace period (positive)
   * @param grace how long the body may take before the rate counts
   * @param beginNanos {@link System#nanoTime()} when reading began
   * @param onTooSlow run once, when a read first finds the body below the rate (counts the refusal)
   */
  MinimumRateBody(InputStream in, long minBytesPerSecond, Duration grace, long beginNanos, Runnable onTooSlow) {
    super(in);
    if (minBytesPerSecond <= 0) {
      throw new IllegalArgumentException("minimum rate must be positive");
    }
    this.minBytesPerSecond = minBytesPerSecond;
    this.graceNanos = grace.toNanos();
    this.begin = beginNanos;
    this.onTooSlow = onTooSlow;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    counted(b < 0 ? -1 : 1);
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    counted(n);
    return n;
  }

  private void counted(int n) throws IOException {
    if (n < 0) {
      return; // the body is complete
    }
    bytes += n;
    long late = System.nanoTime() - begin - graceNanos;
    if (late > 0 && bytes < late / 1e9 * minBytesPerSecond) { // owed after `late` ns at the minimum rate
      if (!tooSlow) {
        tooSlow = true;
        onTooSlow.run();
      }
      throw new TooSlow(minBytesPerSecond);
    }
  }
}
