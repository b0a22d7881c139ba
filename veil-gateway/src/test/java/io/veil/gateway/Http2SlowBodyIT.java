package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.FileClientKeyStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/2 request body trickled below {@code server.minBodyBytesPerSecond} (each DATA frame well inside the idle
 * timeout, so the idle timeout alone would never end it) is refused with 408 in the provider's error envelope once
 * the grace period ({@code server.headerTimeoutSeconds}) has passed, and the connection's other streams go on; with
 * the rule off the same trickle is served. HTTP/1.1's slow bodies: {@code SlowClientIT}. Real sockets, Jetty's own
 * HTTP/2 client (h2c).
 */
class Http2SlowBodyIT {
  /** Without the rule the trickle below would go on for this long; the cut comes after about 1 s. */
  private static final long BOUND_SECONDS = 8;

  @TempDir
  Path dir;

  private HTTP2Client client;

  @BeforeEach
  void startClient() throws Exception {
    client = new HTTP2Client();
    client.setIdleTimeout(120_000);
    client.start();
  }

  @AfterEach
  void stopClient() throws Exception {
    client.stop();
  }

  private Gateway start(int minBodyBytesPerSecond, FileClientKeyStore keys) {
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir.resolve("rate-" + minBodyBytesPerSecond), up, null,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), 100, Duration.ofSeconds(30), Duration.ZERO,
            Duration.ofSeconds(1), minBodyBytesPerSecond));
    return Gateway.start(config, TestVeil.create(), keys);
  }

  /** What ended a stream: "status N body" or "reset E". */
  private static final class Outcome implements Stream.Listener {
    final CompletableFuture<String> done = new CompletableFuture<>();
    private int status;
    private final StringBuilder body = new StringBuilder();

    @Override
    public void onHeaders(Stream s, HeadersFrame frame) {
      if (frame.getMetaData() instanceof MetaData.Response r) {
        status = r.getStatus();
      }
      if (frame.isEndStream()) {
        done.complete("status " + status + " " + body);
      } else {
        s.demand();
      }
    }

    @Override
    public void onDataAvailable(Stream s) {
      Stream.Data data = s.readData();
      if (data == null) {
        s.demand();
        return;
      }
      body.append(StandardCharsets.UTF_8.decode(data.frame().getByteBuffer()));
      boolean last = data.frame().isEndStream();
      data.release();
      if (last) {
        done.complete("status " + status + " " + body);
      } else {
        s.demand();
      }
    }

    @Override
    public void onReset(Stream s, ResetFrame frame, Callback callback) {
      done.complete("reset " + frame.getError());
      callback.succeeded();
    }
  }

  /**
   * Sends a chat request's headers, then its body 4 bytes every 300 ms (about 13 bytes/s) until the stream ends or
   * the body is sent; returns the outcome and how long it took.
   */
  private static String trickle(Session session, int port, String key, int bodyBytes, long[] millis) throws Exception {
    byte[] body = ("{\"model\":\"m\",\"messages\":[],\"x\":\"" + "a".repeat(Math.max(0, bodyBytes - 34)) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    MetaData.Request request = new MetaData.Request("POST",
        HttpURI.from("http://127.0.0.1:" + port + "/v1/chat/completions"), HttpVersion.HTTP_2,
        HttpFields.build().put("authorization", "Bearer " + key).put("content-type", "application/json"), body.length);
    Outcome outcome = new Outcome();
    long start = System.nanoTime();
    Stream stream = session.newStream(new HeadersFrame(request, null, false), outcome).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < body.length && !outcome.done.isDone(); i += 4) {
      int n = Math.min(4, body.length - i);
      CompletableFuture<Stream> sent = stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(body, i, n),
          i + n >= body.length));
      try {
        sent.get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        break; // the stream was ended by the server while we were sending
      }
      Thread.sleep(300);
    }
    String result = outcome.done.get(BOUND_SECONDS, TimeUnit.SECONDS);
    millis[0] = (System.nanoTime() - start) / 1_000_000;
    return result;
  }

  private Session connect(Gateway g) throws Exception {
    return client.connect(new InetSocketAddress("127.0.0.1", g.port()), new Session.Listener() {})
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyBelowTheMinimumRateGets408AfterTheGraceAndTheConnectionGoesOn() throws Exception {
    FileClientKeyStore keys = FileClientKeyStore.open(dir.resolve("keys-100"));
    try (Gateway g = start(100, keys)) {
      String key = keys.create("acme", "default", 0).secret();
      Session session = connect(g);
      long[] millis = new long[1];
      // about 13 bytes a second against a minimum of 100, for longer than the bound
      String outcome = trickle(session, g.port(), key, (int) (BOUND_SECONDS * 1000 / 300 * 4 + 200), millis);
      assertThat(outcome).startsWith("status 408 ").contains("\"code\":\"veil_request_timeout\"")
          .contains("minimum rate of 100 bytes/s").doesNotContain(key);
      assertThat(millis[0]).as("cut after the 1 s grace, at the first frame below the rate")
          .isGreaterThanOrEqualTo(900).isLessThan(4_000);
      // the other streams of the connection are not affected
      Outcome health = new Outcome();
      session.newStream(new HeadersFrame(new MetaData.Request("GET",
          HttpURI.from("http://127.0.0.1:" + g.port() + "/health"), HttpVersion.HTTP_2, HttpFields.EMPTY, 0), null, true),
          health).get(10, TimeUnit.SECONDS);
      assertThat(health.done.get(10, TimeUnit.SECONDS)).startsWith("status 200 ");
      // counted as a stream refused, not as a connection closed
      assertThat(SlowClientIT.metrics(g)).contains("veil_slow_client_disconnections_total{reason=\"stream_body\"} 1.0")
          .contains("veil_slow_client_disconnections_total{reason=\"body\"} 0.0");
    }
  }

  @Test
  void withTheRuleOffTheSameTrickleIsServed() throws Exception {
    FileClientKeyStore keys = FileClientKeyStore.open(dir.resolve("keys-0"));
    try (Gateway g = start(0, keys)) {
      String key = keys.create("acme", "default", 0).secret();
      Session session = connect(g);
      long[] millis = new long[1];
      // 2.5 s of trickling (past the grace), then the body is complete: answered (the upstream is unreachable)
      String outcome = trickle(session, g.port(), key, 34 + 32, millis);
      assertThat(millis[0]).isGreaterThanOrEqualTo(2_000);
      assertThat(outcome).startsWith("status ").doesNotStartWith("status 408").doesNotStartWith("reset");
    }
  }
}
