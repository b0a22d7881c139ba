package io.veil.core.recognizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Developer tool, not a test: scores the built-in recognizers on eval.jsonl files (overlap match,
 * predictions overlapping gold OTHER spans ignored) and measures throughput. Usage:
 * {@code java -cp ... io.veil.core.recognizers.StructuredEvalMain [--errors TYPE] [--speed] FILE...}
 */
public final class StructuredEvalMain {
  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  private record Span(int start, int end, String label) {}

  private record Example(String text, List<Span> spans) {}

  public static void main(String[] args) throws Exception {
    String errors = null;
    boolean speed = false;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--errors" -> errors = args[++i];
        case "--speed" -> speed = true;
        default -> files.add(Path.of(args[i]));
      }
    }
    Analyzer analyzer = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    for (Path f : files) {
      List<Example> examples = read(f);
      if (speed) {
        System.out.println("== " + f);
        speed(examples);
        for (int round = 0; round < 5; round++) {
          long t0 = CPU.getCurrentThreadCpuTime();
          long chars = 0;
          for (int k = 0; k < 3; k++) {
            for (Example e : examples) {
              analyzer.analyze(e.text());
              chars += e.text().length() + 1;
            }
          }
          long t1 = CPU.getCurrentThreadCpuTime();
          System.out.printf("analyzer (built-ins + context + overlap) round %d: %.1f MB/s%n", round,
              chars / 1e6 / ((t1 - t0) / 1e9));
        }
        continue;
      }
      Map<String, int[]> counts = new TreeMap<>();
      for (Example ex : examples) {
        List<Finding> found = analyzer.analyze(ex.text());
        for (Finding p : found) {
          String t = p.type().name();
          if (overlapsLabel(ex.spans(), p.start(), p.end(), "OTHER")) {
            continue;
          }
          int[] c = counts.computeIfAbsent(t, k -> new int[3]);
          if (overlapsLabel(ex.spans(), p.start(), p.end(), t)) {
            c[0]++;
          } else {
            c[1]++;
            if (t.equals(errors)) {
              System.out.println("FP " + show(ex.text(), p.start(), p.end()) + "  " + p.score() + " " + p.recognizer()
                  + goldAt(ex, p));
            }
          }
        }
        for (Span s : ex.spans()) {
          if (s.label().equals("OTHER")) {
            continue;
          }
          boolean hit = found.stream().anyMatch(p -> p.type().name().equals(s.label()) && p.start() < s.end() && s.start() < p.end());
          if (!hit) {
            counts.computeIfAbsent(s.label(), k -> new int[3])[2]++;
            if (s.label().equals(errors)) {
              System.out.println("FN " + show(ex.text(), s.start(), s.end()));
            }
          }
        }
      }
      System.out.println("== " + f);
      for (var e : counts.entrySet()) {
        int[] c = e.getValue();
        double p = c[0] + c[1] == 0 ? 1 : c[0] / (double) (c[0] + c[1]);
        double r = c[0] + c[2] == 0 ? 1 : c[0] / (double) (c[0] + c[2]);
        System.out.printf("%-15s tp=%4d fp=%4d fn=%4d  P=%.3f R=%.3f%n", e.getKey(), c[0], c[1], c[2], p, r);
      }
    }
  }

  private static String goldAt(Example ex, Finding p) {
    for (Span s : ex.spans()) {
      if (s.start() < p.end() && p.start() < s.end()) {
        return "  [gold " + s.label() + "]";
      }
    }
    return "";
  }

  private static void speed(List<Example> examples) {
    StringBuilder all = new StringBuilder();
    for (Example e : examples) {
      all.append(e.text()).append('\n');
    }
    String text = all.toString();
    List<io.veil.core.Recognizer> rs = BuiltInRecognizers.all();
    for (int round = 0; round < 8; round++) {
      long t0 = CPU.getCurrentThreadCpuTime();
      int found = 0;
      for (Example e : examples) {
        for (io.veil.core.Recognizer r : rs) {
          found += r.analyze(e.text(), null).size();
        }
      }
      long t1 = CPU.getCurrentThreadCpuTime();
      double mb = text.length() / 1e6; // chars ~ bytes for these mostly-ASCII texts
      System.out.printf("round %d: %.1f MB/s (per example, %d findings)%n", round, mb / ((t1 - t0) / 1e9), found);
    }
    java.util.regex.Pattern baseline = java.util.regex.Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
    for (int round = 0; round < 3; round++) {
      long t0 = CPU.getCurrentThreadCpuTime();
      int hits = 0;
      for (int k = 0; k < 10; k++) {
        for (Example e : examples) {
          java.util.regex.Matcher m = baseline.matcher(e.text());
          while (m.find()) {
            hits++;
          }
        }
      }
      long t1 = CPU.getCurrentThreadCpuTime();
      System.out.printf("  baseline: one JDK regex pass (SSN shape) %8.1f MB/s (%d)%n",
          10 * text.length() / 1e6 / ((t1 - t0) / 1e9), hits);
    }
    for (String big : new String[] {text}) {
      for (io.veil.core.Recognizer r : rs) {
        for (int k = 0; k < 5; k++) {
          r.analyze(big, null);
        }
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int k = 0; k < 10; k++) {
          r.analyze(big, null);
        }
        long t1 = CPU.getCurrentThreadCpuTime();
        System.out.printf("  whole-file %-16s %8.1f MB/s%n", r.name(), 10 * big.length() / 1e6 / ((t1 - t0) / 1e9));
      }
    }
    for (io.veil.core.Recognizer r : rs) {
      for (int k = 0; k < 10; k++) {
        for (Example e : examples) {
          r.analyze(e.text(), null);
        }
      }
      long t0 = CPU.getCurrentThreadCpuTime();
      for (int k = 0; k < 10; k++) {
        for (Example e : examples) {
          r.analyze(e.text(), null);
        }
      }
      long t1 = CPU.getCurrentThreadCpuTime();
      System.out.printf("  %-16s %8.1f MB/s%n", r.name(), 10 * text.length() / 1e6 / ((t1 - t0) / 1e9));
    }
  }

  private static String show(String text, int s, int e) {
    return (text.substring(Math.max(0, s - 40), s) + "[[" + text.substring(s, e) + "]]"
        + text.substring(e, Math.min(text.length(), e + 20))).replace('\n', ' ');
  }

  private static boolean overlapsLabel(List<Span> spans, int s, int e, String label) {
    for (Span g : spans) {
      if (g.label().equals(label) && g.start() < e && s < g.end()) {
        return true;
      }
    }
    return false;
  }

  private static List<Example> read(Path f) throws Exception {
    ObjectMapper om = new ObjectMapper();
    List<Example> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(f)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = om.readTree(line);
        String text = n.get("text").asText();
        List<Span> spans = new ArrayList<>();
        for (JsonNode s : n.get("spans")) {
          int a = text.offsetByCodePoints(0, s.get("start").asInt());
          int b = text.offsetByCodePoints(0, s.get("end").asInt());
          spans.add(new Span(a, b, s.get("label").asText()));
        }
        out.add(new Example(text, spans));
      }
    }
    return out;
  }
}
