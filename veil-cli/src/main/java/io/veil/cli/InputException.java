package io.veil.cli;

/**
 * Bad input or bad usage that the user must fix: printed as one line {@code veil: <message>} and
 * answered with exit code {@link VeilCli#EXIT_USAGE}.
 *
 * <p><b>Security:</b> the message names the source, the line and the kind of problem, never any part
 * of the input text (it may be personal data).
 */
final class InputException extends RuntimeException {
  InputException(String message) {
    super(message, null, false, false);
  }

  /** {@code <source>:<line>: <problem>}, or {@code <source>: <problem>} when the line is unknown (0). */
  static InputException at(String source, long line, String problem) {
    return new InputException(line > 0 ? source + ":" + line + ": " + problem : source + ": " + problem);
  }
}
