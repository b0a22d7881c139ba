// Execution samples of a JFR recording by source line: per sample, the first frame (from the leaf) in PACKAGE, with
// the leaf method when that is a JDK method inlined into it. Record with 1 ms samples and -XX:+DebugNonSafepoints
// (otherwise samples stick to loop back edges): see docs/notes/nerspeed2.md.
// usage: java scripts/perf/JfrLines.java FILE.jfr [PACKAGE (io.veil.core.ner)] [TOP (50)]
import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class JfrLines {
  public static void main(String[] a) throws Exception {
    Map<String,Integer> m = new HashMap<>(); int n = 0;
    String pkg = a.length > 1 ? a[1] : "io.veil.core.ner";
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      n++;
      var fr = e.getStackTrace().getFrames();
      // first frame in pkg from leaf, plus the leaf
      for (var f : fr) {
        String c = f.getMethod().getType().getName();
        if (c.startsWith(pkg)) { String k = c.substring(c.lastIndexOf('.')+1) + "." + f.getMethod().getName() + ":" + f.getLineNumber() + (f == fr.get(0) ? "" : " <- " + fr.get(0).getMethod().getType().getName().replaceAll(".*\\.","") + "." + fr.get(0).getMethod().getName()); m.merge(k, 1, Integer::sum); break; }
      }
    }
    final int N = n;
    m.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(Integer.parseInt(a.length>2?a[2]:"50")).forEach(x -> System.out.printf("%5.1f%% %4d %s%n", 100.0*x.getValue()/N, x.getValue(), x.getKey()));
  }
}
