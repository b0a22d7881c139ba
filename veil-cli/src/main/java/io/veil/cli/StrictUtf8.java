package io.veil.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 strictly: malformed or unmappable bytes are an error, never silently replaced (a
 * replaced byte could hide part of a value from detection). Not thread-safe: one per reader.
 */
final class StrictUtf8 {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Thrown with the byte offset of the first bad byte; carries no input. */
  static final class MalformedException extends Exception {
    final int byteOffset;

    MalformedException(int byteOffset) {
      super("invalid UTF-8", null, false, false);
      this.byteOffset = byteOffset;
    }
  }

  /** Decodes {@code bytes[0, length)}; a leading byte-order mark is dropped if {@code stripBom}. */
  String decode(byte[] bytes, int length, boolean stripBom) throws MalformedException {
    int from = 0;
    if (stripBom && length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
      from = 3;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, from, length - from);
    CharBuffer out = CharBuffer.allocate(length - from);
    decoder.reset();
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      throw new MalformedException(in.position());
    }
    r = decoder.flush(out);
    if (r.isError()) {
      throw new MalformedException(in.position());
    }
    out.flip();
    return out.toString();
  }

  /** 1-based line number of the byte at {@code offset}. */
  static long lineOf(byte[] bytes, int offset) {
    long line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
