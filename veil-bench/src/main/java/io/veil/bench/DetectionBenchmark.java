package io.veil.bench;

import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * MB/s = corpus bytes (printed at setup) × ops/s. Baselines: a single raw JDK regex pass over the
 * same texts, once with a cheap SSN-like pattern (one fixed-width digit pattern: about the least any
 * scanner can do) and once with an e-mail-like pattern (a typical single-entity regex).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class DetectionBenchmark {
  private static final Pattern EMAIL_BASELINE = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.-]+");

  @Param({"presidio_synth_v2", "btc"})
  public String dataset;

  private List<String> texts;
  private Analyzer structured;
  private Analyzer whole;
  private Analyzer wholeGazetteer;

  @Setup(Level.Trial)
  public void setup() {
    texts = BenchCorpus.announced(dataset);
    structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    whole = Policy.defaults().newAnalyzer();
    wholeGazetteer = Policy.defaults().newAnalyzer(NerEngines.byName("gazetteer"));
  }

  @Benchmark
  public void rawRegexBaseline(Blackhole bh) {
    BenchCorpus.regexPass(BenchCorpus.SSN_BASELINE, texts, bh);
  }

  @Benchmark
  public void rawEmailRegexBaseline(Blackhole bh) {
    BenchCorpus.regexPass(EMAIL_BASELINE, texts, bh);
  }

  @Benchmark
  public void structuredRecognizers(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = structured.analyze(t, "en");
      bh.consume(f);
    }
  }

  /** The whole engine with the rule-based gazetteer NER (issue 2's engine) instead of the default trained model. */
  @Benchmark
  public void wholeEngineGazetteer(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = wholeGazetteer.analyze(t, null);
      bh.consume(f);
    }
  }

  /** The whole engine as {@code Policy.defaults()} builds it: recognizers + the trained NER model. */
  @Benchmark
  public void wholeEngine(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = whole.analyze(t, null);
      bh.consume(f);
    }
  }
}
