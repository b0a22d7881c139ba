package io.veil.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON lines (one object a line, as {@code veil audit export} writes them) turned, as they stream through, into one
 * document, the admin API's list envelope {@code {"data":[object,object,…]}} on one line: what {@code --json} prints
 * for every admin command. Nothing is held back but one pending separator, so memory stays bounded for any export.
 * Relies on JSON lines' rule that a newline only ends a line (inside strings it is escaped); blank lines are dropped.
 *
 * <p>Thread safety: none (one writer). Failure: the underlying stream's {@link IOException}s.
 */
final class JsonLinesEnvelope extends FilterOutputStream {
  private static final byte[] OPEN = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '['};
  private static final byte[] CLOSE = {']', '}', '\n'};
  /** Whether a line has begun (its first byte written). */
  private boolean inLine;
  /** Whether an object was written, so the next line needs a comma before it. */
  private boolean any;
  private boolean finished;

  JsonLinesEnvelope(OutputStream out) throws IOException {
    super(out);
    out.write(OPEN);
  }

  @Override
  public void write(int b) throws IOException {
    if (b == '\n' || b == '\r') {
      inLine = false;
      return;
    }
    if (!inLine) {
      if (b == ' ' || b == '\t') {
        return; // white space between lines
      }
      if (any) {
        out.write(',');
      }
      inLine = true;
      any = true;
    }
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      // whole runs inside a line go through at once; line ends and line starts take the byte path
      if (b[i] == '\n' || b[i] == '\r' || !inLine) {
        if (i > start) {
          out.write(b, start, i - start);
        }
        write(b[i]);
        start = i + 1;
      }
    }
    if (end > start) {
      out.write(b, start, end - start);
    }
  }

  /**
   * Ends the document ({@code ]}} and a newline) and flushes; the underlying stream stays open (stdout, or a file
   * its writer commits). Once; later calls do nothing.
   */
  void finish() throws IOException {
    if (!finished) {
      finished = true;
      out.write(CLOSE);
      out.flush();
    }
  }

  /** {@link #finish()}, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }
}
