package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the upstream SSE parser with arbitrary bytes (invalid UTF-8, bare CR, NUL, huge lines)
 * delivered in reads of fuzzer-chosen sizes. Properties:
 * <ul>
 *   <li>only {@link IOException} is thrown (the documented refusal of an oversized event);</li>
 *   <li>how the network cuts the bytes does not change the events;</li>
 *   <li>no event name or data holds a CR, and no event name a LF: CR, LF and CRLF all end a line in
 *       SSE, so such an event re-encoded for the client would split into lines the client parses
 *       differently from what Veil restored;</li>
 *   <li>re-encoding an event and parsing it again gives the same event.</li>
 * </ul>
 */
class SseReaderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void chunkingAndReencodingDoNotChangeEvents(FuzzedDataProvider data) throws IOException {
    int[] reads = new int[data.consumeInt(0, 8)];
    for (int i = 0; i < reads.length; i++) {
      reads[i] = data.consumeInt(1, 64);
    }
    byte[] bytes = data.consumeRemainingAsBytes();
    List<SseEvent> whole = events(new ByteArrayInputStream(bytes));
    List<SseEvent> cut = events(cutting(bytes, reads));
    if (whole == null || cut == null) {
      assertThat(cut).as("refusal independent of chunking").isEqualTo(whole);
      return;
    }
    assertThat(cut).as("events under chunked reads").isEqualTo(whole);
    for (SseEvent e : whole) {
      assertThat(e.data()).as("event data").doesNotContain("\r");
      if (e.event() != null) {
        assertThat(e.event()).as("event name").doesNotContain("\r").doesNotContain("\n");
      }
      assertThat(events(new ByteArrayInputStream(SseReader.encode(e)))).as("re-encoded").containsExactly(e);
    }
  }

  /** The events, or null if the reader refused the stream with an IOException. */
  private static List<SseEvent> events(InputStream in) {
    SseReader reader = new SseReader(in);
    List<SseEvent> out = new ArrayList<>();
    try {
      for (SseEvent e = reader.next(); e != null; e = reader.next()) {
        out.add(e);
      }
    } catch (IOException refused) {
      return null;
    }
    return out;
  }

  private static InputStream cutting(byte[] bytes, int[] reads) {
    return new ByteArrayInputStream(bytes) {
      private int n;

      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int max = reads.length == 0 ? len : reads[n++ % reads.length];
        return super.read(b, off, Math.min(max, len));
      }
    };
  }
}
