import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well {@code LanguageGuess.guess} finds each line's {@code lang}, per eval.jsonl, for one or two builds of
 * veil-core (class folders, each in its own class loader): coverage (share of texts guessed), accuracy of the
 * guesses, and the confusion counts (gold language x guess, "-" = no guess). Aggregate counts only, never a text.
 * With SECONDS > 0 it then alternates short timing rounds between the builds and prints the 20th percentile of
 * thread CPU time per text, per file.
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt)" scripts/ner/LanguageCensus.java SECONDS CLASSES[,CLASSES2] FILE.jsonl...
 * </pre>
 */
public class LanguageCensus {
  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[0]);
    String[] builds = args[1].split(",");
    List<Method> guess = new ArrayList<>();
    for (String b : builds) {
      URLClassLoader cl = new URLClassLoader(new URL[] {Path.of(b).toUri().toURL()},
          LanguageCensus.class.getClassLoader().getParent());
      guess.add(Class.forName("io.veil.core.ner.LanguageGuess", true, cl).getMethod("guess", String.class));
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, String[][]> sets = new LinkedHashMap<>();
    for (int a = 2; a < args.length; a++) {
      List<String[]> lines = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(args[a]))) {
        if (line.isBlank()) continue;
        JsonNode n = json.readTree(line);
        lines.add(new String[] {n.get("text").asText(), n.path("lang").asText("-")});
      }
      String name = Path.of(args[a]).getFileName().toString().equals("eval.jsonl")
          ? Path.of(args[a]).getParent().getFileName().toString() : Path.of(args[a]).getFileName().toString();
      sets.put(name, lines.toArray(new String[0][]));
    }
    System.out.println("| file | build | texts | guessed | right of guessed | right of all | confusion (gold>guess:count) |");
    System.out.println("|---|---|---:|---:|---:|---:|---|");
    for (Map.Entry<String, String[][]> s : sets.entrySet()) {
      for (int b = 0; b < builds.length; b++) {
        int guessed = 0, right = 0;
        Map<String, Integer> conf = new TreeMap<>();
        for (String[] t : s.getValue()) {
          String g = (String) guess.get(b).invoke(null, t[0]);
          if (g != null) guessed++;
          if (t[1].equals(g)) right++;
          conf.merge(t[1] + ">" + (g == null ? "-" : g), 1, Integer::sum);
        }
        int n = s.getValue().length;
        System.out.printf("| %s | %s | %d | %.3f | %.3f | %.3f | %s |%n", s.getKey(), b == 0 ? "A" : "B", n,
            guessed / (double) n, guessed == 0 ? 0 : right / (double) guessed, right / (double) n, conf);
      }
    }
    if (seconds <= 0) return;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, List<List<Double>>> per = new LinkedHashMap<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int round = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      for (Map.Entry<String, String[][]> s : sets.entrySet()) {
        List<List<Double>> times = per.computeIfAbsent(s.getKey(), k -> {
          List<List<Double>> l = new ArrayList<>();
          for (String x : builds) l.add(new ArrayList<>());
          return l;
        });
        for (int k = 0; k < builds.length; k++) {
          int b = (round + k) % builds.length;
          long t0 = mx.getCurrentThreadCpuTime();
          for (String[] t : s.getValue()) {
            Object g = guess.get(b).invoke(null, t[0]);
            sink += g == null ? 0 : g.hashCode();
          }
          times.get(b).add((mx.getCurrentThreadCpuTime() - t0) / (double) s.getValue().length);
        }
      }
      round++;
    }
    System.out.println();
    System.out.println("CPU ns per text, p20 of rounds after the first quarter (" + round + " rounds; " + sink % 2 + ")");
    for (Map.Entry<String, List<List<Double>>> e : per.entrySet()) {
      StringBuilder sb = new StringBuilder(e.getKey());
      double first = 0;
      for (int b = 0; b < builds.length; b++) {
        List<Double> l = e.getValue().get(b);
        double[] v = l.subList(l.size() / 4, l.size()).stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        double p20 = v[(int) (v.length * 0.2)];
        if (b == 0) first = p20;
        sb.append(String.format("  %s %.0f ns", b == 0 ? "A" : "B", p20));
        if (b > 0) sb.append(String.format(" (B/A %.2f)", p20 / first));
      }
      System.out.println(sb);
    }
  }
}
