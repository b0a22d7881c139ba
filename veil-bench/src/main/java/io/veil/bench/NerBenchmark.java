package io.veil.bench;

import io.veil.core.Finding;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * NER engines alone (no structured recognizers, no analyzer) on one core: one operation is one pass over
 * every text of a dataset, language not given (so the model engine guesses it, as the gateway does).
 * MB/s = corpus bytes (printed at setup) × ops/s. {@code presidio_synth_v2} stands for prompts (about
 * 85 bytes per text), {@code meddocan} for long texts (about 3 KB per clinical note). The engines keep
 * nothing between calls, so later iterations are not flattered by earlier ones. Baseline: the same raw
 * JDK regex pass as {@link DetectionBenchmark}, so figures can be given as ratios on any machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class NerBenchmark {

  @Param({"presidio_synth_v2", "meddocan"})
  public String dataset;

  private List<String> texts;
  private NerEngine model;
  private NerEngine gazetteer;

  @Setup(Level.Trial)
  public void setup() {
    texts = BenchCorpus.announced(dataset);
    model = NerEngines.byName("model");
    gazetteer = NerEngines.byName("gazetteer");
  }

  @Benchmark
  public void rawRegexBaseline(Blackhole bh) {
    BenchCorpus.regexPass(BenchCorpus.SSN_BASELINE, texts, bh);
  }

  /** The default NER engine: the trained model with the rule layer. */
  @Benchmark
  public void modelNer(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = model.analyze(t, null);
      bh.consume(f);
    }
  }

  /** The rule-based gazetteer engine alone (issue 2's NER). */
  @Benchmark
  public void gazetteerNer(Blackhole bh) {
    for (String t : texts) {
      List<Finding> f = gazetteer.analyze(t, null);
      bh.consume(f);
    }
  }
}
