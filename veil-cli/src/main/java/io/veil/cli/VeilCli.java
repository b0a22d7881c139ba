package io.veil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code veil} command: entry point of the command line. */
@Command(
    name = "veil",
    mixinStandardHelpOptions = true,
    versionProvider = VeilCli.Version.class,
    description = "Veil: a privacy gateway for the ChatGPT API and OpenAI-compatible LLM APIs.",
    subcommands = {
        CommandLine.HelpCommand.class,
        picocli.AutoComplete.GenerateCompletion.class,
        EvalCommand.class,
        NerCommand.class,
        MockLlmCommand.class,
        ServeCommand.class,
        KeysCommand.class,
        AuditCommand.class,
        DoctorCommand.class,
        ConsentCommand.class,
        DsrCommand.class,
        RetentionCommand.class,
        PrivacyCommand.class,
        AnalyzeCommand.class,
        RedactCommand.class,
    })
public final class VeilCli implements Runnable {

  /** Exit code for bad input or bad usage. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** Builds the command line with Veil's error handling, for {@link #main} and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new VeilCli());
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("veil: " + ex.getMessage());
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof CliException) {
        commandLine.getErr().println("veil: " + ex.getMessage());
        return EXIT_USAGE;
      }
      // never print the exception message of unknown errors: it might quote input
      commandLine.getErr().println("veil: internal error (" + ex.getClass().getSimpleName() + ")");
      return 1;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VeilCli.class.getPackage().getImplementationVersion();
      return new String[] {"veil " + (v == null ? "development build" : v)};
    }
  }
}
