import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;
import java.util.regex.Pattern;

/**
 * A/B throughput harness: loads two builds of veil-core (class folders) in two class loaders in one JVM and
 * alternates rounds over every text of one eval file: old / new for the structured set
 * ({@code BuiltInRecognizers.all()}) and the whole engine ({@code Policy.defaults().newAnalyzer()}), plus one
 * JDK regex pass (the JMH baseline), each timed in thread CPU time; prints the median (of the last two
 * thirds of the rounds) and the best round in MB/s of UTF-8 input. Ratios to the regex pass are what
 * compare across machines.
 *
 * <pre>
 * java scripts/perf/AbBench.java OLD_CLASSES NEW_CLASSES DEPENDENCY_CLASSPATH path/to/eval.jsonl SECONDS
 * </pre>
 */
public class AbBench {
  public static void main(String[] a) throws Exception {
    // a[0]=old classes, a[1]=new classes, a[2]=deps cp, a[3]=eval.jsonl, a[4]=seconds
    List<String> texts = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of(a[3]))) {
      if (l.isBlank()) continue;
      int s = l.indexOf("\"text\": \"") + 9;
      StringBuilder sb = new StringBuilder();
      for (int i = s; ; i++) {
        char c = l.charAt(i);
        if (c == '"') break;
        if (c == '\\') { char e = l.charAt(++i);
          switch (e) { case 'n' -> sb.append('\n'); case 't' -> sb.append('\t'); case 'u' -> { sb.append((char) Integer.parseInt(l.substring(i+1,i+5),16)); i+=4; } default -> sb.append(e); }
        } else sb.append(c);
      }
      texts.add(sb.toString());
    }
    long bytes = 0; for (String t : texts) bytes += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    String[] names = {"old", "new"};
    Object[][] an = new Object[2][]; Method[] m = new Method[2];
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>(); urls.add(Path.of(a[k]).toUri().toURL());
      for (String p : a[2].split(":")) urls.add(Path.of(p).toUri().toURL());
      ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      Class<?> A = cl.loadClass("io.veil.core.Analyzer");
      Object b = A.getMethod("builder").invoke(null);
      List<?> all = (List<?>) cl.loadClass("io.veil.core.recognizers.BuiltInRecognizers").getMethod("all").invoke(null);
      b.getClass().getMethod("addRecognizers", Iterable.class).invoke(b, all);
      Object structured = b.getClass().getMethod("build").invoke(b);
      Class<?> P = cl.loadClass("io.veil.core.Policy");
      Object whole = P.getMethod("newAnalyzer").invoke(P.getMethod("defaults").invoke(null));
      an[k] = new Object[] {structured, whole};
      m[k] = A.getMethod("analyze", String.class, String.class);
    }
    Pattern re = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, List<Double>> res = new TreeMap<>();
    long until = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L;
    int round = 0; long sink = 0;
    while (System.nanoTime() < until) {
      for (int which = 0; which < 2; which++) for (int k = 0; k < 2; k++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) sink += ((List<?>) m[k].invoke(an[k][which], t, null)).size();
        long dt = mx.getCurrentThreadCpuTime() - t0;
        res.computeIfAbsent((which == 0 ? "structured " : "whole ") + names[k], x -> new ArrayList<>()).add(bytes / (dt / 1e9) / 1e6);
      }
      long t0 = mx.getCurrentThreadCpuTime();
      for (String t : texts) { var mm = re.matcher(t); while (mm.find()) sink++; }
      res.computeIfAbsent("regex", x -> new ArrayList<>()).add(bytes / ((mx.getCurrentThreadCpuTime() - t0) / 1e9) / 1e6);
      round++;
    }
    System.out.println("rounds " + round + " bytes/op " + bytes + " sink " + sink);
    for (var e : res.entrySet()) {
      List<Double> v = new ArrayList<>(e.getValue().subList(e.getValue().size() / 3, e.getValue().size()));
      Collections.sort(v);
      System.out.printf("%-18s median %.2f MB/s  best %.2f%n", e.getKey(), v.get(v.size() / 2), v.get(v.size() - 1));
    }
  }
}
