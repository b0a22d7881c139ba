import io.veil.core.Analyzer;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import java.nio.file.*;
import java.util.*;
/**
 * A single-thread loop over the whole analyzer (default policy) with one NER engine on one or more data
 * sets, for a JFR profile of the whole engine:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=/tmp/whole.jfr,settings=profile -cp veil-core/target/classes:$(cat /tmp/cp.txt) \
 *     scripts/perf/ProfileWhole.java gazetteer SECONDS ../shared/data/presidio_synth_v2/eval.jsonl ../shared/data/btc/eval.jsonl
 * java veil-bench/load/JfrShares.java /tmp/whole.jfr
 * </pre>
 */
public class ProfileWhole {
  public static void main(String[] a) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (int i = 2; i < a.length; i++)
      for (String l : Files.readAllLines(Path.of(a[i]))) if (!l.isBlank()) texts.add(json.readTree(l).get("text").asText());
    Analyzer an = Policy.defaults().newAnalyzer(NerEngines.byName(a[0]));
    long until = System.nanoTime() + Long.parseLong(a[1]) * 1_000_000_000L; long sink = 0; int rounds = 0;
    while (System.nanoTime() < until) { for (String t : texts) sink += an.analyze(t, null).size(); rounds++; }
    System.out.println("rounds " + rounds + " sink " + sink);
  }
}
