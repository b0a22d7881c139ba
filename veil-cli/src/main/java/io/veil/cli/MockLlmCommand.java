package io.veil.cli;

import io.veil.gateway.mock.MockLlm;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil mock-llm --port N [--record FILE]}: runs the OpenAI-compatible stub LLM ({@link MockLlm}) on
 * 127.0.0.1 until the process is stopped. Prints one line {@code mock-llm listening on http://127.0.0.1:PORT}
 * to stdout once it accepts connections (with {@code --port 0}, the port chosen).
 *
 * <p><b>Security:</b> the record file receives every request body in clear text; it is meant for tests and
 * benchmarks, where it shows what a provider would have received.
 */
@Command(
    name = "mock-llm",
    mixinStandardHelpOptions = true,
    description = {
        "Runs an OpenAI-compatible stub LLM on 127.0.0.1 that answers with the last user message, verbatim,",
        "streamed in small chunks when asked to (chat/completions, completions, responses, embeddings, models)."})
public final class MockLlmCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8089", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--record", paramLabel = "FILE", description = "Append every request body received to FILE, one JSON line each.")
  Path record;

  @Option(names = "--seed", defaultValue = "" + MockLlm.DEFAULT_SEED, hidden = true,
      description = "Seed deciding how streamed answers are split into chunks.")
  long seed;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
    }
    MockLlm mock;
    try {
      mock = MockLlm.start(port, record, seed);
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("veil mock-llm: " + e.getMessage()
          + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mock.close();
      stopped.countDown();
    }, "mock-llm-shutdown"));
    spec.commandLine().getOut().println("mock-llm listening on " + mock.baseUrl()
        + (record != null ? " (recording request bodies to " + record + ")" : ""));
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
