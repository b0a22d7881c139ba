package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cryptography of a new conversation's subject key, old against new in one run (docs/notes/keycost.md;
 * the work itself is {@link SubjectKeyCryptoWork}): {@code *NewSubject} creates a subject key and seals
 * {@code values} vault values with it; {@code *ReadSubject} unwraps a stored key and opens the values;
 * {@code step*} are the parts; {@code freshThread*} run the work on a new virtual thread per operation, as the
 * gateway runs each request (Tink's per-thread SecureRandom, Cipher and Mac are set up again on each).
 * On a shared box prefer {@link SubjectKeyCryptoAB} (interleaved, thread CPU time) for the old/new ratio.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class SubjectKeyCryptoBenchmark {
  @Param({"12"})
  public int values;

  private SubjectKeyCryptoWork work;

  @Setup(Level.Trial)
  public void setup() throws GeneralSecurityException {
    work = new SubjectKeyCryptoWork(values);
  }

  @Benchmark
  public int oldNewSubject() throws GeneralSecurityException {
    return work.oldNewSubject();
  }

  @Benchmark
  public int newNewSubject() throws GeneralSecurityException {
    return work.newNewSubject();
  }

  @Benchmark
  public int oldReadSubject() throws GeneralSecurityException {
    return work.oldReadSubject();
  }

  @Benchmark
  public int newReadSubject() throws GeneralSecurityException {
    return work.newReadSubject();
  }

  @Benchmark
  public void freshThreadEmpty() throws InterruptedException {
    Thread.ofVirtual().start(() -> { }).join();
  }

  @Benchmark
  public void freshThreadOldNewSubject() throws InterruptedException {
    onFreshThread(work::oldNewSubject);
  }

  @Benchmark
  public void freshThreadNewNewSubject() throws InterruptedException {
    onFreshThread(work::newNewSubject);
  }

  interface Work {
    int run() throws GeneralSecurityException;
  }

  static void onFreshThread(Work w) throws InterruptedException {
    Thread.ofVirtual().start(() -> {
      try {
        w.run();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }).join();
  }

  @Benchmark
  public Object stepGenerate() throws GeneralSecurityException {
    return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, KeyManager.CONFIG);
  }

  @Benchmark
  public Object stepWrap() throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(work.storedKeyset, work.master, work.keyAd, KeyManager.CONFIG);
  }

  @Benchmark
  public Object stepUnwrap() throws GeneralSecurityException {
    return TinkProtoKeysetFormat.parseEncryptedKeyset(work.storedKey, work.master, work.keyAd, KeyManager.CONFIG);
  }

  @Benchmark
  public Object stepOldPrimitive() throws GeneralSecurityException {
    return work.storedKeyset.getPrimitive(KeyManager.CONFIG, Aead.class);
  }

  @Benchmark
  public Object stepNewPrimitive() throws GeneralSecurityException {
    return DataKeys.aead(work.storedKeyset);
  }
}
