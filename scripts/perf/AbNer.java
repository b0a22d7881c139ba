import java.lang.management.*;
import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;
/**
 * A/B for the NER engines alone (no recognizers, no analyzer): two builds of veil-core (class folders) in
 * two class loaders in one JVM, the only comparison that is trustworthy on a loaded machine.
 *
 * <p>First it checks that both builds give identical findings (toString of every finding list) for the
 * engines {@code model}, {@code model-union} and {@code gazetteer}, on every text of every data set under
 * DATA with the language null and with the set's language, and on FUZZ random texts glued from words of
 * the eval files, punctuation, line breaks, handles, digits and non-Latin letters. Any difference is
 * printed and the program exits with status 1 before timing anything.
 *
 * <p>Then many short rounds alternate old/new per engine and text set ({@code short}: presidio_synth_v2,
 * prompts of about 85 bytes; {@code long}: meddocan, clinical notes of about 3 KB) and report the 20th
 * percentile of thread CPU time per text after the first quarter of rounds, as microseconds per text and
 * MB/s, beside one JDK regex pass over the same texts (the JMH baseline).
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt)" scripts/perf/AbNer.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" \
 *     ../shared/data SECONDS [FUZZ]
 * </pre>
 * {@code -Dengines=gazetteer} (or {@code model,gazetteer}, ...) checks and times only the named engines (more
 * rounds in the same time); without it, all three are checked and model and gazetteer are timed;
 * {@code -Dshort=btc} times only that data set. SECONDS 0 only checks; FUZZ -1 skips the checks (exploration only: a result without them proves nothing).
 * (The class path from
 * {@code mvn -q -pl veil-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}.)
 */
public class AbNer {
  static final String[] ENGINES = System.getProperty("engines", "model,model-union,gazetteer").split(",");

  static Object[] load(String classes, String deps) throws Exception {
    List<URL> urls = new ArrayList<>(); urls.add(Path.of(classes).toUri().toURL());
    for (String p : deps.split(":")) urls.add(Path.of(p).toUri().toURL());
    ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    Class<?> ne = cl.loadClass("io.veil.core.NerEngines");
    Object[] out = new Object[ENGINES.length + 1];
    for (int i = 0; i < ENGINES.length; i++) out[i] = ne.getMethod("byName", String.class).invoke(null, ENGINES[i]);
    out[ENGINES.length] = cl.loadClass("io.veil.core.NerEngine").getMethod("analyze", String.class, String.class);
    return out;
  }

  record Text(String text, String lang) {}

  static List<Text> texts(Path data, String set) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Text> out = new ArrayList<>();
    for (String l : Files.readAllLines(data.resolve(set).resolve("eval.jsonl"))) {
      if (l.isBlank()) continue;
      var node = json.readTree(l);
      out.add(new Text(node.get("text").asText(), node.hasNonNull("lang") ? node.get("lang").asText() : null));
    }
    return out;
  }

  public static void main(String[] a) throws Exception {
    Object[] oldE = load(a[0], a[2]), newE = load(a[1], a[2]);
    Method m = (Method) oldE[ENGINES.length], m2 = (Method) newE[ENGINES.length];
    Path data = Path.of(a[3]);
    long seconds = Long.parseLong(a[4]);
    int fuzz = a.length > 5 ? Integer.parseInt(a[5]) : 2000;
    List<String> sets = new ArrayList<>();
    try (var ds = Files.list(data)) { ds.filter(p -> Files.exists(p.resolve("eval.jsonl"))).map(p -> p.getFileName().toString()).sorted().forEach(sets::add); }
    int bad = 0; long compared = 0;
    List<String> words = new ArrayList<>();
    for (String set : fuzz < 0 ? List.<String>of() : sets) {
      for (Text t : texts(data, set)) {
        for (String lang : new String[] {null, t.lang()}) {
          for (int e = 0; e < ENGINES.length; e++) {
            String x = String.valueOf(m.invoke(oldE[e], t.text(), lang)), y = String.valueOf(m2.invoke(newE[e], t.text(), lang));
            compared++;
            if (!x.equals(y) && ++bad < 5) System.out.println("DIFF " + set + " " + ENGINES[e] + " lang=" + lang + "\nold " + x + "\nnew " + y);
          }
        }
        if (words.size() < 200_000) for (String w : t.text().split("(?<=[ .,:\n])")) words.add(w);
      }
    }
    System.out.printf("eval texts: %d engine calls compared over %d sets, %d differing%n", compared, sets.size(), bad);
    String[] special = {" ", "  ", "\n", "\r\n", "\t", ".", ",", ":", "!", "?", "\u2026", "\"", "'", "\u2019", "'s", "-", "_", "(", ")",
        "@", "#", "@JaneDoe", "#jane_doe", "@x", "Mr.", "Dr.", "Frau", "Dear ", "my name is ", "Inc.", "GmbH", "Street", "123",
        "Ä", "é", "ß", "İ", "ǅ", "Ⅻ", "٣", "১২", "😀", "𝐀𝐁", "Москва", "東京", "\u0301", "e\u0301", "\u00a0", "\u2028", "O'Brien", "Jean-Luc", "U.S.A", "McDonald",
        "JOHN SMITH", "john smith", "getName()", "user_id", "a::b"};
    Random rnd = new Random(42);
    String[] langs = {null, "en", "de", "es", "fr", "nl", "xx"};
    int fuzzBad = 0;
    for (int it = 0; it < fuzz && !words.isEmpty(); it++) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + rnd.nextInt(it % 50 == 0 ? 800 : 40);
      for (int p = 0; p < parts; p++) {
        int k = rnd.nextInt(8);
        if (k == 0) sb.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : 32 + rnd.nextInt(95)));
        else if (k < 3) sb.append(special[rnd.nextInt(special.length)]);
        else { String w = words.get(rnd.nextInt(words.size())); sb.append(rnd.nextInt(5) == 0 ? w.toUpperCase(Locale.ROOT) : rnd.nextInt(5) == 0 ? w.toLowerCase(Locale.ROOT) : w); }
      }
      String t = sb.toString(); String lang = langs[rnd.nextInt(langs.length)];
      for (int e = 0; e < ENGINES.length; e++) {
        String x = String.valueOf(m.invoke(oldE[e], t, lang)), y = String.valueOf(m2.invoke(newE[e], t, lang));
        if (!x.equals(y) && ++fuzzBad < 5) System.out.println("DIFF fuzz " + ENGINES[e] + " lang=" + lang + " on: " + t.replace("\n", "\\n") + "\nold " + x + "\nnew " + y);
      }
    }
    System.out.printf("fuzz texts: %d, differing %d%n", fuzz, fuzzBad);
    if (bad + fuzzBad > 0) System.exit(1);
    if (seconds == 0) return;

    String[][] cases = System.getProperty("short") != null ? new String[][] {{"short", System.getProperty("short")}}
        : new String[][] {{"short", "presidio_synth_v2"}, {"long", "meddocan"}};
    java.util.regex.Pattern re = java.util.regex.Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (String[] c : cases) {
      List<String> ts = new ArrayList<>(); for (Text t : texts(data, c[1])) ts.add(t.text());
      long bytes = 0; for (String t : ts) bytes += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      int[] which = timed();
      int engines = which.length;
      List<List<Double>>[] res = new List[2]; for (int k = 0; k < 2; k++) { res[k] = new ArrayList<>(); for (int e = 0; e < engines; e++) res[k].add(new ArrayList<>()); }
      List<Double> rx = new ArrayList<>();
      long until = System.nanoTime() + seconds * 1_000_000_000L / cases.length; int round = 0;
      while (System.nanoTime() < until) {
        for (int e = 0; e < engines; e++) for (int kk = 0; kk < 2; kk++) {
          int k = (round + kk) % 2;
          Object eng = (k == 0 ? oldE : newE)[which[e]]; Method mm = k == 0 ? m : m2;
          long t0 = mx.getCurrentThreadCpuTime();
          for (String t : ts) sink += ((List<?>) mm.invoke(eng, t, null)).size();
          res[k].get(e).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / ts.size());
        }
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : ts) { var mt = re.matcher(t); while (mt.find()) sink++; }
        rx.add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / ts.size());
        round++;
      }
      double bpt = (double) bytes / ts.size();
      System.out.printf("%n%s (%s): %d texts, %.1f bytes/text, %d rounds; us/text at the 20th percentile of rounds after warm-up (MB/s)%n", c[0], c[1], ts.size(), bpt, round);
      double r = pct(rx);
      System.out.printf("%-12s %9.3f us (%7.2f MB/s)%n", "regex", r, bpt / r);
      for (int e = 0; e < engines; e++) {
        double o = pct(res[0].get(e)), n = pct(res[1].get(e));
        System.out.printf("%-12s old %9.3f us (%6.2f MB/s, %.4f of regex)  new %9.3f us (%6.2f MB/s, %.4f of regex)  x%.2f%n", ENGINES[which[e]], o, bpt / o, r / o, n, bpt / n, r / n, o / n);
      }
    }
    System.out.println("sink " + sink);
  }

  /**
   * The indexes into {@link #ENGINES} to time: by default model and gazetteer (model-union is only checked);
   * with {@code -Dengines}, every engine named (one, two or more).
   */
  static int[] timed() {
    if (System.getProperty("engines") != null) {
      return java.util.stream.IntStream.range(0, ENGINES.length).toArray();
    }
    return java.util.stream.IntStream.range(0, ENGINES.length).filter(e -> !ENGINES[e].equals("model-union")).toArray();
  }

  static double pct(List<Double> v) {
    List<Double> s = new ArrayList<>(v.subList(v.size() / 4, v.size()));
    Collections.sort(s);
    return s.isEmpty() ? Double.NaN : s.get((int) (s.size() * 0.2));
  }
}
