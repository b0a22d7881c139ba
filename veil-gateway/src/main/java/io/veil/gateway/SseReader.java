package io.veil.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Parses a server-sent event stream incrementally from bytes as they arrive: each {@link #next()}
 * returns as soon as one event is complete. Lines are bounded ({@link #MAX_EVENT_BYTES}); longer
 * input is an error rather than unbounded memory.
 *
 * <p>Not thread-safe.
 */
final class SseReader {
  static final int MAX_EVENT_BYTES = 4 << 20;

  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int len;
  /** The last line ended with a CR, so a LF that follows it is part of that line end. */
  private boolean afterCr;

  SseReader(InputStream in) {
    this.in = in;
  }

  /** The next event, or null at the end of input. */
  SseEvent next() throws IOException {
    String event = null;
    StringBuilder data = null;
    int size = 0;
    while (true) {
      String line = readLine();
      if (line == null) {
        return data == null ? null : new SseEvent(event, data.toString());
      }
      size += line.length();
      if (size > MAX_EVENT_BYTES) {
        throw new IOException("upstream event exceeds " + MAX_EVENT_BYTES + " bytes");
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new SseEvent(event, data.toString());
        }
        event = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> { } // id, retry and unknown fields are not forwarded
      }
    }
  }

  /**
   * Reads one line. CR LF, LF and a bare CR all end a line, as the SSE specification says: a CR left
   * inside a line would reach the client, whose parser splits there, so what Veil restored and what
   * the client reads would differ.
   */
  private String readLine() throws IOException {
    ByteArrayOutputStream line = null;
    while (true) {
      if (pos == len) {
        len = in.read(buf);
        pos = 0;
        if (len <= 0) {
          len = 0;
          return line == null ? null : line.toString(StandardCharsets.UTF_8);
        }
      }
      if (afterCr) {
        afterCr = false;
        if (buf[pos] == '\n') {
          pos++; // the LF of a CR LF whose CR ended the previous line
          continue;
        }
      }
      int start = pos;
      while (pos < len && buf[pos] != '\n' && buf[pos] != '\r') {
        pos++;
      }
      if (line == null) {
        line = new ByteArrayOutputStream(Math.max(64, pos - start));
      }
      line.write(buf, start, pos - start);
      if (line.size() > MAX_EVENT_BYTES) {
        throw new IOException("upstream line exceeds " + MAX_EVENT_BYTES + " bytes");
      }
      if (pos < len) {
        afterCr = buf[pos] == '\r';
        pos++;
        return line.toString(StandardCharsets.UTF_8);
      }
    }
  }

  /** Writes one event in SSE syntax. */
  static byte[] encode(SseEvent e) {
    StringBuilder sb = new StringBuilder(e.data().length() + 32);
    if (e.event() != null) {
      sb.append("event: ").append(e.event()).append('\n');
    }
    for (String line : e.data().split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
