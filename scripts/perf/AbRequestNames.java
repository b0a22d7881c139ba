import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A/B of the gateway's request-level name pass alone ({@code RequestNames.of} over every text of a request, then
 * {@code extend} of each text, as {@code PiiInterceptor} calls them), two builds of veil-core (class folders) in two
 * class loaders in one JVM. The requests are chat bodies, one per line (LoadTool's {@code bodies.jsonl} or
 * {@code bodies-multiturn.jsonl}); a request's texts are its messages' string contents, {@code {{PASS}}} made
 * {@code p1.0}. Each text's findings come from each build's default analyzer once, before timing (the gateway's
 * per-request memo and detection cache do the same).
 *
 * <p>First checks that both builds extend every text of every request to the same findings; any difference is
 * printed and it exits with status 1. Then rounds alternate old/new over all requests and report the median and the
 * 20th percentile of thread CPU time per request (after the first third of the rounds), and the ratio new / old.
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt)" scripts/perf/AbRequestNames.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" \
 *     BODIES.jsonl SECONDS
 * </pre>
 * (the class path from {@code mvn -q -pl veil-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt},
 * plus jackson-databind's jars for reading the bodies).
 */
public class AbRequestNames {
  public static void main(String[] a) throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<List<String>> requests = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(a[3]), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      List<String> texts = new ArrayList<>();
      for (var m : mapper.readTree(line.replace("{{PASS}}", "p1.0")).get("messages")) {
        if (m.path("content").isTextual()) {
          texts.add(m.get("content").asText());
        }
      }
      requests.add(texts);
    }
    String[] builds = {"old", "new"};
    Method[] of = new Method[2];
    Method[] extend = new Method[2];
    Method[] isEmpty = new Method[2];
    List<List<List<?>>> findings = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>();
      urls.add(Path.of(a[k]).toUri().toURL());
      for (String p : a[2].split(":")) {
        urls.add(Path.of(p).toUri().toURL());
      }
      ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      Class<?> policy = cl.loadClass("io.veil.core.Policy");
      Object analyzer = policy.getMethod("newAnalyzer").invoke(policy.getMethod("defaults").invoke(null));
      Method analyze = analyzer.getClass().getMethod("analyze", String.class);
      Class<?> rn = cl.loadClass("io.veil.core.ner.RequestNames");
      of[k] = rn.getMethod("of", List.class, List.class);
      extend[k] = rn.getMethod("extend", String.class, List.class);
      isEmpty[k] = rn.getMethod("isEmpty");
      List<List<?>> perText = new ArrayList<>();
      for (List<String> texts : requests) {
        for (String t : texts) {
          perText.add((List<?>) analyze.invoke(analyzer, t));
        }
      }
      findings.add(perText);
    }
    // the same extended findings from both builds
    int differ = 0;
    int withNames = 0;
    for (int k = 0, at = 0; k < requests.size(); k++) {
      List<String> texts = requests.get(k);
      String[] out = new String[2];
      for (int b = 0; b < 2; b++) {
        List<List<?>> fs = findings.get(b).subList(at, at + texts.size());
        Object names = of[b].invoke(null, texts, fs);
        if (b == 0 && !(Boolean) isEmpty[b].invoke(names)) {
          withNames++;
        }
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < texts.size(); t++) {
          sb.append(extend[b].invoke(names, texts.get(t), fs.get(t))).append('\n');
        }
        out[b] = sb.toString();
      }
      if (!out[0].equals(out[1])) {
        differ++;
        System.out.println("request " + k + " differs:\n  old " + out[0] + "\n  new " + out[1]);
      }
      at += texts.size();
    }
    System.out.printf("%d requests (%d with names to propagate), %d differ%n", requests.size(), withNames, differ);
    if (differ > 0) {
      System.exit(1);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<List<Double>> us = List.of(new ArrayList<>(), new ArrayList<>());
    long until = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L;
    long sink = 0;
    while (System.nanoTime() < until) {
      for (int b = 0; b < 2; b++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int k = 0, at = 0; k < requests.size(); k++) {
          List<String> texts = requests.get(k);
          List<List<?>> fs = findings.get(b).subList(at, at + texts.size());
          Object names = of[b].invoke(null, texts, fs);
          for (int t = 0; t < texts.size(); t++) {
            sink += ((List<?>) extend[b].invoke(names, texts.get(t), fs.get(t))).size();
          }
          at += texts.size();
        }
        us.get(b).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / requests.size());
      }
    }
    double[] median = new double[2];
    for (int b = 0; b < 2; b++) {
      List<Double> v = new ArrayList<>(us.get(b).subList(us.get(b).size() / 3, us.get(b).size()));
      Collections.sort(v);
      median[b] = v.get(v.size() / 2);
      System.out.printf("%s: %d rounds, median %.2f us/request, p20 %.2f%n", builds[b], us.get(b).size(), median[b],
          v.get(v.size() / 5));
    }
    System.out.printf("new / old (median): %.3f   (sink %d)%n", median[1] / median[0], sink);
  }
}
