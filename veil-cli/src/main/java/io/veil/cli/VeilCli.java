package io.veil.cli;

import io.veil.gateway.KnownEnvironment;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code veil} command: entry point of the command line. */
@Command(
    name = "veil",
    mixinStandardHelpOptions = true,
    versionProvider = VeilCli.Version.class,
    description = "Veil: a privacy gateway for the ChatGPT API and OpenAI-compatible LLM APIs.",
    footer = {"", "Exit codes: 0 done; 2 bad usage or input, or a refusal (the store's, or a running gateway's 4xx",
        "answer: the admin commands exit alike on both paths); 1 a negative result (audit verify: altered,",
        "keys revoke: no such key, doctor: warnings) or an internal error (a gateway's 5xx answer)."},
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
    return newCommandLine(System.getenv());
  }

  /**
   * ... with this environment for the check of {@code VEIL_*} names: before a command runs, one line on
   * standard error names the {@code VEIL_*} variables that Veil does not read (misspelt ones do
   * nothing, silently, otherwise), with the likely intended name. Names only, never values (they may be
   * secrets). Commands that report the environment themselves ({@link ReportsEnvironment}: serve,
   * doctor) and help, version and completion output are left alone.
   */
  static CommandLine newCommandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new VeilCli());
    cl.setExecutionStrategy(parseResult -> {
      warnAboutUnknownVariables(parseResult, env);
      return new CommandLine.RunLast().execute(parseResult);
    });
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

  /** A command that checks the {@code VEIL_*} environment itself (so the command line does not warn twice). */
  interface ReportsEnvironment {}

  private static void warnAboutUnknownVariables(CommandLine.ParseResult parseResult, Map<String, String> env) {
    List<CommandLine> commands = parseResult.asCommandLineList();
    CommandLine last = commands.get(commands.size() - 1);
    Object command = last.getCommand();
    boolean helpOnly = false;
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      helpOnly |= p.isUsageHelpRequested() || p.isVersionHelpRequested();
    }
    if (helpOnly || command instanceof VeilCli || command instanceof ReportsEnvironment
        || command instanceof CommandLine.HelpCommand || command instanceof picocli.AutoComplete.GenerateCompletion) {
      return;
    }
    KnownEnvironment.warning(KnownEnvironment.unknown(env)).ifPresent(w -> ConsoleLine.warning(last.getErr(), env, w));
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
