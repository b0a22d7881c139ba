package io.veil.gateway;

import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import io.veil.core.transform.Restorer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * A/B probe (not a test) of what {@link JsonAwareTextRestorer} costs over the plain text restorer it
 * replaces for a chat answer's content: CPU time of the calling thread to restore a ~2 KB prose answer and
 * a ~2 KB JSON answer, each streamed in 4-character deltas, with 50 tokens in the scope. Rounds interleave
 * plain and JSON-aware so the machine's load hits both alike. Run (after {@code mvn test-compile}):
 * <pre>
 * java -cp veil-gateway/target/test-classes:veil-gateway/target/classes:veil-core/target/classes:CORE_DEPS \
 *   io.veil.gateway.JsonAwareRestoreProbe 10
 * </pre>
 */
public final class JsonAwareRestoreProbe {
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Map<String, String> entries = new HashMap<>();
    Map<String, EntityType> types = new HashMap<>();
    for (int i = 1; i <= 50; i++) {
      entries.put("<PERSON_" + i + ">", "Person \"Number\" " + i);
      types.put("<PERSON_" + i + ">", EntityType.PERSON);
    }
    Restorer text = Restorer.of(entries, types, RestoreFormat.TEXT);
    Restorer json = Restorer.of(entries, types, RestoreFormat.JSON_STRING);
    Restorers restorers = new Restorers() {
      @Override
      public String restore(String s, RestoreFormat f) {
        return (f == RestoreFormat.JSON_STRING ? json : text).restore(s);
      }

      @Override
      public StreamingRestorer streaming(RestoreFormat f) {
        return (f == RestoreFormat.JSON_STRING ? json : text).streaming();
      }
    };
    StringBuilder prose = new StringBuilder();
    StringBuilder doc = new StringBuilder("{\"people\": [");
    for (int i = 1; prose.length() < 2000; i++) {
      prose.append("We wrote to <PERSON_").append(i % 50 + 1).append("> about the \"order\" yesterday. ");
      doc.append(i > 1 ? ", " : "").append("{\"name\": \"<PERSON_").append(i % 50 + 1).append(">\", \"n\": ").append(i).append('}');
    }
    doc.append("]}");
    String[] answers = {prose.toString(), doc.toString()};
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    int reps = 2000;
    for (int w = 0; w < 3; w++) {
      for (String a : answers) {
        for (int i = 0; i < reps; i++) {
          sink += stream(text.streaming(), a) + stream(new JsonAwareTextRestorer(restorers), a);
        }
      }
    }
    for (int k = 0; k < answers.length; k++) {
      long plain = 0;
      long aware = 0;
      for (int r = 0; r < rounds; r++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
          sink += stream(text.streaming(), answers[k]);
        }
        long t1 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
          sink += stream(new JsonAwareTextRestorer(restorers), answers[k]);
        }
        long t2 = mx.getCurrentThreadCpuTime();
        plain += t1 - t0;
        aware += t2 - t1;
      }
      System.out.printf("%s answer (%d chars): plain %.1f us, json-aware %.1f us per answer, ratio %.2f%n",
          k == 0 ? "prose" : "json", answers[k].length(), plain / 1e3 / rounds / reps, aware / 1e3 / rounds / reps,
          (double) aware / plain);
    }
    System.out.println("(sink " + sink + ")");
  }

  private static long stream(StreamingRestorer r, String answer) {
    long n = 0;
    for (int i = 0; i < answer.length(); i += 4) {
      n += r.push(answer.substring(i, Math.min(answer.length(), i + 4))).length();
    }
    return n + r.finish().length();
  }
}
