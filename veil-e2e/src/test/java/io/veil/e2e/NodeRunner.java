package io.veil.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs node and npm commands for the e2e tests in one folder ({@code src/test/node}, {@code src/test/browser}):
 * output to a log file under {@link E2eStack#workDir()}, a time limit after which the process is killed.
 *
 * @param dir the working folder of the commands
 * @param timeoutMinutes how long one command may run
 */
record NodeRunner(Path dir, long timeoutMinutes) {

  /** A finished command: its exit code (-1 when it ran out of time) and its whole output. */
  record Result(int exitCode, String output) {}

  /** Runs {@code command} in {@link #dir} with {@code env} added, its output in {@code logName}. */
  Result run(List<String> command, Map<String, String> env, String logName) throws Exception {
    Path log = E2eStack.workDir().resolve(logName);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Result(-1, "timed out after " + timeoutMinutes + " min\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** {@code npm ci} (the committed lockfile) in {@link #dir}. */
  Result npmCi(String logName) throws Exception {
    return run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), logName);
  }

  /** The major version of {@code node} on the PATH, or -1 where there is none. */
  static int nodeMajorVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return -1;
      }
      Matcher m = Pattern.compile("^v(\\d+)").matcher(out);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
