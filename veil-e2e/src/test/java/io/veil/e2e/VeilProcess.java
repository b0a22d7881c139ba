package io.veil.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code veil ...} command running as a real child JVM: {@code io.veil.cli.VeilCli} started with this test
 * JVM's java and class path, its stdout and stderr going to a log file. Closing it stops the process (SIGTERM,
 * then SIGKILL after 10 s).
 */
final class VeilProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private VeilProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static VeilProcess start(String name, Path log, List<String> veilArgs) {
    return start(name, log, veilArgs, java.util.Map.of());
  }

  /** As {@link #start(String, Path, List)}, with {@code env} added to the child's environment. */
  static VeilProcess start(String name, Path log, List<String> veilArgs, java.util.Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.veil.cli.VeilCli");
    command.addAll(veilArgs);
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().remove("OPENAI_API_KEY"); // the gateway must not pick up a real provider key
      pb.environment().putAll(env);
      return new VeilProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start veil " + name, e);
    }
  }

  /** Waits for a line of output matching {@code pattern}; returns the match, or fails with the log's tail. */
  Matcher awaitOutput(Pattern pattern, Duration timeout) {
    Matcher[] found = new Matcher[1];
    awaitCondition(() -> {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        found[0] = m;
        return true;
      }
      return false;
    }, timeout, "output matching " + pattern);
    return found[0];
  }

  /** Polls {@code ready} until true; fails early, with the log's tail, if the process exits. */
  void awaitCondition(BooleanSupplier ready, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("veil " + name + " exited with code " + process.exitValue()
            + " before " + what + "; its output:\n" + tail());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for veil " + name, e);
      }
    }
    throw new IllegalStateException("veil " + name + " did not show " + what + " within " + timeout
        + "; its output:\n" + tail());
  }

  /** kill -9: the process gets no chance to flush, checkpoint or close anything. Returns the exit code. */
  int kill() {
    try {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("veil " + name + " did not die within 30 s of SIGKILL");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing veil " + name, e);
    }
  }

  /** Waits for a normal exit (after {@link #close()} or on its own); returns the exit code. */
  int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("veil " + name + " still running after " + timeout + "; output:\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String tail() {
    String out = output();
    return out.length() <= 4000 ? out : "..." + out.substring(out.length() - 4000);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
