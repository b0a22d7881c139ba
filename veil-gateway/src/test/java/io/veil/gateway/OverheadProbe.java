package io.veil.gateway;

import io.veil.core.Veil;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.mock.MockLlm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * A quick, sequential latency probe (not a test, not the load benchmark): the same 1 KB
 * chat request sent N times to the mock LLM directly and through the gateway; prints p50/p99 of
 * each and the difference. Run: see docs/notes/gateway.md.
 */
public final class OverheadProbe {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("veil-probe");
    try (MockLlm mock = MockLlm.start(0, null)) {
      FileClientKeyStore keys = FileClientKeyStore.open(dir);
      String key = keys.create("bench", "default", 0).secret();
      UpstreamConfig up = new UpstreamConfig(URI.create(mock.baseUrl() + "/v1"), null, null,
          UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      boolean governed = java.util.Arrays.asList(args).contains("governed");
      Governance gov = governed ? Governance.open(GovernanceConfig.defaults(), dir, Map.of()) : null;
      Veil.Builder vb = Veil.builder();
      if (gov != null) {
        vb.vault(gov.vault());
      }
      Veil veil = args.length > 1 && args[1].equals("test-recognizers") ? TestVeil.create(gov == null ? null : gov.vault())
          : vb.build();
      try (Gateway g = Gateway.start(new GatewayConfig("127.0.0.1", 0, dir, up, null,
          Map.of("default", GatewayPolicy.defaults("default"))), veil, keys, gov)) {
        String sentence = "Hi, I am Jane Doe, reach me at jane.doe@example.com or +1 415 555 0132; card 4111 1111 1111 1111. ";
        String prompt = sentence.repeat(1024 / sentence.length() + 1).substring(0, 1024);
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
            + Json.write(Json.MAPPER.getNodeFactory().textNode(prompt)) + "}]}";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest direct = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/v1/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpRequest viaVeil = HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        run(http, direct, n / 4);
        run(http, viaVeil, n / 4);
        long[] a = run(http, direct, n);
        long[] b = run(http, viaVeil, n);
        System.out.printf("n=%d  direct p50=%.2f ms p99=%.2f ms | via Veil p50=%.2f ms p99=%.2f ms | added p50=%.2f ms p99=%.2f ms%n",
            n, ms(a, 0.50), ms(a, 0.99), ms(b, 0.50), ms(b, 0.99), ms(b, 0.50) - ms(a, 0.50), ms(b, 0.99) - ms(a, 0.99));
      } finally {
        if (gov != null) {
          gov.close();
        }
      }
    }
  }

  private static long[] run(HttpClient http, HttpRequest req, int n) throws Exception {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      t[i] = System.nanoTime() - s;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("status " + r.statusCode());
      }
    }
    Arrays.sort(t);
    return t;
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
