package io.veil.gateway;

import io.veil.core.Analyzer;
import io.veil.core.Policy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A/B probe of the detection cache in one JVM (not a test): the CPU time of the calling thread per ~1 KB
 * PII-rich text (presidio_synth_v2) for (a) the analyzer alone, (b) through the cache, every text new (the
 * miss path: hash, analyze, put), (c) through the cache, every text seen before (the hit path). Rounds
 * interleave a, b, c so the machine's load hits all three alike. Run (after {@code mvn test-compile}):
 * <pre>
 * java -cp veil-gateway/target/test-classes:veil-gateway/target/classes:$(cat veil-cli/target/classpath.txt) \
 *   io.veil.gateway.DetectionCacheProbe ../shared/data 8
 * </pre>
 */
public final class DetectionCacheProbe {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    List<String> texts = prompts(data.resolve("presidio_synth_v2/eval.jsonl"));
    Analyzer analyzer = Policy.defaults().newAnalyzer();
    DetectionCache cache = DetectionCache.create(DetectionCacheConfig.defaults());
    DetectionCache.Detector detector = cache.detector(analyzer);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    // warm-up: JIT all three paths
    for (int i = 0; i < 3; i++) {
      for (String t : texts) {
        sink += analyzer.analyze(t, null).size();
        sink += detector.findings("w", null, i + "#" + t).size();
      }
    }
    long[] sum = new long[3];
    for (int r = 0; r < rounds; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      for (String t : texts) {
        sink += analyzer.analyze("a" + r + " " + t, null).size();
      }
      long t1 = mx.getCurrentThreadCpuTime();
      for (String t : texts) {
        sink += detector.findings("acme", null, "b" + r + " " + t).size(); // new every round: misses
      }
      long t2 = mx.getCurrentThreadCpuTime();
      for (String t : texts) {
        sink += detector.findings("acme", null, "b" + r + " " + t).size(); // just cached: hits
      }
      long t3 = mx.getCurrentThreadCpuTime();
      sum[0] += t1 - t0;
      sum[1] += t2 - t1;
      sum[2] += t3 - t2;
      System.out.printf("round %d: analyzer %.1f µs/text, cache miss %.1f, cache hit %.2f%n", r,
          (t1 - t0) / 1e3 / texts.size(), (t2 - t1) / 1e3 / texts.size(), (t3 - t2) / 1e3 / texts.size());
    }
    double n = (double) rounds * texts.size();
    System.out.printf("%d texts x %d rounds (mean %d chars): analyzer %.1f µs/text, miss %.1f (%.3fx), hit %.2f (%.4fx);"
        + " hits %d misses %d [%d]%n", texts.size(), rounds, texts.stream().mapToInt(String::length).sum() / texts.size(),
        sum[0] / 1e3 / n, sum[1] / 1e3 / n, (double) sum[1] / sum[0], sum[2] / 1e3 / n, (double) sum[2] / sum[0],
        cache.stats().hitCount(), cache.stats().missCount(), sink % 10);
  }

  /** ~1 KB texts joined from presidio_synth_v2's labelled examples, as LoadTool's prompts. */
  static List<String> prompts(Path eval) throws Exception {
    Pattern text = Pattern.compile("\"text\": \"((?:[^\"\\\\]|\\\\.)*)\"");
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : Files.readAllLines(eval, StandardCharsets.UTF_8)) {
      Matcher m = text.matcher(line);
      if (line.contains("\"label\"") && m.find()) {
        String t = Json.MAPPER.readValue("\"" + m.group(1) + "\"", String.class);
        if (cur.length() + t.length() > 1024 && !cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        cur.append(cur.isEmpty() ? "" : " ").append(t);
      }
    }
    return out;
  }
}
