package io.veil.cli;

/**
 * A problem with the user's input or options. {@link VeilCli} prints {@code veil: <message>} on one
 * line and exits with code 2. <b>Security:</b> messages name files, lines and options, never input text.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }
}
