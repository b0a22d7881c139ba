package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {
  /** Delivers at most one byte per read, the worst case of network chunking. */
  private static InputStream trickle(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(1, len));
      }
    };
  }

  private static List<SseEvent> all(InputStream in) throws Exception {
    SseReader r = new SseReader(in);
    List<SseEvent> out = new ArrayList<>();
    for (SseEvent e = r.next(); e != null; e = r.next()) {
      out.add(e);
    }
    return out;
  }

  @Test
  void parsesEventsDataLinesCommentsAndCrLf() throws Exception {
    String s = ": keep-alive\n\nevent: response.created\r\ndata: {\"a\":1}\r\n\r\ndata: line1\ndata: line2\nid: 5\n\ndata: ü€\n\ndata: [DONE]\n\n";
    List<SseEvent> events = all(trickle(s));
    assertThat(events).containsExactly(new SseEvent("response.created", "{\"a\":1}"),
        new SseEvent(null, "line1\nline2"), new SseEvent(null, "ü€"), new SseEvent(null, "[DONE]"));
    assertThat(events.getLast().isDone()).isTrue();
  }

  @Test
  void lastEventWithoutBlankLineIsKept() throws Exception {
    assertThat(all(trickle("data: x"))).containsExactly(new SseEvent(null, "x"));
  }

  @Test
  void encodeRoundTrips() throws Exception {
    SseEvent e = new SseEvent("t", "a\nb");
    assertThat(all(new ByteArrayInputStream(SseReader.encode(e)))).containsExactly(e);
  }
}
