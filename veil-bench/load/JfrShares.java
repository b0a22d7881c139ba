// Summarises a JFR recording of the gateway: execution samples by the first non-JDK frame (library or Veil
// package), by leaf method, inclusive io.veil methods, threads, and (owner, nearest Veil caller).
// usage: java veil-bench/load/JfrShares.java FILE.jfr [STACK_DEPTH]
import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class JfrShares {
  static String bucket(String c) {
    String[][] m = {{"org.h2.","H2"},{"com.zaxxer.hikari","Hikari"},{"jdk.internal.net.http","JDK HttpClient"},{"java.net.http","JDK HttpClient"},
      {"org.eclipse.jetty","Jetty"},{"io.javalin","Javalin"},{"com.fasterxml.jackson","Jackson"},{"ch.qos.logback","Logback"},{"org.slf4j","Logback"},
      {"io.micrometer","Micrometer"},{"io.prometheus","Micrometer"},{"com.google.crypto.tink","Tink"},{"com.google.protobuf","Tink"},
      {"io.veil.core.ner","Veil NER"},{"io.veil.core","Veil core (detection/transform)"},{"io.veil.store","Veil store"},{"io.veil.gateway","Veil gateway"},
      {"com.google.i18n.phonenumbers","libphonenumber (detection)"},{"com.github.benmanes.caffeine","Caffeine"}};
    for (String[] e : m) if (c.startsWith(e[0])) return e[1];
    return null;
  }
  public static void main(String[] a) throws Exception {
    Map<String,Integer> self = new HashMap<>(), owner = new HashMap<>(), incl = new HashMap<>();
    Map<String,Integer> thread = new HashMap<>(), caller = new HashMap<>();
    int n = 0; int depth = a.length > 1 ? Integer.parseInt(a[1]) : 0;
    Map<String,Integer> stacks = new HashMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      RecordedStackTrace st = e.getStackTrace(); if (st == null) continue;
      n++;
      List<RecordedFrame> fr = st.getFrames();
      RecordedThread t = e.getThread("sampledThread");
      String tn = t == null ? "?" : (t.isVirtual() ? "virtual" : t.getJavaName() == null ? "?" : t.getJavaName().replaceAll("[0-9]+", "#"));
      thread.merge(tn, 1, Integer::sum);
      if (!fr.isEmpty()) { RecordedMethod m0 = fr.get(0).getMethod(); self.merge(m0.getType().getName() + "." + m0.getName(), 1, Integer::sum); }
      String b = null;
      for (RecordedFrame f : fr) { b = bucket(f.getMethod().getType().getName()); if (b != null) break; }
      owner.merge(b == null ? "other (JDK/unknown)" : b, 1, Integer::sum);
      String vc = "-"; for (RecordedFrame f : fr) { String c = f.getMethod().getType().getName(); if (c.startsWith("io.veil") && !c.contains("Lambda") && !f.getMethod().getName().startsWith("lambda$") && !c.endsWith("Database") && !f.getMethod().getName().equals("guarded")) { vc = c.replaceAll("^.*\\.","") + "." + f.getMethod().getName(); break; } }
      caller.merge((b == null ? "other" : b) + " <- " + vc, 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : fr) { String c = f.getMethod().getType().getName(); String k = c + "." + f.getMethod().getName();
        if (c.startsWith("io.veil") && seen.add(k)) incl.merge(k, 1, Integer::sum); }
      if (depth > 0) { StringBuilder sb = new StringBuilder(); int d = 0; for (RecordedFrame f : fr) { if (d++ >= depth) break; sb.append(f.getMethod().getType().getName().replaceAll("^.*\\.","")).append('.').append(f.getMethod().getName()).append(" < "); } stacks.merge(sb.toString(), 1, Integer::sum); }
    }
    System.out.println("samples " + n);
    print("first non-JDK frame owner", owner, n, 30);
    print("self (leaf method)", self, n, 30);
    print("inclusive io.veil methods", incl, n, 60);
    print("threads", thread, n, 10);
    print("owner <- nearest veil caller", caller, n, 60);
    if (depth > 0) print("stacks", stacks, n, 40);
  }
  static void print(String h, Map<String,Integer> m, int n, int k) {
    System.out.println("== " + h);
    m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(k)
      .forEach(e -> System.out.printf("%6.1f%% %6d %s%n", 100.0 * e.getValue() / n, e.getValue(), e.getKey()));
  }
}
