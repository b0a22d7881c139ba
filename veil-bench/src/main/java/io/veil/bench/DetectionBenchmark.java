package io.veil.bench;

import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.Policy;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Detection throughput on one core: one operation is one pass over every text of a dataset.
 * MB/s = corpus bytes (printed at setup) × ops/s. Baseline: a single raw JDK regex pass (an
 * e-mail-like pattern) over the same texts, the cheapest thing a scanner can do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class DetectionBenchmark {
  private static final Pattern BASELINE = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.-]+");

  @Param({"presidio_synth_v2", "btc"})
  public String dataset;

  private List<String> texts;
  private Analyzer structured;
  private Analyzer whole;

  @Setup(Level.Trial)
  public void setup() {
    texts = BenchCorpus.texts(dataset);
    structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    whole = Policy.defaults().newAnalyzer();
    System.out.printf("%n[corpus] %s: %d texts, %d UTF-8 bytes%n", dataset, texts.size(), BenchCorpus.utf8Bytes(texts));
  }

  @Benchmark
  public void rawRegexBaseline(Blackhole bh) {
    for (String t : texts) {
      Matcher m = BASELINE.matcher(t);
      while (m.find()) {
        bh.consume(m.start());
      }
    }
  }

  @Benchmark
  public void structuredRecognizers(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = structured.analyze(t, "en");
      bh.consume(f);
    }
  }

  @Benchmark
  public void wholeEngine(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = whole.analyze(t, null);
      bh.consume(f);
    }
  }
}
