import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.nio.file.*;
import java.util.*;
/**
 * A single-thread loop over one NER engine on one data set, for a JFR profile of that engine alone:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=/tmp/ner.jfr,settings=profile -cp veil-core/target/classes:$(cat /tmp/cp.txt) \
 *     scripts/perf/ProfileNer.java ../shared/data/presidio_synth_v2/eval.jsonl model SECONDS
 * java veil-bench/load/JfrShares.java /tmp/ner.jfr
 * </pre>
 */
public class ProfileNer {
  public static void main(String[] a) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of(a[0]))) if (!l.isBlank()) texts.add(json.readTree(l).get("text").asText());
    NerEngine e = NerEngines.byName(a[1]);
    long until = System.nanoTime() + Long.parseLong(a[2]) * 1_000_000_000L; long sink = 0; int rounds = 0;
    while (System.nanoTime() < until) { for (String t : texts) sink += e.analyze(t, null).size(); rounds++; }
    System.out.println("rounds " + rounds + " sink " + sink);
  }
}
