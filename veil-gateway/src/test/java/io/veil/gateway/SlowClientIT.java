package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.testing.SelfSignedCert;
import io.veil.gateway.keys.FileClientKeyStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slowloris defences of {@link SlowClientGuard}: a client that trickles header lines, each well inside the
 * idle timeout (30 s), gets 408 and its connection closed after {@code server.headerTimeoutSeconds} (1 s here);
 * one that trickles its body below {@code server.minBodyBytesPerSecond} is disconnected after that grace. A
 * client that pauses between keep-alive requests is not affected, nor a slow body when the rate rule is off.
 * Raw sockets, since HTTP clients cannot send a request slowly.
 */
class SlowClientIT {
  /** Generous: the deadline is 1 s (plus one sweep of 250 ms); without it the trickle would go on for this long. */
  private static final long BOUND_SECONDS = 15;

  @TempDir
  Path dir;

  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = start(null, 0);
  }

  private Gateway start(TlsConfig tls, int minBodyBytesPerSecond) throws Exception {
    Path data = dir.resolve(tls == null ? "plain-" + minBodyBytesPerSecond : "tls");
    FileClientKeyStore keys = FileClientKeyStore.open(data);
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, data, up, tls,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), 100, Duration.ofSeconds(30), Duration.ZERO,
            Duration.ofSeconds(1), minBodyBytesPerSecond));
    return Gateway.start(config, TestVeil.create(), keys);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  /** Reads until the server closes the connection (or the bound passes); what was read. */
  private static CompletableFuture<String> readToEnd(Socket s) {
    return CompletableFuture.supplyAsync(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = s.getInputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // reset by the server: what came before still counts
      }
      return out.toString(StandardCharsets.UTF_8);
    }, r -> Thread.ofVirtual().start(r));
  }

  @Test
  void aClientTricklingItsHeadersGets408AndIsDisconnected() throws Exception {
    assertThat(metrics(gateway)).contains("veil_slow_client_disconnections_total{reason=\"headers\"} 0.0");
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      trickleUntilClosed(s);
    }
    assertThat(metrics(gateway)).as("counted by reason, with no client address or header in it")
        .contains("veil_slow_client_disconnections_total{reason=\"headers\"} 1.0")
        .contains("veil_slow_client_disconnections_total{reason=\"body\"} 0.0")
        .doesNotContain("127.0.0.1").doesNotContain("X-Slow");
  }

  /** The gateway's {@code /metrics} text, read over a plain connection. */
  /** The gateway's /metrics page over a plain HTTP/1.1 socket (also used by {@code Http2SlowBodyIT}). */
  static String metrics(Gateway g) throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: veil\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theDeadlineHoldsOverTlsToo() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create();
    try (Gateway tls = start(cert.writePem(dir, TlsConfig::new), 0);
        SSLSocket s = (SSLSocket) cert.trusting().getSocketFactory().createSocket("127.0.0.1", tls.port())) {
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      s.startHandshake();
      trickleUntilClosed(s);
    }
  }

  /** Sends a request line, then one header line every 200 ms until the server closes; asserts the 408. */
  private static void trickleUntilClosed(Socket s) throws Exception {
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS + 5));
    CompletableFuture<String> answer = readToEnd(s);
    OutputStream out = s.getOutputStream();
    out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: veil\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    int lines = 0;
    try {
      // far inside the 30 s idle timeout, so only the header deadline ends this
      while (!answer.isDone() && System.nanoTime() < end) {
        out.write(("X-Slow-" + lines++ + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200);
      }
    } catch (IOException e) {
      // the server closed the connection while we were still writing
    }
    assertThat(answer.isDone()).as("the connection was closed by the server within %d s", BOUND_SECONDS).isTrue();
    assertThat(answer.get()).startsWith("HTTP/1.1 408 ").contains("\"code\":\"veil_request_timeout\"")
        .contains("Connection: close");
    assertThat(lines).as("header lines were still arriving when the deadline hit").isGreaterThan(1);
  }

  @Test
  void aKeepAliveConnectionIdleBetweenRequestsIsNotCut() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] health = "GET /health HTTP/1.1\r\nHost: veil\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      out.write(health);
      out.flush();
      assertThat(RawHttp.readResponse(in)).startsWith("HTTP/1.1 200 ");
      Thread.sleep(2_500); // over twice the header deadline, with no request started: the idle timeout governs
      out.write(health);
      out.flush();
      assertThat(RawHttp.readResponse(in)).as("the same connection still serves").startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aSlowBodyAfterTimelyHeadersIsNotCutByTheHeaderDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      sendSlowBody(s, 0, () -> false);
      String response = RawHttp.readResponse(s.getInputStream());
      assertThat(response).as("answered (no key: 401), not timed out").startsWith("HTTP/1.1 401 ");
    }
  }

  @Test
  void aBodyBelowTheMinimumRateIsCutAfterTheGracePeriod() throws Exception {
    try (Gateway strict = start(null, 100); Socket s = new Socket("127.0.0.1", strict.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS + 5));
      CompletableFuture<String> answer = readToEnd(s);
      try {
        // about 13 bytes a second against a minimum of 100, for at most the bound
        sendSlowBody(s, BOUND_SECONDS * 1000 / 300, answer::isDone);
      } catch (IOException e) {
        // the server closed the connection while we were still writing
      }
      assertThat(answer.get(5, TimeUnit.SECONDS)).as("closed without an answer").isEmpty();
      assertThat(metrics(strict)).contains("veil_slow_client_disconnections_total{reason=\"body\"} 1.0")
          .contains("veil_slow_client_disconnections_total{reason=\"headers\"} 0.0");
    }
  }

  /** Sends timely headers, then a body (about 34 + 4 * pieces bytes) 4 bytes every 300 ms until stop says so. */
  private static void sendSlowBody(Socket s, long pieces, BooleanSupplier stop) throws IOException,
      InterruptedException {
    OutputStream out = s.getOutputStream();
    byte[] b = ("{\"model\":\"m\",\"messages\":[],\"x\":\"" + "a".repeat((int) pieces * 4) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: veil\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    for (int i = 0; i < b.length; i += 4) {
      if (stop.getAsBoolean()) {
        return;
      }
      out.write(b, i, Math.min(4, b.length - i));
      out.flush();
      Thread.sleep(300);
    }
  }
}
