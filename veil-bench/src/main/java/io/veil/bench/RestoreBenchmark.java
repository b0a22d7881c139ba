package io.veil.bench;

import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.StreamingRestorer;
import io.veil.core.Veil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Restore throughput: one operation restores the whole pseudonymized presidio_synth_v2 corpus
 * (every text joined, tokens in it), either at once or as a stream of 1–7 character chunks (how
 * models stream). Baseline: copying the same chunks into a StringBuilder, the floor any streaming
 * proxy pays.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class RestoreBenchmark {
  private Veil veil;
  private Scope scope;
  private String pseudonymized;
  private List<String> chunks;

  @Setup(Level.Trial)
  public void setup() {
    veil = Veil.builder().build();
    scope = new Scope("bench", "restore");
    String corpus = String.join("\n", BenchCorpus.texts("presidio_synth_v2"));
    pseudonymized = veil.pseudonymize(scope, corpus).text();
    chunks = new ArrayList<>();
    int at = 0;
    int i = 0;
    while (at < pseudonymized.length()) {
      int len = 1 + (i++ * 7919) % 7;
      int end = Math.min(pseudonymized.length(), at + len);
      if (end < pseudonymized.length() && Character.isHighSurrogate(pseudonymized.charAt(end - 1))) {
        end++;
      }
      chunks.add(pseudonymized.substring(at, end));
      at = end;
    }
    System.out.printf("%n[corpus] %d chars pseudonymized, %d chunks%n", pseudonymized.length(), chunks.size());
  }

  @Benchmark
  public void chunkCopyBaseline(Blackhole bh) {
    StringBuilder sb = new StringBuilder(pseudonymized.length());
    for (String c : chunks) {
      sb.append(c);
    }
    bh.consume(sb.length());
  }

  @Benchmark
  public String wholeRestore() {
    return veil.restore(scope, pseudonymized);
  }

  @Benchmark
  public void streamingRestore(Blackhole bh) {
    StreamingRestorer r = veil.streamingRestorer(scope, RestoreFormat.TEXT);
    for (String c : chunks) {
      bh.consume(r.push(c));
    }
    bh.consume(r.finish());
  }
}
