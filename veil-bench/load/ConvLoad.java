// Multi-turn, multi-instance load client of pg-load.sh, run as a single-file source program (JDK 21+, JDK classes only).
//   run URLS KEY DATA_DIR SECONDS CONCURRENCY TURNS RUN_TAG [MISMATCH_FILE]
//       CONCURRENCY clients, each running conversations of TURNS turns for SECONDS: turn t goes to URLS[t % n]
//       (comma-separated base URLs, e.g. two gateways on one PostgreSQL, so a conversation started on A goes on
//       on B), with one X-Veil-Conversation id per conversation and the whole history in every request. Each user
//       message is ~1 KB of PII-rich text of presidio_synth_v2 and, from the second turn on, repeats the start of
//       the previous user message (values first seen by the other instance). The mock LLM echoes the last user
//       message, so a correct answer restores to exactly the message sent: any other answer is a wrong restore.
//       Prints one JSON line: requests, rps, p50/p99 (ms), non-2xx by Veil error code, socket errors, wrong restores.
//   check RECORD_FILE
//       token stability across instances from the mock's record (veil mock-llm --record): for every turn t > 0 of
//       a conversation, the pseudonymized messages of turn t-1 must be repeated unchanged at the start of turn t
//       (same tokens for the same history, whichever instance served either turn). Prints one JSON line.
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ConvLoad {

  static final int MESSAGE_BYTES = 1024;
  static final Pattern TEXT = Pattern.compile("\"text\": \"((?:[^\"\\\\]|\\\\.)*)\"");
  static final Pattern CONTENT = Pattern.compile("\"content\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  static final Pattern CODE = Pattern.compile("\"code\":\\s*\"([a-z_0-9]+)\"");
  /** The turn tag at the start of every user message: letters only, so no recognizer takes it for data. */
  static final Pattern TAG = Pattern.compile("\\[(q[a-z]+) (t[a-z])\\]");

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "run" -> run(args[1].split(","), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]), Integer.parseInt(args[6]), args[7], args.length > 8 ? Path.of(args[8]) : null);
      case "check" -> check(Path.of(args[1]));
      default -> {
        System.err.println("usage: ConvLoad run URLS KEY DATA_DIR SECONDS CONCURRENCY TURNS RUN_TAG [MISMATCH_FILE]"
            + " | check RECORD_FILE");
        System.exit(2);
      }
    }
  }

  static List<String> labelledTexts(Path dataDir) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(dataDir.resolve("presidio_synth_v2/eval.jsonl"), StandardCharsets.UTF_8)) {
      Matcher m = TEXT.matcher(line);
      if (line.contains("\"label\"") && m.find()) {
        texts.add(unescape(m.group(1)));
      }
    }
    return texts;
  }

  /** Letters for a number (base 26), so tags carry no digits. */
  static String letters(long n) {
    StringBuilder s = new StringBuilder();
    do {
      s.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return s.toString();
  }

  static void run(String[] urls, String key, Path dataDir, int seconds, int concurrency, int turns, String runTag,
      Path mismatchFile) throws Exception {
    List<String> texts = labelledTexts(dataDir);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    AtomicInteger socketErrors = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger conversations = new AtomicInteger();
    AtomicLong nextText = new AtomicLong();
    ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        pool.submit(() -> {
          while (System.nanoTime() < deadline) {
            String conv = "q" + runTag + letters(conversations.incrementAndGet());
            List<String> messages = new ArrayList<>();
            messages.add("{\"role\":\"system\",\"content\":\"You are a helpful assistant of Northwind Travel.\"}");
            String previous = null;
            for (int t = 0; t < turns && System.nanoTime() < deadline; t++) {
              StringBuilder user = new StringBuilder("[" + conv + " t" + (char) ('a' + t) + "] ");
              while (user.toString().getBytes(StandardCharsets.UTF_8).length < MESSAGE_BYTES) {
                user.append(texts.get((int) (nextText.getAndIncrement() % texts.size()))).append(' ');
              }
              if (previous != null) {
                int cut = previous.lastIndexOf(' ', Math.min(previous.length() - 1, 240));
                user.append("As I wrote before: ").append(previous, previous.indexOf("] ") + 2, Math.max(cut, 1));
              }
              String u = user.toString().strip();
              messages.add("{\"role\":\"user\",\"content\":" + quote(u) + "}");
              String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[" + String.join(",", messages) + "]}";
              URI uri = URI.create(urls[t % urls.length] + "/v1/chat/completions");
              long t0 = System.nanoTime();
              String answer;
              try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .header("X-Veil-Conversation", conv)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                latencies.add(System.nanoTime() - t0);
                if (r.statusCode() / 100 != 2) {
                  Matcher c = CODE.matcher(r.body());
                  errors.computeIfAbsent(r.statusCode() + "_" + (c.find() ? c.group(1) : "none"),
                      k -> new AtomicInteger()).incrementAndGet();
                  break; // the conversation cannot go on without its answer
                }
                Matcher m = CONTENT.matcher(r.body());
                answer = m.find() ? unescape(m.group(1)) : null;
              } catch (IOException e) {
                socketErrors.incrementAndGet();
                break;
              } catch (InterruptedException e) {
                return null;
              }
              if (!u.equals(answer)) {
                wrong.incrementAndGet();
                if (mismatches.size() < 20) {
                  mismatches.add("{\"sent\":" + quote(u) + ",\"got\":" + (answer == null ? "null" : quote(answer)) + "}");
                }
                break;
              }
              messages.add("{\"role\":\"assistant\",\"content\":" + quote(answer) + "}");
              previous = u;
            }
          }
          return null;
        });
      }
    }
    double duration = (System.nanoTime() - start) / 1e9;
    if (mismatchFile != null && !mismatches.isEmpty()) {
      Files.write(mismatchFile, mismatches, StandardCharsets.UTF_8);
    }
    long[] v = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    int non2xx = errors.values().stream().mapToInt(AtomicInteger::get).sum();
    StringBuilder byCode = new StringBuilder();
    new TreeMap<>(errors).forEach((k, n) -> byCode.append(",\"err_").append(k).append("\":").append(n.get()));
    System.out.printf(Locale.ROOT, "{\"requests\":%d,\"conversations\":%d,\"duration_s\":%.3f,\"rps\":%.1f,"
            + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx\":%d,\"socket_errors\":%d,\"wrong_restores\":%d%s}%n",
        v.length, conversations.get(), duration, v.length / duration, pct(v, 50), pct(v, 99), non2xx,
        socketErrors.get(), wrong.get(), byCode);
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }

  /** Stability of tokens: turn t's request starts with turn t-1's request's messages, unchanged. */
  static void check(Path record) throws IOException {
    Map<String, List<String>> byTurn = new HashMap<>();
    for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
      List<String> contents = new ArrayList<>();
      Matcher m = CONTENT.matcher(line);
      while (m.find()) {
        contents.add(m.group(1));
      }
      if (contents.isEmpty()) {
        continue;
      }
      Matcher tag = TAG.matcher(contents.get(contents.size() - 1));
      if (tag.find()) {
        byTurn.put(tag.group(1) + " " + tag.group(2), contents);
      }
    }
    int checked = 0;
    int unstable = 0;
    String example = null;
    for (Map.Entry<String, List<String>> e : byTurn.entrySet()) {
      String[] k = e.getKey().split(" ");
      char turn = k[1].charAt(1);
      if (turn == 'a') {
        continue;
      }
      List<String> before = byTurn.get(k[0] + " t" + (char) (turn - 1));
      if (before == null) {
        continue;
      }
      checked++;
      List<String> now = e.getValue();
      if (now.size() < before.size() || !now.subList(0, before.size()).equals(before)) {
        unstable++;
        if (example == null) {
          example = e.getKey();
        }
      }
    }
    System.out.printf(Locale.ROOT, "{\"recorded_turns\":%d,\"checked_turns\":%d,\"unstable_turns\":%d%s}%n",
        byTurn.size(), checked, unstable, example == null ? "" : ",\"first_unstable\":\"" + example + "\"");
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> b.append(n);
      }
    }
    return b.toString();
  }
}
