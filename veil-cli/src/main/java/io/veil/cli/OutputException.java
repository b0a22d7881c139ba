package io.veil.cli;

/**
 * The output could not be written (disk full, no permission). Exit code 1; the message names the
 * output file and the kind of failure, never any content.
 */
final class OutputException extends RuntimeException {
  OutputException(String message) {
    super(message, null, false, false);
  }
}
