package io.veil.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code jdbc:h2:diskfull:/path/db}) that passes everything to the default one
 * until {@link #full(boolean) full(true)}: from then on every write, truncate and force fails with
 * "No space left on device", as on a full disk, until it is set back. Lets a test fill the disk under
 * a running H2 database without root tricks (the tests run as root, where a read-only file would
 * still be writable) and without a mock of Veil's own classes.
 */
public final class DiskFullFileSystem extends FilePathWrapper {
  static final String SCHEME = "diskfull";
  private static final AtomicBoolean FULL = new AtomicBoolean();
  private static final AtomicBoolean REGISTERED = new AtomicBoolean();

  /** Makes {@code jdbc:h2:diskfull:...} URLs work in this JVM. */
  static void register() {
    if (REGISTERED.compareAndSet(false, true)) {
      FilePath.register(new DiskFullFileSystem());
    }
  }

  static void full(boolean full) {
    FULL.set(full);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return new Channel(getBase().open(mode));
  }

  private static void check() throws IOException {
    if (FULL.get()) {
      throw new IOException("No space left on device");
    }
  }

  /** Delegates to the real channel; writes fail while the disk is "full". */
  private static final class Channel extends FileChannel {
    private final FileChannel base;

    Channel(FileChannel base) {
      this.base = base;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return base.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return base.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      check();
      return base.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      check();
      return base.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return base.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      base.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return base.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      check();
      base.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      check();
      base.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return base.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      check();
      return base.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return base.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      check();
      return base.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return base.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return base.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      base.close();
    }
  }
}
