package io.veil.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on the terminal: bytes read of the total, percentage and rate, redrawn at
 * most every 200 ms and erased when done. A disabled bar draws nothing. Not thread-safe.
 */
final class ProgressBar {
  /** Files smaller than this finish too fast for a bar to help. */
  static final long MIN_BYTES = 4L * 1024 * 1024;

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private long lastDraw = Long.MIN_VALUE;
  private boolean drawn;

  ProgressBar(PrintWriter err, String label, long total, boolean enabled, LongSupplier nanoClock) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = enabled && total > 0;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /** A bar that draws only when stderr is a terminal, the input is long and {@code quiet} is off. */
  static ProgressBar forInput(PrintWriter err, String label, long total, boolean quiet) {
    boolean on = !quiet && total >= MIN_BYTES && stderrIsTerminal();
    return new ProgressBar(err, label, total, on, System::nanoTime);
  }

  /** Reports that {@code done} bytes have been read. */
  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    err.print("\r" + render(done, now - startNanos));
    err.flush();
  }

  /** Erases the bar. */
  void finish() {
    if (enabled && drawn) {
      err.print("\r" + " ".repeat(render(total, 1).length()) + "\r");
      err.flush();
    }
  }

  String render(long done, long elapsedNanos) {
    long d = Math.min(done, total);
    int filled = (int) (WIDTH * d / total);
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s/%s %s/s", label, "#".repeat(filled),
        ".".repeat(WIDTH - filled), 100 * d / total, mib(d), mib(total), mib((long) (d / seconds)));
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /**
   * True if the process's standard error is a terminal. Linux: where {@code /proc/self/fd/2} points;
   * elsewhere the JDK's console check (stdin and stdout are terminals) stands in.
   */
  static boolean stderrIsTerminal() {
    try {
      Path fd2 = Path.of("/proc/self/fd/2");
      if (Files.isSymbolicLink(fd2)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (Exception ignored) {
      // fall through
    }
    return System.console() != null;
  }
}
