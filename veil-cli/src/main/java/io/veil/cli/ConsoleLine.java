package io.veil.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.util.Map;

/**
 * A line the CLI writes on standard error itself, not through logging: a warning or an error before or instead of
 * the logs ({@code veil serve}'s start, the unknown-variable warning). Text: {@code veil: MESSAGE} (a warning
 * {@code veil: warning: MESSAGE}). With {@code VEIL_LOG_FORMAT=json} one JSON object with the fields of the log
 * lines ({@link LogEncoder}: {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName} {@code veil},
 * {@code formattedMessage}, {@code throwable} null), written by the same encoder ({@link LogEncoder#jsonLine}), so a
 * log shipper reading that stream parses every line alike (before, these were the plain text lines among JSON ones).
 *
 * <p>Thread safety: stateless; a line is one {@code println} on the writer given.
 *
 * <p><b>Security:</b> writes the message as given; callers pass the same one-line messages as before (names of keys,
 * variables and files, never values or input text).
 */
final class ConsoleLine {
  private ConsoleLine() {}

  /** A warning line (the command goes on). */
  static void warning(PrintWriter err, Map<String, String> env, String message) {
    write(err, env, Level.WARN, "warning: " + message, message);
  }

  /** An error or notice line of the command ({@code veil: MESSAGE}; JSON level {@code ERROR}). */
  static void error(PrintWriter err, Map<String, String> env, String message) {
    write(err, env, Level.ERROR, message, message);
  }

  /** A notice that is not a problem ({@code veil: MESSAGE}; JSON level {@code INFO}). */
  static void info(PrintWriter err, Map<String, String> env, String message) {
    write(err, env, Level.INFO, message, message);
  }

  private static void write(PrintWriter err, Map<String, String> env, Level level, String text, String message) {
    if ("json".equals(env.get("VEIL_LOG_FORMAT"))) {
      err.println(LogEncoder.jsonLine(level, "veil", message));
    } else {
      err.println("veil: " + text);
    }
    err.flush();
  }
}
