// Helper of run-load.sh, run as a single-file source program (java LoadTool.java ...; JDK 21+, JDK classes only):
//   prompts DATA_DIR OUT_DIR [COUNT]   writes OUT_DIR/bodies.jsonl and bodies-stream.jsonl: chat requests whose
//                                      user message is ~1 KB of PII-rich text built from presidio_synth_v2
//   multiturn DATA_DIR OUT_DIR [CONVERSATIONS] [TURNS]
//                                      writes OUT_DIR/bodies-multiturn.jsonl: chat conversations as clients send them,
//                                      turn after turn: one ~1.5 KB system prompt (the same in every request), the
//                                      whole history so far (PII-rich user messages of ~400 bytes, assistant answers)
//                                      and the new user message; each user message holds {{PASS}}, which post.lua
//                                      (UNIQUE=1) replaces by its pass over the file, so a conversation is new on
//                                      every pass and only the system prompt and the history within a pass repeat
//   report RESULTS_JSONL [DURATION]   prints the results of run-load.sh as Markdown, with the ratios
//   ttfb URL KEY BODIES REQUESTS CONCURRENCY
//                                      sends streamed requests; prints one JSON line with p50/p99 of the time to
//                                      the first SSE event, to the first non-empty content delta, and to the end
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
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LoadTool {

  static final int PROMPT_BYTES = 1024;
  static final Pattern TEXT = Pattern.compile("\"text\": \"((?:[^\"\\\\]|\\\\.)*)\"");
  static final Pattern CONTENT_PIECE = Pattern.compile("\"(?:content|delta)\":\"[^\"]");

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "prompts" -> prompts(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 64);
      case "ttfb" -> ttfb(URI.create(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]));
      case "multiturn" -> multiturn(Path.of(args[1]), Path.of(args[2]),
          args.length > 3 ? Integer.parseInt(args[3]) : 40, args.length > 4 ? Integer.parseInt(args[4]) : 10);
      case "report" -> report(Path.of(args[1]), args.length > 2 ? args[2] : "?");
      default -> {
        System.err.println("usage: LoadTool report RESULTS_JSONL [DURATION] | prompts DATA_DIR OUT_DIR [COUNT] | multiturn DATA_DIR OUT_DIR [CONVERSATIONS] [TURNS] | ttfb URL KEY BODIES REQUESTS CONCURRENCY");
        System.exit(2);
      }
    }
  }

  /** The texts of presidio_synth_v2 with at least one labelled span, still JSON-escaped (pasted into JSON as is). */
  static List<String> labelledTexts(Path dataDir) throws IOException {
    Path eval = dataDir.resolve("presidio_synth_v2/eval.jsonl");
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(eval, StandardCharsets.UTF_8)) {
      if (line.contains("\"label\"")) {
        Matcher m = TEXT.matcher(line);
        if (m.find()) {
          texts.add(m.group(1));
        }
      }
    }
    return texts;
  }

  /** Joins labelled example texts (those with at least one span) into prompts of at most 1 KB of UTF-8. */
  static void prompts(Path dataDir, Path outDir, int count) throws IOException {
    List<String> texts = labelledTexts(dataDir);
    Files.createDirectories(outDir);
    List<String> bodies = new ArrayList<>();
    List<String> streamBodies = new ArrayList<>();
    Iterator<String> it = texts.iterator();
    for (int i = 0; i < count && it.hasNext(); i++) {
      StringBuilder prompt = new StringBuilder();
      while (it.hasNext()) {
        String next = it.next();
        String candidate = prompt.isEmpty() ? next : prompt + " " + next;
        if (decodedLength(candidate) > PROMPT_BYTES) {
          if (prompt.isEmpty()) { // one example longer than 1 KB: cut it at a word boundary
            int cut = next.lastIndexOf(' ', Math.min(next.length() - 1, PROMPT_BYTES));
            prompt.append(next, 0, Math.max(cut, 1));
          }
          break;
        }
        prompt.setLength(0);
        prompt.append(candidate);
      }
      String messages = "\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
          + "{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
      bodies.add("{\"model\":\"gpt-4o-mini\",\"stream\":false," + messages + "}");
      streamBodies.add("{\"model\":\"gpt-4o-mini\",\"stream\":true," + messages + "}");
    }
    Files.write(outDir.resolve("bodies.jsonl"), bodies, StandardCharsets.UTF_8);
    Files.write(outDir.resolve("bodies-stream.jsonl"), streamBodies, StandardCharsets.UTF_8);
    System.out.printf("%d prompt bodies of ~%d bytes of PII-rich text in %s%n", bodies.size(), PROMPT_BYTES, outDir);
  }

  /** An app's system prompt: instructions with a few contacts in them, ~1.5 KB, identical in every request. */
  static final String SYSTEM_PROMPT = ("You are the customer-support assistant of Northwind Travel Ltd. Answer in the"
      + " customer's language, briefly and precisely. Never promise refunds above 500 EUR: escalate those to the duty"
      + " manager Margaret Okafor (margaret.okafor@northwind-travel.example, +44 20 7946 0958). Booking changes within"
      + " 24 hours of departure go to the operations desk of Daniel Brooks (ops@northwind-travel.example). Our office"
      + " is at 221B Baker Street, London NW1 6XE. Refunds are paid to the card or account the booking was paid with;"
      + " never read a full card number or IBAN back to a customer. If a customer is upset, apologise once, then"
      + " solve the problem. Do not give legal or medical advice. Do not discuss other customers. Use the booking"
      + " reference (NW- followed by five digits) to identify a booking, never the customer's date of birth alone."
      + " Formats: dates as 12 March 2025, prices with the currency after the amount. ").repeat(2).strip();

  /**
   * Multi-turn chat conversations as chat clients send them: every request repeats the system prompt and the
   * whole history. User messages are PII-rich texts of presidio_synth_v2 (each ~400 bytes, marked {{PASS}}),
   * assistant answers short acknowledgements that quote part of the user's message.
   */
  static void multiturn(Path dataDir, Path outDir, int conversations, int turns) throws IOException {
    List<String> texts = labelledTexts(dataDir);
    Iterator<String> it = texts.iterator();
    List<String> bodies = new ArrayList<>();
    long bytes = 0;
    int made = 0;
    for (int c = 0; c < conversations && it.hasNext(); c++) {
      made++;
      StringBuilder history = new StringBuilder("{\"role\":\"system\",\"content\":\"" + SYSTEM_PROMPT + "\"}");
      for (int t = 0; t < turns && it.hasNext(); t++) {
        StringBuilder user = new StringBuilder("[{{PASS}}] ");
        while (it.hasNext() && decodedLength(user.toString()) < 400) {
          user.append(it.next()).append(' ');
        }
        String u = user.toString().strip();
        history.append(",{\"role\":\"user\",\"content\":\"").append(u).append("\"}");
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":false,\"messages\":[" + history + "]}";
        bodies.add(body);
        bytes += body.length();
        int cut = u.lastIndexOf(' ', Math.min(u.length() - 1, 160));
        history.append(",{\"role\":\"assistant\",\"content\":\"Thank you. I have noted: ")
            .append(u, 0, Math.max(cut, 1)).append(". Is there anything else I can help you with?\"}");
      }
    }
    Files.createDirectories(outDir);
    Files.write(outDir.resolve("bodies-multiturn.jsonl"), bodies, StandardCharsets.UTF_8);
    System.out.printf("%d multi-turn bodies (%d conversations of up to %d turns), mean %d bytes, system prompt %d"
        + " bytes, in %s%n", bodies.size(), made, turns, bodies.isEmpty() ? 0 : bytes / bodies.size(),
        SYSTEM_PROMPT.length(), outDir);
  }

  /** Bytes the JSON-escaped text stands for (approximately: escapes count as one byte). */
  static int decodedLength(String escaped) {
    return escaped.replaceAll("\\\\u[0-9a-fA-F]{4}", "xx").replaceAll("\\\\.", "x")
        .getBytes(StandardCharsets.UTF_8).length;
  }

  static final String LAST_USER = "\"role\":\"user\",\"content\":\"";
  /** With UNIQUE=1: TAG_PREFIX from the environment starts every tag, so repeated runs against one gateway stay distinct. */
  static final String TAG_PREFIX = System.getenv().getOrDefault("TAG_PREFIX", "");

  /**
   * With UNIQUE=1 in the environment (as post.lua): the body with {@code #tag } put at the start of its last user
   * message, so no request repeats an earlier one and a detection cache in Veil answers none of them.
   */
  static String distinct(String body, String tag) {
    if (!"1".equals(System.getenv("UNIQUE"))) {
      return body;
    }
    int at = body.lastIndexOf(LAST_USER);
    return at < 0 ? body : body.substring(0, at + LAST_USER.length()) + "#" + tag + " "
        + body.substring(at + LAST_USER.length());
  }

  static void ttfb(URI url, String key, Path bodiesFile, int requests, int concurrency) throws Exception {
    List<String> bodies = Files.readAllLines(bodiesFile, StandardCharsets.UTF_8);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    // warm-up of this client JVM, not measured
    for (int i = 0; i < Math.min(200, requests); i++) {
      once(http, url, key, distinct(bodies.get(i % bodies.size()), TAG_PREFIX + "w" + i));
    }
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < requests) {
            try {
              long[] s = once(http, url, key, distinct(bodies.get(i % bodies.size()), TAG_PREFIX + "m" + i));
              if (s == null) {
                failures.incrementAndGet();
              } else {
                samples.add(s);
              }
            } catch (Exception e) {
              failures.incrementAndGet();
            }
          }
          return null;
        });
      }
    }
    long[][] all = samples.toArray(new long[0][]);
    System.out.printf(Locale.ROOT,
        "{\"requests\":%d,\"failures\":%d,\"first_event_p50_ms\":%.3f,\"first_event_p99_ms\":%.3f,"
            + "\"first_content_p50_ms\":%.3f,\"first_content_p99_ms\":%.3f,\"total_p50_ms\":%.3f,\"total_p99_ms\":%.3f}%n",
        all.length, failures.get(), pct(all, 0, 50), pct(all, 0, 99), pct(all, 1, 50), pct(all, 1, 99),
        pct(all, 2, 50), pct(all, 2, 99));
  }

  /** {first event, first content, end} in nanoseconds from sending, or null on a non-200 answer. */
  static long[] once(HttpClient http, URI url, String key, String body) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
    long firstEvent = -1;
    long firstContent = -1;
    try (var lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (!line.startsWith("data:")) {
          continue;
        }
        long now = System.nanoTime();
        if (firstEvent < 0) {
          firstEvent = now - t0;
        }
        if (firstContent < 0 && CONTENT_PIECE.matcher(line).find()) {
          firstContent = now - t0;
        }
      }
    }
    long end = System.nanoTime() - t0;
    return r.statusCode() == 200 && firstContent >= 0 ? new long[] {firstEvent, firstContent, end} : null;
  }

  static double pct(long[][] samples, int column, int percentile) {
    if (samples.length == 0) {
      return Double.NaN;
    }
    long[] v = Arrays.stream(samples).mapToLong(s -> s[column]).sorted().toArray();
    int idx = (int) Math.ceil(percentile / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(idx, v.length - 1))] / 1e6;
  }

  // ------------------------------------------------------------------------------------------------ report

  static final Pattern FIELD = Pattern.compile("\"([a-z_0-9]+)\":(\"[^\"]*\"|[-0-9.eE]+|NaN)");

  static java.util.Map<String, String> parse(String line) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    Matcher f = FIELD.matcher(line);
    while (f.find()) {
      m.put(f.group(1), f.group(2).replace("\"", ""));
    }
    return m;
  }

  static double num(java.util.Map<String, String> m, String key) {
    String v = m == null ? null : m.get(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  static String f(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
  }

  static void report(Path results, String duration) throws IOException {
    List<java.util.Map<String, String>> rows = Files.readAllLines(results, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank()).map(LoadTool::parse).toList();
    // wrk rows by "target@concurrency@round"; targets in the order they were measured
    java.util.Map<String, java.util.Map<String, String>> wrk = new java.util.LinkedHashMap<>();
    java.util.Map<String, java.util.Map<String, String>> ttfb = new java.util.LinkedHashMap<>();
    java.util.TreeSet<Integer> levels = new java.util.TreeSet<>();
    java.util.TreeSet<Integer> rounds = new java.util.TreeSet<>();
    java.util.LinkedHashSet<String> targets = new java.util.LinkedHashSet<>();
    for (var r : rows) {
      if ("wrk".equals(r.get("kind"))) {
        int c = Integer.parseInt(r.get("concurrency"));
        int round = r.containsKey("round") ? Integer.parseInt(r.get("round")) : 1;
        levels.add(c);
        rounds.add(round);
        targets.add(r.get("target"));
        wrk.put(r.get("target") + "@" + c + "@" + round, r);
      } else if ("ttfb".equals(r.get("kind"))) {
        ttfb.put(r.get("target"), r);
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("## Load: 1 KB PII-rich chat prompts, non-streamed, ").append(duration).append(" per cell (wrk)\n\n");
    md.append("| round | target | concurrency | load avg | req/s | p50 ms | p99 ms | CPU ms/request (target process only) | non-2xx | socket errors |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int round : rounds) {
      for (int c : levels) {
        for (String t : targets) {
          var r = wrk.get(t + "@" + c + "@" + round);
          if (r != null) {
            md.append("| ").append(round).append(" | ").append(t).append(" | ").append(c).append(" | ")
                .append(r.getOrDefault("loadavg", "?")).append(" | ").append(f(num(r, "rps"))).append(" | ")
                .append(f(num(r, "p50_ms"))).append(" | ").append(f(num(r, "p99_ms"))).append(" | ")
                .append(f(num(r, "cpu_ms") / num(r, "requests"))).append(" | ")
                .append(r.get("non2xx")).append(" | ").append(r.get("socket_errors")).append(" |\n");
          }
        }
      }
    }
    md.append("\n### Ratios (each Veil build against the mock and nginx of the same round)\n\n| round | concurrency | target | adds at p50 (ms) | adds at p99 (ms) | nginx adds at p50 (ms) | req/s ÷ nginx req/s | req/s ÷ mock req/s |\n|---:|---:|---|---:|---:|---:|---:|---:|\n");
    for (int round : rounds) {
      for (int c : levels) {
        var m = wrk.get("mock@" + c + "@" + round);
        var n = wrk.get("nginx@" + c + "@" + round);
        for (String t : targets) {
          if (!t.startsWith("veil")) {
            continue;
          }
          var v = wrk.get(t + "@" + c + "@" + round);
          md.append("| ").append(round).append(" | ").append(c).append(" | ").append(t).append(" | ")
              .append(f(num(v, "p50_ms") - num(m, "p50_ms"))).append(" | ")
              .append(f(num(v, "p99_ms") - num(m, "p99_ms"))).append(" | ")
              .append(f(num(n, "p50_ms") - num(m, "p50_ms"))).append(" | ")
              .append(f(num(v, "rps") / num(n, "rps"))).append(" | ")
              .append(f(num(v, "rps") / num(m, "rps"))).append(" |\n");
        }
      }
    }
    if (!ttfb.isEmpty()) {
      md.append("\n## Streams: time to first byte, concurrency 8 (LoadTool ttfb)\n\n")
          .append("| target | requests | failures | first event p50 / p99 ms | first content p50 / p99 ms | whole stream p50 / p99 ms |\n|---|---:|---:|---:|---:|---:|\n");
      for (var e : ttfb.entrySet()) {
        var r = e.getValue();
        md.append("| ").append(e.getKey()).append(" | ").append(r.get("requests")).append(" | ").append(r.get("failures"))
            .append(" | ").append(f(num(r, "first_event_p50_ms"))).append(" / ").append(f(num(r, "first_event_p99_ms")))
            .append(" | ").append(f(num(r, "first_content_p50_ms"))).append(" / ").append(f(num(r, "first_content_p99_ms")))
            .append(" | ").append(f(num(r, "total_p50_ms"))).append(" / ").append(f(num(r, "total_p99_ms"))).append(" |\n");
      }
      var m = ttfb.get("mock");
      for (var e : ttfb.entrySet()) {
        if (m != null && e.getKey().startsWith("veil")) {
          var v = e.getValue();
          md.append("\n").append(e.getKey()).append(" adds to the first content byte: ")
              .append(f(num(v, "first_content_p50_ms") - num(m, "first_content_p50_ms"))).append(" ms at p50, ")
              .append(f(num(v, "first_content_p99_ms") - num(m, "first_content_p99_ms"))).append(" ms at p99.\n");
        }
      }
    }
    List<String> rss = rows.stream().filter(r -> "rss".equals(r.get("kind")))
        .map(r -> r.get("after") + ": RSS " + r.get("rss_mb") + " MB"
            + (r.containsKey("heap_after_gc_mb") ? ", heap after full GC " + r.get("heap_after_gc_mb") + " MB" : ""))
        .toList();
    if (!rss.isEmpty()) {
      md.append("\n## veil serve memory\n\n");
      rss.forEach(s -> md.append("- ").append(s).append("\n"));
    }
    rows.stream().filter(r -> "soak".equals(r.get("kind"))).forEach(r -> md.append("\nSoak (concurrency ")
        .append(r.get("concurrency")).append(", ").append(r.get("duration_s")).append(" s): ").append(r.get("requests"))
        .append(" requests, ").append(f(num(r, "rps"))).append(" req/s, p50 ").append(f(num(r, "p50_ms")))
        .append(" ms, p99 ").append(f(num(r, "p99_ms"))).append(" ms, non-2xx ").append(r.get("non2xx"))
        .append(", socket errors ").append(r.get("socket_errors")).append("\n"));
    System.out.print(md);
  }
}
