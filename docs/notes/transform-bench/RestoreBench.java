import io.veil.core.*;
import io.veil.core.transform.*;
import java.util.*;

public class RestoreBench {
  public static void main(String[] a) {
    Map<String,String> entries = new LinkedHashMap<>();
    Map<String,EntityType> types = new HashMap<>();
    for (int i = 1; i <= 100; i++) { entries.put("<PERSON_" + i + ">", "Person Number " + i); types.put("<PERSON_" + i + ">", EntityType.PERSON); }
    for (int i = 1; i <= 50; i++) { entries.put("Fake Name" + i + " Surname" + i, "Real Name " + i); types.put("Fake Name" + i + " Surname" + i, EntityType.PERSON); }
    StringBuilder sb = new StringBuilder();
    Random r = new Random(1);
    while (sb.length() < 1_000_000) { sb.append("The quick brown fox jumps over the lazy dog; "); if (r.nextInt(4) == 0) sb.append("<PERSON_" + (1 + r.nextInt(100)) + "> "); }
    String text = sb.toString();
    Restorer rest = Restorer.of(entries, types, RestoreFormat.TEXT);
    for (int w = 0; w < 5; w++) { rest.restore(text); stream(rest, text); }
    int n = 20;
    long t0 = System.nanoTime(); for (int i = 0; i < n; i++) rest.restore(text); long t1 = System.nanoTime();
    for (int i = 0; i < n; i++) stream(rest, text); long t2 = System.nanoTime();
    long t3 = System.nanoTime(); for (int i = 0; i < 1000; i++) Restorer.of(entries, types, RestoreFormat.TEXT); long t4 = System.nanoTime();
    long b0 = System.nanoTime();
    for (int i = 0; i < n; i++) { String x = text; for (var e : entries.entrySet()) x = x.replace(e.getKey(), e.getValue()); }
    long b1 = System.nanoTime();
    System.out.printf("baseline, one String.replace per entry (exact case only): %.1f MB/s%n", n * text.length() / ((b1 - b0) / 1e9) / 1e6);
    System.out.printf("whole restore: %.1f MB/s (UTF-16 chars)%n", n * text.length() / ((t1 - t0) / 1e9) / 1e6);
    System.out.printf("streaming restore, 16-char chunks: %.1f MB/s%n", n * text.length() / ((t2 - t1) / 1e9) / 1e6);
    System.out.printf("index build, 150 entries: %.1f us%n", (t4 - t3) / 1e3 / 1000);
  }
  static void stream(Restorer rest, String text) {
    StreamingRestorer s = rest.streaming(); long len = 0;
    for (int i = 0; i < text.length(); i += 16) len += s.push(text.substring(i, Math.min(text.length(), i + 16))).length();
    len += s.finish().length();
  }
}
