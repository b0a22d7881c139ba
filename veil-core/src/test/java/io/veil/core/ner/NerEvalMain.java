package io.veil.core.ner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Throw-away scorer and timer for the gazetteer engine (not a test; run by hand):
 *
 * <pre>
 * java -cp veil-core/target/classes:veil-core/target/test-classes:$(cat cp.txt) \
 *   io.veil.core.ner.NerEvalMain /work/shared/data/presidio_synth_v2/eval.jsonl [errors TYPE]
 * </pre>
 *
 * Overlap match per type; predictions overlapping a gold OTHER span are ignored; OTHER gold is not
 * counted. With "errors TYPE" it prints false positives and misses of that type.
 */
public final class NerEvalMain {
  private static final Set<String> TYPES = Set.of("PERSON", "LOCATION", "ORGANIZATION", "ADDRESS");

  record Gold(int start, int end, String label) {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String errType = args.length > 2 && args[1].equals("errors") ? args[2] : null;
    String lang = args.length > 1 && args[1].equals("lang") ? args[2] : null;
    long t0 = System.nanoTime();
    long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    var engine = GazetteerNerEngine.load();
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    long loadCpuMs = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1_000_000;
    Analyzer analyzer = Analyzer.builder().addRecognizer(engine).build();
    ObjectMapper mapper = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    List<List<Gold>> golds = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode n = mapper.readTree(line);
        String text = n.get("text").asText();
        List<Gold> g = new ArrayList<>();
        for (JsonNode s : n.get("spans")) {
          int a = text.offsetByCodePoints(0, s.get("start").asInt());
          int b = text.offsetByCodePoints(0, s.get("end").asInt());
          g.add(new Gold(a, b, s.get("label").asText()));
        }
        texts.add(text);
        golds.add(g);
      }
    }
    Map<String, int[]> counts = new TreeMap<>(); // tp_pred, fp, tp_gold, fn
    for (String t : TYPES) {
      counts.put(t, new int[4]);
    }
    for (int k = 0; k < texts.size(); k++) {
      String text = texts.get(k);
      List<Gold> g = golds.get(k);
      List<Finding> found = analyzer.analyze(text, lang);
      for (Finding f : found) {
        String type = f.type().name();
        if (!TYPES.contains(type)) {
          continue;
        }
        boolean other = false;
        boolean hit = false;
        for (Gold s : g) {
          if (s.start < f.end() && f.start() < s.end) {
            if (s.label.equals("OTHER")) {
              other = true;
            } else if (s.label.equals(type)) {
              hit = true;
            }
          }
        }
        if (hit) {
          counts.get(type)[0]++;
        } else if (!other) {
          counts.get(type)[1]++;
          if (type.equals(errType)) {
            System.out.println("FP " + f.value(text).replace("\n", "\\n") + "  ||  " + text.replace("\n", "\\n"));
          }
        }
      }
      for (Gold s : g) {
        if (!TYPES.contains(s.label)) {
          continue;
        }
        boolean hit = false;
        for (Finding f : found) {
          if (f.type().name().equals(s.label) && s.start < f.end() && f.start() < s.end) {
            hit = true;
          }
        }
        counts.get(s.label)[hit ? 2 : 3]++;
        if (!hit && s.label.equals(errType)) {
          String got = "";
          for (Finding f : found) {
            if (s.start < f.end() && f.start() < s.end) {
              got += " [" + f.type() + "]";
            }
          }
          System.out.println("FN " + text.substring(s.start, s.end).replace("\n", "\\n") + got + "  ||  "
              + text.replace("\n", "\\n"));
        }
      }
    }
    System.out.printf("%s  (load %d ms wall, %d ms thread CPU)%n", file.getParent().getFileName(), loadMs, loadCpuMs);
    for (var e : counts.entrySet()) {
      int[] c = e.getValue();
      double p = c[0] + c[1] == 0 ? 0 : c[0] / (double) (c[0] + c[1]);
      double r = c[2] + c[3] == 0 ? 0 : c[2] / (double) (c[2] + c[3]);
      System.out.printf("  %-13s P %.3f  R %.3f  (pred tp %d fp %d, gold tp %d fn %d)%n", e.getKey(), p, r, c[0], c[1], c[2], c[3]);
    }
    if (args.length > 1 && args[1].equals("time")) {
      long bytes = 0;
      for (String t : texts) {
        bytes += t.getBytes(StandardCharsets.UTF_8).length;
      }
      int sink = 0;
      for (int warm = 0; warm < 5; warm++) {
        for (String t : texts) {
          sink += engine.analyze(t, null).size();
        }
      }
      var mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long s = System.nanoTime();
      long cpu0 = mx.getCurrentThreadCpuTime();
      int rounds = 20;
      for (int round = 0; round < rounds; round++) {
        for (String t : texts) {
          sink += engine.analyze(t, null).size();
        }
      }
      double sec = (System.nanoTime() - s) / 1e9;
      double cpuSec = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf("  engine alone, per text: %.1f MB/s wall, %.1f MB/s of thread CPU time (%d bytes x %d rounds, sink %d)%n",
          bytes * rounds / sec / 1e6, bytes * rounds / cpuSec / 1e6, bytes, rounds, sink);
      Analyzer withAnalyzer = analyzer;
      cpu0 = mx.getCurrentThreadCpuTime();
      for (int round = 0; round < rounds; round++) {
        for (String t : texts) {
          sink += withAnalyzer.analyze(t, null).size();
        }
      }
      cpuSec = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf("  through Analyzer: %.1f MB/s of thread CPU time%n", bytes * rounds / cpuSec / 1e6);
      String big = String.join("\n\n", texts);
      cpu0 = mx.getCurrentThreadCpuTime();
      for (int round = 0; round < rounds; round++) {
        sink += engine.analyze(big, null).size();
      }
      cpuSec = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf("  one big text (%d chars): %.1f MB/s of thread CPU time%n", big.length(),
          big.getBytes(StandardCharsets.UTF_8).length * (double) rounds / cpuSec / 1e6);
    }
    EntityType.of("PERSON");
  }
}
