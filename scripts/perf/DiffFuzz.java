import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;
/**
 * Differential fuzz for "findings stay byte-identical": loads two builds of veil-core (class folders) and
 * compares, on random texts glued from trigger fragments (keywords, separators, underscores, digits, real
 * values, non-ASCII letters) and words of the eval files, the findings of every built-in recognizer called
 * directly, of the structured analyzer and of the default analyzer (random language). Complements
 * DumpFindings, whose eval texts rarely hit edge cases (underscored keys, values at a word's edge).
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt)" scripts/perf/DiffFuzz.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" \
 *     ../shared/data SEED COUNT [phone]
 * </pre>
 * ({@code phone}: texts around phone-shaped digit groups instead). Prints the first differing texts and
 * the count; 0 is the pass.
 */
public class DiffFuzz {
  static Object[] load(String classes, String deps) throws Exception {
    List<URL> urls = new ArrayList<>(); urls.add(Path.of(classes).toUri().toURL());
    for (String p : deps.split(":")) urls.add(Path.of(p).toUri().toURL());
    ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    List<?> all = (List<?>) cl.loadClass("io.veil.core.recognizers.BuiltInRecognizers").getMethod("all").invoke(null);
    Class<?> A = cl.loadClass("io.veil.core.Analyzer");
    Object b = A.getMethod("builder").invoke(null);
    b.getClass().getMethod("addRecognizers", Iterable.class).invoke(b, all);
    Object structured = b.getClass().getMethod("build").invoke(b);
    Class<?> P = cl.loadClass("io.veil.core.Policy");
    Object whole = P.getMethod("newAnalyzer").invoke(P.getMethod("defaults").invoke(null));
    Method rm = cl.loadClass("io.veil.core.Recognizer").getMethod("analyze", String.class, String.class);
    Method am = A.getMethod("analyze", String.class, String.class);
    return new Object[] {all, structured, whole, rm, am};
  }
  static String run(Object[] o, String t, String lang) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Object r : (List<?>) o[0]) sb.append(((List<?>) ((Method) o[3]).invoke(r, t, lang)).toString()).append('\n');
    sb.append(((Method) o[4]).invoke(o[1], t, lang)).append('\n');
    sb.append(((Method) o[4]).invoke(o[2], t, lang)).append('\n');
    return sb.toString();
  }
  public static void main(String[] a) throws Exception {
    Object[] oldA = load(a[0], a[2]), newA = load(a[1], a[2]);
    List<String> frags = new ArrayList<>(List.of(
      " ", " ", " ", "  ", "\n", "\t", ".", ",", ":", ": ", "=", "-", "_", "/", "+", "(", ")", "\"", "'", "@", "#", "é", "ß", "Ä", "\u00a0", "\u2019", "٣", "😀",
      "password", "DB_PASSWORD", "pass", "pwd", "api_key", "x-api-key", "token", "Bearer ", "Authorization: Bearer ", "username", "user_name", "my password is ",
      "passport", "driver's license", "account number", "MRN", "number", "no.", "is", "the",
      "born", "DOB", "date of birth", "May", "may", "enero de", "17.", "Mai", "Jan", "March", "de", "of", "th", "st",
      "aged ", "age: ", "years old", " años", "hace", "-year-old", "turned ",
      "AB", "QQ", "nino", "bsn", "sin", "pesel", "nhs", "codice fiscale", "AB 12 34 56 C",
      "+44", "+1", "00", "(0)", "(212)", "ext", "x", "Apt.", "Suite", "Street", "Avenue", "call", "phone",
      "0", "1", "12", "123", "1234", "12345", "2024", "1985", "07700", "900", "123-45-6789", "078-05-1120", "4111111111111111", "4111 1111 1111 1111",
      "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "192.168.1.1", "fe80::1", "00:1A:2B:3C:4D:5E", "0123.4567.89ab",
      "john@example.com", "http://x.com/a", "www.example.org", "example.com", "AKIAIOSFODNN7EXAMPLE", "sk-abcdefghijklmnopqrstuvwxyz123456",
      "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "0x52908400098527886E0F7030069857D2E4169EE7", "-----BEGIN RSA PRIVATE KEY-----",
      "John", "Smith", "Mr.", "Dr.", "Berlin", "London", "Inc.", "GmbH", "Main", "St", "Road", "New York", "Paris"));
    int special = frags.size();
    // plus words from the eval files
    for (String f : new String[] {"presidio_synth_v2", "meddocan", "germeval2014"}) {
      for (String l : Files.readAllLines(Path.of(a[3], f, "eval.jsonl"))) {
        int s = l.indexOf("\"text\": \""); if (s < 0) continue;
        String t = l.substring(s + 9, Math.min(l.length(), s + 400));
        for (String w : t.split("(?<=[ .,:])")) if (!w.contains("\\") && !w.contains("\"")) frags.add(w);
      }
    }
    Random rnd = new Random(Long.parseLong(a[4]));
    int n = Integer.parseInt(a[5]); int bad = 0;
    String[] langs = {null, "en", "de", "es"};
    for (int it = 0; it < n; it++) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + rnd.nextInt(25);
      for (int p = 0; p < parts; p++) {
        if (rnd.nextInt(6) == 0) sb.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : 32 + rnd.nextInt(95)));
        else sb.append(frags.get(rnd.nextBoolean() ? rnd.nextInt(special) : rnd.nextInt(frags.size())));
      }
      if (a.length > 6 && a[6].equals("phone")) {
        sb.setLength(0);
        String[] pre = {"", "0", "1", "+", "00", "+1 ", "(0", "0", "0"};
        sb.append(frags.get(rnd.nextInt(special))).append(' ').append(pre[rnd.nextInt(pre.length)]);
        int len = 6 + rnd.nextInt(10);
        for (int d = 0; d < len; d++) { sb.append((char) ('0' + rnd.nextInt(10))); if (rnd.nextInt(4) == 0) sb.append(" -.".charAt(rnd.nextInt(3))); }
        sb.append(' ').append(frags.get(rnd.nextInt(special)));
      }
      String t = sb.toString(); String lang = langs[rnd.nextInt(4)];
      String x = run(oldA, t, lang), y = run(newA, t, lang);
      if (!x.equals(y)) { bad++; if (bad < 5) System.out.println("DIFF on: " + t.replace("\n","\\n") + "\nold:\n" + x + "new:\n" + y); }
    }
    System.out.println("texts " + n + " differing " + bad);
  }
}
