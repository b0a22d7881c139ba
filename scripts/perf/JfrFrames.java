// Share of a JFR recording's execution samples whose stack holds given frames (inclusive, counted once per
// sample): what a feature costs where it is spread over many leaves (docs/notes/gwload16.md).
// usage: java scripts/perf/JfrFrames.java FILE.jfr SPEC...
//   SPEC = LABEL=FRAME[>FRAME...][!FRAME...]: a sample counts when its stack holds the first FRAME and, nearer the
//   leaf, each next FRAME in turn (">": called from inside the previous one), and none of the "!" FRAMEs inside
//   the first. FRAME is "Class.method" or "Class" (simple or full class name; a method name alone matches none).
//   After the shares, the top callees of each SPEC: among its samples, the frame just inside its last FRAME.
// e.g. java scripts/perf/JfrFrames.java p.jfr names=PiiInterceptor.requestNames 'walk=PiiInterceptor.requestNames!DetectionCache'
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

public class JfrFrames {
  record Spec(String label, List<String> chain, List<String> not) {
    static Spec parse(String s) {
      int eq = s.indexOf('=');
      String rest = s.substring(eq + 1);
      List<String> not = new ArrayList<>();
      String[] bang = rest.split("!");
      for (int i = 1; i < bang.length; i++) {
        not.add(bang[i]);
      }
      return new Spec(s.substring(0, eq), List.of(bang[0].split(">")), not);
    }

    /** Whether the frames (root first) match. */
    boolean matches(List<String> rootFirst) {
      int at = 0;
      int first = -1;
      for (int i = 0; i < rootFirst.size() && at < chain.size(); i++) {
        if (is(rootFirst.get(i), chain.get(at))) {
          if (at == 0) {
            first = i;
          }
          at++;
        }
      }
      if (at < chain.size()) {
        return false;
      }
      for (int i = first + 1; i < rootFirst.size(); i++) {
        for (String n : not) {
          if (is(rootFirst.get(i), n)) {
            return false;
          }
        }
      }
      return true;
    }

    /** The frame just inside the innermost match of the chain's last FRAME ("(self)" when it is the leaf). */
    String callee(List<String> rootFirst) {
      String last = chain.get(chain.size() - 1);
      for (int i = rootFirst.size() - 1; i >= 0; i--) {
        if (is(rootFirst.get(i), last)) {
          return i + 1 < rootFirst.size() ? rootFirst.get(i + 1) : "(self)";
        }
      }
      return "?";
    }

    static boolean is(String frame, String pattern) {
      // frame: full.Class.method
      if (frame.equals(pattern) || frame.endsWith("." + pattern)) {
        return true;
      }
      int dot = frame.lastIndexOf('.');
      String type = frame.substring(0, dot);
      return type.equals(pattern) || type.endsWith("." + pattern) || type.endsWith("$" + pattern)
          || type.contains("." + pattern + "$") || type.contains("$" + pattern + "$");
    }
  }

  public static void main(String[] a) throws Exception {
    List<Spec> specs = new ArrayList<>();
    for (int i = 1; i < a.length; i++) {
      specs.add(Spec.parse(a[i]));
    }
    long[] hits = new long[specs.size()];
    List<java.util.Map<String, Integer>> callees = new ArrayList<>();
    for (int s = 0; s < specs.size(); s++) {
      callees.add(new java.util.HashMap<>());
    }
    long n = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      n++;
      List<RecordedFrame> fr = e.getStackTrace().getFrames();
      List<String> rootFirst = new ArrayList<>(fr.size());
      for (int i = fr.size() - 1; i >= 0; i--) {
        rootFirst.add(fr.get(i).getMethod().getType().getName() + "." + fr.get(i).getMethod().getName());
      }
      for (int s = 0; s < specs.size(); s++) {
        if (specs.get(s).matches(rootFirst)) {
          hits[s]++;
          callees.get(s).merge(specs.get(s).callee(rootFirst), 1, Integer::sum);
        }
      }
    }
    System.out.println("samples " + n);
    for (int s = 0; s < specs.size(); s++) {
      System.out.printf("%6.2f%% %6d %s%n", 100.0 * hits[s] / Math.max(1, n), hits[s], specs.get(s).label());
    }
    for (int s = 0; s < specs.size(); s++) {
      System.out.println("== " + specs.get(s).label() + ": called inside it");
      final long total = n;
      callees.get(s).entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(8).forEach(e ->
          System.out.printf("  %6.2f%% %6d %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getValue(), e.getKey()));
    }
  }
}
