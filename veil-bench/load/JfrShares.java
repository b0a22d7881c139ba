// Summarises a JFR recording of the gateway: execution samples by subsystem (what the request path spends its
// CPU on, classified by the whole stack), by the first non-JDK frame (library or Veil package), by leaf method,
// inclusive io.veil methods, threads, and (owner, nearest Veil caller); then the CPU of every thread kind
// (jdk.ThreadCPULoad: GC and JIT threads are not in the execution samples).
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
  /**
   * The subsystem a sample belongs to: the feature frame nearest the leaf decides (the audit append runs
   * inside the observability stage, detection inside the PII stage, the upstream call inside the vault's
   * batch, ...); a sample with no feature frame goes to the library of its first non-JDK frame from the
   * leaf (Jackson, Veil gateway code, Javalin, Jetty, H2).
   */
  static String subsystem(List<RecordedFrame> fr, String thread) {
    if (thread.startsWith("veil-upstream")) return "upstream client (Jetty HttpClient)";
    for (RecordedFrame f : fr) {
      String c = f.getMethod().getType().getName(), m = f.getMethod().getName();
      if (c.startsWith("io.veil.core.ner")) return "NER (io.veil.core.ner)";
      if (c.startsWith("io.veil.core.Analyzer") || c.startsWith("io.veil.core.recognizers")
          || c.startsWith("com.google.i18n.phonenumbers")) return "detection, other recognizers";
      if (c.startsWith("io.veil.store.AuditLog") || c.startsWith("io.veil.gateway.AuditWriter"))
        return "audit record (AuditWriter, AuditLog, H2 commit)";
      if (c.startsWith("ch.qos.logback") || c.startsWith("org.slf4j")) return "logging (access log)";
      if (c.startsWith("io.micrometer") || c.startsWith("io.prometheus") || c.startsWith("io.veil.gateway.GatewayMetrics")
          || c.startsWith("io.veil.gateway.DashboardSeries")) return "metrics (Micrometer, dashboard)";
      if (c.startsWith("io.veil.gateway.JettyUpstreamTransport") || c.startsWith("org.eclipse.jetty.client"))
        return "upstream client (Jetty HttpClient)";
      // JdbcTokenVault.batched wraps the whole exchange (upstream call included): not a vault frame by itself
      if (c.startsWith("io.veil.core.transform") || c.startsWith("io.veil.core.Veil")
          || c.startsWith("io.veil.store.JdbcTokenVault") && !m.equals("batched") && !m.startsWith("lambda$batched")
          || c.startsWith("io.veil.store.SubjectKeys") || c.startsWith("com.google.crypto.tink"))
        return "transform + vault (tokens, restore, H2 reads, Tink)";
      // Governance.withSubject and PrivacyInterceptor.intercept wrap the rest of the chain
      if (c.equals("io.veil.gateway.Governance") && !m.startsWith("withSubject")
          || c.startsWith("io.veil.gateway.PrivacyInterceptor") && !m.equals("intercept")
          || c.startsWith("io.veil.store.Consent") || c.startsWith("io.veil.store.PrivacySettingsStore"))
        return "governance (consent, settings)";
    }
    for (RecordedFrame f : fr) {
      String c = f.getMethod().getType().getName();
      if (c.startsWith("com.fasterxml.jackson")) return "JSON (Jackson parse/write/tree)";
      if (c.startsWith("io.veil.gateway")) return "Veil gateway code (chain, adapters, edge)";
      if (c.startsWith("io.javalin")) return "Javalin (routing, context)";
      if (c.startsWith("org.eclipse.jetty")) return "Jetty server (HTTP parse, I/O)";
      if (c.startsWith("org.h2.") || c.startsWith("com.zaxxer")) return "H2 other (compactor, pool)";
      if (c.startsWith("io.veil")) return "Veil other";
    }
    return "other (JDK only)";
  }

  static String threadKind(String name) {
    if (name == null) return "?";
    if (name.startsWith("GC ") || name.startsWith("G1 ") || name.contains("GC Thread") || name.startsWith("ZGC")) return "GC";
    if (name.contains("Compiler")) return "JIT compiler";
    if (name.startsWith("JFR") || name.startsWith("JDK Flight")) return "JFR";
    if (name.startsWith("ForkJoinPool-") || name.contains("carrier")) return "virtual-thread carriers (request work)";
    if (name.startsWith("veil-upstream")) return "upstream client selector";
    return name.replaceAll("[0-9]+", "#");
  }

  public static void main(String[] a) throws Exception {
    Map<String,Integer> self = new HashMap<>(), owner = new HashMap<>(), incl = new HashMap<>();
    Map<String,Integer> thread = new HashMap<>(), caller = new HashMap<>();
    int n = 0; int depth = a.length > 1 ? Integer.parseInt(a[1]) : 0;
    Map<String,Integer> stacks = new HashMap<>(), sub = new HashMap<>();
    Map<String,double[]> threadCpu = new HashMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (e.getEventType().getName().equals("jdk.ThreadCPULoad")) {
        RecordedThread t = e.getThread("eventThread");
        String k = threadKind(t == null ? null : t.getJavaName() != null ? t.getJavaName() : t.getOSName());
        threadCpu.computeIfAbsent(k, x -> new double[1])[0] += e.getFloat("user") + e.getFloat("system");
        continue;
      }
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      RecordedStackTrace st = e.getStackTrace(); if (st == null) continue;
      n++;
      List<RecordedFrame> fr = st.getFrames();
      RecordedThread t = e.getThread("sampledThread");
      String tn = t == null ? "?" : (t.isVirtual() ? "virtual" : t.getJavaName() == null ? "?" : t.getJavaName().replaceAll("[0-9]+", "#"));
      thread.merge(tn, 1, Integer::sum);
      sub.merge(subsystem(fr, tn), 1, Integer::sum);
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
    print("subsystem (whole stack)", sub, n, 30);
    print("first non-JDK frame owner", owner, n, 30);
    print("self (leaf method)", self, n, 30);
    print("inclusive io.veil methods", incl, n, 60);
    print("threads", thread, n, 10);
    print("owner <- nearest veil caller", caller, n, 60);
    if (depth > 0) print("stacks", stacks, n, 40);
    double total = threadCpu.values().stream().mapToDouble(v -> v[0]).sum();
    System.out.println("== CPU by thread kind (jdk.ThreadCPULoad, share of the process)");
    threadCpu.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).limit(15)
      .forEach(e -> System.out.printf("%6.1f%% %s%n", 100 * e.getValue()[0] / total, e.getKey()));
  }
  static void print(String h, Map<String,Integer> m, int n, int k) {
    System.out.println("== " + h);
    m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(k)
      .forEach(e -> System.out.printf("%6.1f%% %6d %s%n", 100.0 * e.getValue() / n, e.getValue(), e.getKey()));
  }
}
