package io.veil.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes written on to a {@link Writer} as text, decoded as they arrive (a bounded buffer, whatever the
 * length), so that a command streaming bytes (an export) writes to the command line's own output like every other
 * command rather than around it to {@code System.out}. Malformed input is replaced, never an error. {@link #close()}
 * flushes but does not close the writer.
 *
 * <p>Not thread-safe: one writer thread.
 */
final class DecodingOutputStream extends OutputStream {
  private static final int BUFFER = 8192;
  private final Writer writer;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer in = ByteBuffer.allocate(BUFFER);
  private final CharBuffer out = CharBuffer.allocate(BUFFER);

  DecodingOutputStream(Writer writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, in.remaining());
      in.put(b, off, n);
      off += n;
      len -= n;
      decode(false);
    }
  }

  /** Decodes what is buffered (a character cut between two writes waits for its last bytes) and writes it on. */
  private void decode(boolean end) throws IOException {
    in.flip();
    decoder.decode(in, out, end); // UTF-8 never gives more chars than bytes: out (as large as in) cannot overflow
    if (end) {
      decoder.flush(out);
    }
    in.compact();
    out.flip();
    writer.append(out);
    out.clear();
  }

  @Override
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    decode(true);
    writer.flush();
  }
}
