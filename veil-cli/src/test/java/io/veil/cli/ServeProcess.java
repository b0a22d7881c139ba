package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code veil serve} in a child process, for tests of the commands that must go through a running gateway's APIs
 * (H2 allows one process). Started with the given arguments plus {@code --port 0 --upstream mock}; ready once it has
 * written {@code DATA_DIR/gateway.url}; stopped (SIGTERM) by {@link #close()}.
 */
final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final URI url;

  private ServeProcess(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts the gateway and waits up to a minute for it to announce itself in {@code dataDir}.
   *
   * @param log where its stdout and stderr go (shown when it does not start)
   */
  static ServeProcess start(Path dataDir, Path log, String... serveArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), "io.veil.cli.VeilCli",
        "serve"));
    cmd.addAll(List.of(serveArgs));
    cmd.addAll(List.of("--port", "0", "--upstream", "mock"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path urlFile = dataDir.resolve(RunningGateway.URL_FILE);
    for (int i = 0; i < 600 && !Files.exists(urlFile) && p.isAlive(); i++) {
      Thread.sleep(100);
    }
    if (!Files.exists(urlFile)) {
      p.destroy();
    }
    assertThat(urlFile).as(Files.exists(log) ? Files.readString(log) : "").exists();
    return new ServeProcess(p, RunningGateway.announced(dataDir).orElseThrow());
  }

  /** The base URL it announced ({@code http://127.0.0.1:PORT} or {@code https://…}). */
  URI url() {
    return url;
  }

  /** Kills it as {@code kill -9} does (no shutdown hook runs: its gateway.url stays behind) and waits for the end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
