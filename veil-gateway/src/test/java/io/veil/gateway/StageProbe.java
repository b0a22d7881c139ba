package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Veil;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.gateway.mock.MockLlm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The critical path of one request at concurrency 1, stage by stage (not a test; a measuring harness for
 * docs/notes/gwpath.md). Everything runs in one JVM, so {@link System#nanoTime()} stamps taken by the client,
 * by timing wrappers put around each interceptor of the gateway's real chain, and by a timing wrapper around
 * the upstream transport are on one clock. The gateway is {@code veil serve}'s: governance on H2 (vault, keys,
 * audit), the default {@code Veil} (all recognizers, the NER model), the in-process {@link MockLlm} upstream.
 * Every request is a new conversation with new values (distinct prompts, like {@code run-load.sh --unique}).
 *
 * <pre>
 * java -cp ... io.veil.gateway.StageProbe DATA_DIR [N] [UPSTREAM_DELAY_MS]
 * </pre>
 *
 * <p>The wrappers are installed by reflection on the running gateway (test harness only; production code has
 * no hook for them); they cost two {@code nanoTime} calls per stage.
 */
public final class StageProbe {
  static long upstreamDelayMillis;

  /** The one request in flight (concurrency 1). */
  static volatile Trace current;

  static final class Trace {
    long client0;
    long[] stageIn = new long[16];
    long[] stageOut = new long[16];
    long send;
    long headers;
    long upFirst;
    long upEof;
    long veilFirstEvent;
    long veilFirstContent;
    long clientFirstEvent;
    long clientFirstContent;
    long clientEnd;
  }

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    // a provider's think time before its answer (time to first token), added by the transport wrapper
    upstreamDelayMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
    List<String> prompts = prompts(data);
    Path dir = Files.createTempDirectory("veil-stage-probe");
    GovernanceConfig govConfig = GovernanceConfig.defaults();
    try (MockLlm mock = MockLlm.start(0, null);
        Governance gov = Governance.open(govConfig, dir, Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(govConfig.clientKeys(), dir, gov::clientKeyTable);
      String key = keys.create("bench", "default", 0).secret();
      UpstreamConfig up = new UpstreamConfig(URI.create(mock.baseUrl() + "/v1"), null, null,
          UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir, up, null,
          Map.of("default", GatewayPolicy.defaults("default")), govConfig);
      Veil veil = Veil.builder().vault(gov.vault()).build();
      try (Gateway g = Gateway.start(config, veil, keys, gov)) {
        PiiInterceptor pii = piiOf(g);
        List<String> names = instrument(g);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI direct = URI.create(mock.baseUrl() + "/v1/chat/completions");
        URI via = URI.create(g.baseUrl() + "/v1/chat/completions");
        // warm-up: JIT, pools, connections
        int warm = Math.max(200, n);
        for (int i = 0; i < warm; i++) {
          String p = "#w" + i + " " + prompts.get(i % prompts.size());
          once(http, direct, null, body(p, i % 2 == 1));
          once(http, via, key, body(p, i % 2 == 1));
        }
        // each request of the gateway alternates between the two restore paths (same JVM, same minutes): the
        // answer's restorer built during the upstream call (prefetch, the gateway's default) or after it
        Field prefetch = PiiInterceptor.class.getDeclaredField("prefetchRestorers");
        prefetch.setAccessible(true);
        for (boolean stream : new boolean[] {false, true}) {
          List<Trace> mockTraces = new ArrayList<>();
          List<Trace> onTraces = new ArrayList<>();
          List<Trace> offTraces = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            String p = "#m" + i + (stream ? "s " : " ") + prompts.get(i % prompts.size());
            mockTraces.add(once(http, direct, null, body(p, stream)));
            boolean on = i % 2 == 0;
            prefetch.setBoolean(pii, on);
            (on ? onTraces : offTraces).add(once(http, via, key, body("#v" + i + p, stream)));
          }
          prefetch.setBoolean(pii, true);
          report(stream, names, mockTraces, onTraces, offTraces);
        }
        detectionAlone(veil, prompts, n);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static PiiInterceptor piiOf(Gateway g) throws ReflectiveOperationException {
    Field chainField = Gateway.class.getDeclaredField("chain");
    chainField.setAccessible(true);
    for (Interceptor i : (List<Interceptor>) chainField.get(g)) {
      if (i instanceof PiiInterceptor p) {
        return p;
      }
    }
    throw new IllegalStateException("no PiiInterceptor in the chain");
  }

  /** Wraps each interceptor of the gateway's chain, and the upstream transport, with timestamping. */
  @SuppressWarnings("unchecked")
  static List<String> instrument(Gateway g) throws ReflectiveOperationException {
    Field chainField = Gateway.class.getDeclaredField("chain");
    chainField.setAccessible(true);
    List<Interceptor> chain = (List<Interceptor>) chainField.get(g);
    List<Interceptor> wrapped = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      Interceptor inner = chain.get(i);
      names.add(inner.getClass().getSimpleName().replace("Interceptor", ""));
      int at = i;
      if (inner instanceof UpstreamInterceptor u) {
        Field t = UpstreamInterceptor.class.getDeclaredField("transport");
        t.setAccessible(true);
        t.set(u, new TimedTransport((UpstreamTransport) t.get(u)));
      }
      wrapped.add(c -> {
        Trace tr = current;
        tr.stageIn[at] = System.nanoTime();
        GatewayResponse r;
        try {
          r = inner.intercept(c);
        } finally {
          tr.stageOut[at] = System.nanoTime();
        }
        if (at == 0 && r instanceof GatewayResponse.Stream s) {
          // when the gateway's writer gets each restored event (before it writes and flushes it)
          return new GatewayResponse.Stream(s.status(), s.headers(), new EventStream() {
            @Override
            public SseEvent next() throws IOException {
              SseEvent e = s.events().next();
              long now = System.nanoTime();
              if (e != null && tr.veilFirstEvent == 0) {
                tr.veilFirstEvent = now;
              }
              if (e != null && tr.veilFirstContent == 0 && e.data().contains("\"content\":\"")
                  && !e.data().contains("\"content\":\"\"")) {
                tr.veilFirstContent = now;
              }
              return e;
            }

            @Override
            public void close() {
              s.events().close();
            }
          });
        }
        return r;
      });
    }
    chainField.set(g, List.copyOf(wrapped));
    return names;
  }

  static final class TimedTransport implements UpstreamTransport {
    private final UpstreamTransport inner;

    TimedTransport(UpstreamTransport inner) {
      this.inner = inner;
    }

    @Override
    public Reply send(String method, URI uri, Map<String, String> headers, byte[] body) throws Failure {
      Trace tr = current;
      tr.send = System.nanoTime();
      Reply r = inner.send(method, uri, headers, body);
      if (upstreamDelayMillis > 0) {
        try {
          Thread.sleep(upstreamDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      tr.headers = System.nanoTime();
      InputStream in = r.body();
      InputStream timed = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int k = in.read(b, off, len);
          long now = System.nanoTime();
          if (k > 0 && tr.upFirst == 0) {
            tr.upFirst = now;
          }
          if (k < 0 && tr.upEof == 0) {
            tr.upEof = now;
          }
          return k;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
      return new Reply() {
        @Override
        public int status() {
          return r.status();
        }

        @Override
        public String header(String name) {
          return r.header(name);
        }

        @Override
        public InputStream body() {
          return timed;
        }
      };
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  static Trace once(HttpClient http, URI uri, String key, String body) throws Exception {
    Trace tr = new Trace();
    current = tr;
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    tr.client0 = System.nanoTime();
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        long now = System.nanoTime();
        if (line.startsWith("data:")) {
          if (tr.clientFirstEvent == 0) {
            tr.clientFirstEvent = now;
          }
          if (tr.clientFirstContent == 0 && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
            tr.clientFirstContent = now;
          }
        }
      }
    }
    tr.clientEnd = System.nanoTime();
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode());
    }
    return tr;
  }

  static void report(boolean stream, List<String> names, List<Trace> mock, List<Trace> on, List<Trace> off) {
    Map<String, Get> rows = new LinkedHashMap<>();
    int last = names.size() - 1;
    rows.put("client send -> chain start (client, Jetty, Javalin, body read)", t -> t.stageIn[0] - t.client0);
    for (int i = 0; i < last; i++) {
      int k = i;
      rows.put("  " + names.get(i) + " (before next stage)", t -> t.stageIn[k + 1] - t.stageIn[k]);
    }
    rows.put("  Upstream: build + serialise request", t -> t.send - t.stageIn[last]);
    rows.put("upstream send -> response headers (mock + Jetty client)", t -> t.headers - t.send);
    if (!stream) {
      rows.put("upstream headers -> body end", t -> t.upEof - t.headers);
      rows.put("  Upstream: parse answer", t -> t.stageOut[last] - t.upEof);
      for (int i = last - 1; i >= 0; i--) {
        int k = i;
        rows.put("  " + names.get(i) + " (after next stage)", t -> t.stageOut[k] - t.stageOut[k + 1]);
      }
      rows.put("chain end -> client has the whole answer (serialise, write)", t -> t.clientEnd - t.stageOut[0]);
    } else {
      rows.put("upstream headers -> chain returns the stream", t -> t.stageOut[0] - t.headers);
      rows.put("upstream first body byte at Veil -> first restored event ready to write", t -> t.veilFirstEvent - t.upFirst);
      rows.put("first restored event ready -> client has it (write, flush, client)", t -> t.clientFirstEvent - t.veilFirstEvent);
      rows.put("upstream first body byte at Veil -> client first event", t -> t.clientFirstEvent - t.upFirst);
      rows.put("upstream first body byte at Veil -> first restored content ready", t -> t.veilFirstContent - t.upFirst);
      rows.put("upstream first body byte at Veil -> client first content", t -> t.clientFirstContent - t.upFirst);
      rows.put("client send -> first content", t -> t.clientFirstContent - t.client0);
    }
    rows.put("total", t -> t.clientEnd - t.client0);
    System.out.printf(Locale.ROOT, "%n## %s, concurrency 1, %d + %d requests (interleaved)%n%n"
            + "| stage | prefetch p50 ms | mean | p90 | no prefetch p50 ms | mean | p90 |%n|---|---:|---:|---:|---:|---:|---:|%n",
        stream ? "streamed" : "non-streamed", on.size(), off.size());
    rows.forEach((name, g) -> {
      long[] a = col(on, g);
      long[] b = col(off, g);
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, pct(a, 50), mean(a), pct(a, 90),
          pct(b, 50), mean(b), pct(b, 90));
    });
    long[] m = col(mock, t -> t.clientEnd - t.client0);
    System.out.printf(Locale.ROOT, "| mock direct: total | %.3f | %.3f | %.3f | | | |%n", pct(m, 50), mean(m), pct(m, 90));
    if (stream) {
      long[] mf = col(mock, t -> t.clientFirstContent - t.client0);
      System.out.printf(Locale.ROOT, "| mock direct: client send -> first content | %.3f | %.3f | %.3f | | | |%n", pct(mf, 50),
          mean(mf), pct(mf, 90));
    }
  }

  static double mean(long[] v) {
    return Arrays.stream(v).average().orElse(0) / 1e6;
  }

  static void detectionAlone(Veil veil, List<String> prompts, int n) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      String p = "#d" + i + " " + prompts.get(i % prompts.size());
      long a = System.nanoTime();
      veil.analyzer().analyze(p);
      t[i] = System.nanoTime() - a;
    }
    System.out.printf(Locale.ROOT, "%ndetection alone (veil.analyzer().analyze, same prompts): p50 %.3f ms, mean %.3f ms%n",
        pct(t, 50), Arrays.stream(t).average().orElse(0) / 1e6);
  }

  interface Get {
    long of(Trace t);
  }

  static long[] col(List<Trace> ts, Get g) {
    return ts.stream().mapToLong(g::of).toArray();
  }

  static double pct(long[] v, int p) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1))] / 1e6;
  }

  static String body(String prompt, boolean stream) {
    return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(prompt)) + "}]}";
  }

  /** ~1 KB prompts joined from presidio_synth_v2 texts with labelled spans (as LoadTool's prompts). */
  static List<String> prompts(Path data) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(data.resolve("presidio_synth_v2/eval.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode n = Json.MAPPER.readTree(line);
      if (n.path("spans").size() > 0 || line.contains("\"label\"")) {
        texts.add(n.path("text").asText());
      }
    }
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (String t : texts) {
      if (b.length() + t.length() + 1 > 1024 && b.length() > 0) {
        out.add(b.toString());
        b.setLength(0);
      }
      b.append(t).append(' ');
    }
    return out;
  }
}
