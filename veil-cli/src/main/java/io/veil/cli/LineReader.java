package io.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads strictly decoded UTF-8 lines from a byte stream with bounded memory: a line longer than the
 * limit is an error, not an allocation. Accepts {@code \n} and {@code \r\n} line ends. Not thread-safe.
 */
final class LineReader {
  private final InputStream in;
  private final String source;
  private final int maxLineBytes;
  private final StrictUtf8 utf8 = new StrictUtf8();
  private final byte[] chunk = new byte[64 * 1024];
  private int chunkPos;
  private int chunkLen;
  private byte[] line = new byte[256];
  private long lineNumber;
  private boolean eof;

  LineReader(InputStream in, String source, int maxLineBytes) {
    this.in = in;
    this.source = source;
    this.maxLineBytes = maxLineBytes;
  }

  /** Number of the line last returned by {@link #next()}, 1-based. */
  long lineNumber() {
    return lineNumber;
  }

  /** The next line without its line end, or null at the end of the input. */
  String next() throws IOException {
    if (eof) {
      return null;
    }
    int len = 0;
    boolean sawAny = false;
    while (true) {
      if (chunkPos == chunkLen) {
        chunkLen = in.read(chunk);
        chunkPos = 0;
        if (chunkLen <= 0) {
          chunkLen = 0;
          eof = true;
          if (!sawAny) {
            return null;
          }
          break;
        }
      }
      sawAny = true;
      int nl = -1;
      for (int i = chunkPos; i < chunkLen; i++) {
        if (chunk[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? chunkLen : nl;
      int n = end - chunkPos;
      if ((long) len + n > maxLineBytes) {
        throw InputException.at(source, lineNumber + 1, "line longer than " + maxLineBytes + " bytes (see --max-bytes)");
      }
      if (len + n > line.length) {
        line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, len + n), Math.max(maxLineBytes, 1)));
      }
      System.arraycopy(chunk, chunkPos, line, len, n);
      len += n;
      chunkPos = nl < 0 ? chunkLen : nl + 1;
      if (nl >= 0) {
        break;
      }
    }
    lineNumber++;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    try {
      return utf8.decode(line, len, lineNumber == 1); // only the first line may start with a byte-order mark
    } catch (StrictUtf8.MalformedException e) {
      throw InputException.at(source, lineNumber, "invalid UTF-8");
    }
  }
}
