package io.veil.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code veil keys}, {@code veil audit}, ...): run without one, it prints its
 * usage, with the subcommands, on standard output and exits 0, as every group did on its own before.
 *
 * <p>Thread safety: as picocli's commands (one per parse).
 */
abstract class CommandGroup implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public final void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
