package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lines the CLI writes itself: the text line as it always was, and with {@code VEIL_LOG_FORMAT=json} the very bytes
 * the shipped logback configuration writes for a logged event of the same level, logger {@code veil}, thread and
 * message (only the timestamp differs), so a log shipper cannot tell the two kinds of line apart.
 */
class ConsoleLineTest {
  /** Characters a JSON writer may escape differently: quote, backslash, slash, controls, a line separator, non-ASCII. */
  private static final String MESSAGE = "cannot read /tmp/k\u00e9ys \"a\" \\ \t\u0001 \u2028 </x>";

  private static String console(String level, Map<String, String> env) {
    StringWriter out = new StringWriter();
    BiConsumer<PrintWriter, String> write = switch (level) {
      case "WARN" -> (err, m) -> ConsoleLine.warning(err, env, m);
      case "ERROR" -> (err, m) -> ConsoleLine.error(err, env, m);
      default -> (err, m) -> ConsoleLine.info(err, env, m);
    };
    write.accept(new PrintWriter(out), MESSAGE);
    return out.toString();
  }

  /** What the shipped logback.xml writes with {@code VEIL_LOG_FORMAT=json} for one event of logger {@code veil}. */
  private static String logged(String level) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      ctx.putProperty("VEIL_LOG_FORMAT", "json");
      JoranConfigurator config = new JoranConfigurator();
      config.setContext(ctx);
      config.doConfigure(ConsoleLineTest.class.getResource("/logback.xml"));
      org.slf4j.Logger logger = ctx.getLogger("veil");
      switch (level) {
        case "WARN" -> logger.warn(MESSAGE);
        case "ERROR" -> logger.error(MESSAGE);
        default -> logger.info(MESSAGE);
      }
    } finally {
      ctx.stop();
      System.setErr(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static String withoutTimestamp(String line) {
    return line.replaceFirst("\"timestamp\":\\d+", "\"timestamp\":0");
  }

  @ParameterizedTest
  @CsvSource({"WARN", "ERROR", "INFO"})
  void jsonLinesAreTheLogLinesToTheByte(String level) throws Exception {
    String console = console(level, Map.of("VEIL_LOG_FORMAT", "json"));
    String logged = logged(level);
    assertThat(console).endsWith("\n").hasLineCount(1);
    assertThat(withoutTimestamp(console)).isEqualTo(withoutTimestamp(logged));

    JsonNode line = new ObjectMapper().readTree(console);
    assertThat(line.path("level").asText()).isEqualTo(level);
    assertThat(line.path("loggerName").asText()).isEqualTo("veil");
    assertThat(line.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.path("formattedMessage").asText()).as("the message as given, no 'warning:' prefix").isEqualTo(MESSAGE);
    assertThat(line.path("timestamp").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"WARN|'veil: warning: '", "ERROR|'veil: '", "INFO|'veil: '"})
  void textLinesAreUnchanged(String level, String prefix) {
    assertThat(console(level, Map.of())).isEqualTo(prefix + MESSAGE + System.lineSeparator());
    assertThat(console(level, Map.of("VEIL_LOG_FORMAT", "text"))).isEqualTo(prefix + MESSAGE + System.lineSeparator());
  }
}
