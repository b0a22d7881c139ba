package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code ./veil} launcher (bash, at the repository root): how it picks a JDK when the default one is too old,
 * and the checks of {@code VEIL_*} values it makes before a build or a JVM start. Runs the real script; no case
 * here gets as far as building or starting Java.
 */
class LauncherTest {
  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Path launcher() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isRegularFile(root.resolve("veil"))) {
      root = root.getParent();
    }
    assertThat(root).as("the ./veil launcher above the module").isNotNull();
    return root.resolve("veil");
  }

  Run run(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", launcher().toString())));
    pb.command().addAll(List.of(args));
    pb.environment().keySet().removeIf(k -> k.startsWith("VEIL_"));
    pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toRealPath().toString());
    pb.environment().putAll(env);
    pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
    return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
  }

  /** A directory that looks like a JDK 17 to the launcher: {@code bin/java} reports specification 17. */
  Path fakeJdk17() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("jdk-17/bin"));
    for (String tool : List.of("java", "javac")) {
      Path f = bin.resolve(tool);
      Files.writeString(f, "#!/bin/sh\necho '    java.specification.version = 17' >&2\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin.getParent();
  }

  /**
   * JAVA_HOME and the first {@code java} on PATH are a JDK 17 (as on a machine whose default Java is 17): the
   * launcher takes the JDK 21+ further down the PATH and says on stderr that JAVA_HOME was passed over. Before,
   * it looked only at the first {@code java} on PATH and dropped JAVA_HOME without a word.
   */
  @Test
  void aJavaHomeAndADefaultJavaOf17ArePassedOverAndTheUserIsTold() throws Exception {
    Path old = fakeJdk17();
    Path current = Path.of(System.getProperty("java.home")).toRealPath();
    String path = old.resolve("bin") + ":" + current.resolve("bin") + ":/usr/bin:/bin";
    Run r = run(Map.of("JAVA_HOME", old.toString(), "PATH", path), "--print-java-home");
    assertThat(r.exit()).as(r.err()).isZero();
    Path chosen = Path.of(r.out().strip()).toRealPath();
    assertThat(chosen).isNotEqualTo(old.toRealPath());
    assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
    assertThat(r.err()).contains("veil: JAVA_HOME is not a JDK 21 or newer; using " + r.out().strip());
    assertThat(r.out().lines().count()).as("stdout stays one path, for scripts").isEqualTo(1);

    Run good = run(Map.of("JAVA_HOME", current.toString(), "PATH", path), "--print-java-home");
    assertThat(Path.of(good.out().strip()).toRealPath()).isEqualTo(current);
    assertThat(good.err()).as("nothing to say when JAVA_HOME is used").doesNotContain("JAVA_HOME");
  }

  /** A bad number in a VEIL_* variable is reported in one line, exit 2, before any build or JVM start. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "VEIL_PORT|80a|VEIL_PORT must be a whole number",
      "VEIL_PORT|70000|VEIL_PORT must be 0-65535",
      "VEIL_PORT|00000070000|VEIL_PORT must be 0-65535",
      "VEIL_MAX_CONNECTIONS|-5|VEIL_MAX_CONNECTIONS must be a whole number",
      "VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES|64MB|VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES must be a whole number",
      "VEIL_HEADER_TIMEOUT_SECONDS|sk-secret-value|VEIL_HEADER_TIMEOUT_SECONDS must be a whole number"})
  void aBadNumberIsReportedBeforeTheJvmStarts(String name, String value, String message) throws Exception {
    Run r = run(Map.of(name, value), "--version");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("veil: " + message);
    assertThat(r.err()).as("the value is never echoed").doesNotContain(value);
    assertThat(r.out()).isEmpty();
  }

  /** A blank variable counts as not set (the gateway's rule), so the check goes on to the next one. */
  @Test
  void aBlankNumberIsNotSet() throws Exception {
    Run r = run(Map.of("VEIL_PORT", "  ", "VEIL_SHUTDOWN_TIMEOUT_SECONDS", "ten"), "--version");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("veil: VEIL_SHUTDOWN_TIMEOUT_SECONDS must be a whole number");
  }
}
