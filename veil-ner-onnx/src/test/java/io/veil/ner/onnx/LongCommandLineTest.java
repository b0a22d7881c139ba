package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: ONNX Runtime's native initialisation recursed in proportion to the command line's length
 * and overflowed a 1 MB thread stack, killing the JVM with SIGSEGV when {@code ./veil} passed an 8 KB class
 * path. Surefire passes a short command line, so this runs the engine in a child JVM with a 16 KB one.
 */
class LongCommandLineTest {

  /** Child process: loads the engine from the folder in args[0] and prints what it finds. */
  public static void main(String[] args) {
    try (OnnxNerEngine e = OnnxNerEngine.open(Map.of("dir", args[0]))) {
      String text = "hello John Smith";
      e.analyze(text, null).forEach(f -> System.out.println(f.type() + "=" + f.value(text)));
    }
  }

  @Test
  void theEngineLoadsInAJvmWithALongCommandLine(@TempDir Path tmp) throws Exception {
    Path dir = TinyNerModel.standard().writeTo(tmp.resolve("m"));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String padding = "x".repeat(16_000);
    Process p = new ProcessBuilder(List.of(java, "-Xss1m", "--enable-native-access=ALL-UNNAMED",
        "-Dveil.test.padding=" + padding, "-cp", classPath, LongCommandLineTest.class.getName(), dir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("child JVM exit code; output:%n%s", out).isZero();
    assertThat(out).contains("PERSON=John Smith");
    assertThat(classPath).contains(File.pathSeparator);
  }
}
