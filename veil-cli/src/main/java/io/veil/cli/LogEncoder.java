package io.veil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's log encoder (logback.xml): the text line, or with {@code format} {@code json} one JSON object
 * per line for log shippers (logback's {@link JsonEncoder}: timestamp, level, logger, thread, the
 * formatted message, the throwable; not the raw template and its arguments, two more copies of the line).
 * One appender with a switchable encoder, because a second, unreferenced appender makes logback print its
 * whole status report on every start. An unknown format falls back to text; {@code veil serve} refuses it.
 *
 * <p>The lines the CLI writes itself before or instead of logging ({@link ConsoleLine}) come from here too
 * ({@link #jsonLine}), so that with {@code json} they are the log lines' twins to the byte.
 *
 * <p>Thread safety: as logback's encoders (called under the appender's lock); {@link #jsonLine} is safe from any
 * thread (an encoder of its own per call).
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  private String format = "text";
  private String pattern = "%msg%n";
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format == null ? "text" : format.strip();
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** The context of the encoders {@link #jsonLine} makes: encoding needs none, starting one needs a context. */
  private static final ContextBase LINE_CONTEXT = new ContextBase();

  /**
   * The line, without its line break, that the {@code json} format writes for an event of {@code level} from the
   * logger {@code loggerName} on the calling thread, now, with {@code message} as its formatted message and no
   * throwable.
   *
   * <p><b>Security:</b> the message is written as given; pass no personal data or secret values.
   */
  static String jsonLine(Level level, String loggerName, String message) {
    LoggingEvent event = new LoggingEvent();
    event.setLevel(level);
    event.setLoggerName(loggerName);
    event.setThreadName(Thread.currentThread().getName());
    event.setTimeStamp(System.currentTimeMillis());
    event.setMessage(message);
    LogEncoder json = new LogEncoder();
    json.setContext(LINE_CONTEXT);
    json.setFormat("json");
    json.start();
    try {
      String line = new String(json.encode(event), StandardCharsets.UTF_8);
      return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    } finally {
      json.stop();
    }
  }

  @Override
  public void start() {
    if (format.equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMDC(false);
      json.setWithKVPList(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      delegate = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(pattern);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
