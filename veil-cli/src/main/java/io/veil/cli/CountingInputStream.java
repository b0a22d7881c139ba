package io.veil.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it and reports them to a {@link ProgressBar}. Not thread-safe. */
final class CountingInputStream extends FilterInputStream {
  private final ProgressBar progress;
  private long count;

  CountingInputStream(InputStream in, ProgressBar progress) {
    super(in);
    this.progress = progress;
  }

  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long k = super.skip(n);
    advance(k);
    return k;
  }

  private void advance(long n) {
    count += n;
    progress.update(count);
  }
}
