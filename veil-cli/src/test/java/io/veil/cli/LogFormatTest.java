package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The shipped logback.xml: {@code VEIL_LOG_FORMAT=json} gives one JSON object per line (for log shippers),
 * the default stays the text line; both on stderr.
 */
class LogFormatTest {
  /** What the shipped configuration writes for one access-log line and one error with an exception. */
  private static String logWith(String format) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what SLF4J's provider does
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (format != null) {
        ctx.putProperty("VEIL_LOG_FORMAT", format);
      }
      JoranConfigurator config = new JoranConfigurator();
      config.setContext(ctx);
      config.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      // a WARN or ERROR while configuring makes logback print its whole status report on every CLI start
      assertThat(ctx.getStatusManager().getCopyOfStatusList()).as("configuration status")
          .allSatisfy(st -> assertThat(st.getLevel()).as(st.getMessage()).isLessThan(ch.qos.logback.core.status.Status.WARN));
      ctx.getLogger("veil.access").info("chat_completions status={} ms={}", 200, 7);
      ctx.getLogger("io.veil.gateway.Gateway").warn("upstream stream ended abnormally",
          new java.io.IOException("broken pipe"));
    } finally {
      ctx.stop();
      System.setErr(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    String out = logWith("json");
    String[] lines = out.strip().split("\n");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode access = json.readTree(lines[0]);
    assertThat(access.path("level").asText()).isEqualTo("INFO");
    assertThat(access.path("loggerName").asText()).isEqualTo("veil.access");
    assertThat(access.path("formattedMessage").asText()).isEqualTo("chat_completions status=200 ms=7");
    assertThat(access.path("timestamp").asLong()).isPositive();
    assertThat(access.has("arguments")).as("the message once, not also its arguments").isFalse();
    JsonNode error = json.readTree(lines[1]);
    assertThat(error.path("level").asText()).isEqualTo("WARN");
    assertThat(error.path("throwable").path("className").asText()).isEqualTo("java.io.IOException");
  }

  @Test
  void theDefaultIsTheTextLine() throws Exception {
    String out = logWith(null);
    assertThat(out).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  veil.access chat_completions status=200 ms=7");
    assertThat(out).doesNotContain("{\"");
  }
}
