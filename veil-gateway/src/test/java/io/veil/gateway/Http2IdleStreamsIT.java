package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.FileClientKeyStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many HTTP/2 streams that send their request headers and then nothing (the body never comes), on one h2c
 * connection: the gateway caps the streams per connection (SETTINGS), and every idle stream is ended by the
 * server once the idle timeout passes without a byte, so none holds its handler for ever. Real sockets, Jetty's
 * own HTTP/2 client (the JDK's cannot leave a request body unsent).
 */
class Http2IdleStreamsIT {
  private static final Duration IDLE = Duration.ofSeconds(2);
  private static final int STREAMS = 40;

  @TempDir
  Path dir;

  @Test
  void idleStreamsAreEndedByTheServerAfterTheIdleTimeout() throws Exception {
    FileClientKeyStore keys = FileClientKeyStore.open(dir);
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir, up, null,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), 100, IDLE, Duration.ZERO, Duration.ofSeconds(1), 0));
    HTTP2Client client = new HTTP2Client();
    client.setIdleTimeout(120_000);
    client.start();
    try (Gateway g = Gateway.start(config, TestVeil.create(), keys)) {
      String key = keys.create("acme", "default", 0).secret();
      CompletableFuture<Integer> maxStreams = new CompletableFuture<>();
      Session session = client.connect(new InetSocketAddress("127.0.0.1", g.port()), new Session.Listener() {
        @Override
        public void onSettings(Session s, SettingsFrame frame) {
          Integer max = frame.getSettings().get(SettingsFrame.MAX_CONCURRENT_STREAMS);
          if (max != null) {
            maxStreams.complete(max);
          }
        }
      }).get(10, TimeUnit.SECONDS);
      assertThat(maxStreams.get(10, TimeUnit.SECONDS)).as("streams per connection are capped").isBetween(1, 1024);

      CountDownLatch ended = new CountDownLatch(STREAMS);
      Map<Integer, String> how = new ConcurrentHashMap<>();
      Map<Integer, String> bodies = new ConcurrentHashMap<>();
      long start = System.nanoTime();
      for (int i = 0; i < STREAMS; i++) {
        HttpFields fields = HttpFields.build().put("authorization", "Bearer " + key)
            .put("content-type", "application/json");
        MetaData.Request request = new MetaData.Request("POST",
            HttpURI.from("http://127.0.0.1:" + g.port() + "/v1/chat/completions"), HttpVersion.HTTP_2, fields, 1000);
        Stream stream = session.newStream(new HeadersFrame(request, null, false), new Stream.Listener() {
          @Override
          public void onHeaders(Stream s, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Response r && how.putIfAbsent(s.getId(), "status " + r.getStatus()) == null) {
              ended.countDown();
            }
            if (!frame.isEndStream()) {
              s.demand();
            }
          }

          @Override
          public void onDataAvailable(Stream s) {
            Stream.Data data = s.readData();
            if (data != null) {
              bodies.merge(s.getId(), java.nio.charset.StandardCharsets.UTF_8.decode(data.frame().getByteBuffer()).toString(),
                  String::concat);
              data.release();
              if (!data.frame().isEndStream()) {
                s.demand();
              }
            } else {
              s.demand();
            }
          }

          @Override
          public void onReset(Stream s, ResetFrame frame, Callback callback) {
            if (how.putIfAbsent(s.getId(), "reset " + frame.getError()) == null) {
              ended.countDown();
            }
            callback.succeeded();
          }
        }).get(10, TimeUnit.SECONDS);
        assertThat(stream.getId()).isPositive();
      }
      // the body is never sent: only the server's idle timeout can end these streams
      assertThat(ended.await(IDLE.toSeconds() + 20, TimeUnit.SECONDS))
          .as("every idle stream ended by the server (%s of %s: %s)", how.size(), STREAMS, how).isTrue();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(ms).as("after about the idle timeout").isGreaterThanOrEqualTo(IDLE.toMillis() - 500)
          .isLessThan(IDLE.toMillis() + 20_000);
      // before: the handler returned without an answer when the body read failed, and Jetty sent 200 with no body
      assertThat(how.values()).as("each stream refused with 408 (or reset), never 200: %s", bodies)
          .allMatch(v -> v.equals("status 408") || v.startsWith("reset "))
          .anyMatch(v -> v.equals("status 408"));
      assertThat(String.join("", bodies.values())).doesNotContain(key);

      // a body that ends before its declared length (END_STREAM early) is refused with 400, not answered 200
      CompletableFuture<String> truncated = new CompletableFuture<>();
      MetaData.Request request = new MetaData.Request("POST",
          HttpURI.from("http://127.0.0.1:" + g.port() + "/v1/chat/completions"), HttpVersion.HTTP_2,
          HttpFields.build().put("authorization", "Bearer " + key).put("content-type", "application/json"), 1000);
      Stream partial = session.newStream(new HeadersFrame(request, null, false), new Stream.Listener() {
        @Override
        public void onHeaders(Stream s, HeadersFrame frame) {
          if (frame.getMetaData() instanceof MetaData.Response r) {
            truncated.complete("status " + r.getStatus());
          }
        }

        @Override
        public void onReset(Stream s, ResetFrame frame, Callback callback) {
          truncated.complete("reset " + frame.getError());
          callback.succeeded();
        }
      }).get(10, TimeUnit.SECONDS);
      partial.data(new org.eclipse.jetty.http2.frames.DataFrame(partial.getId(),
          java.nio.ByteBuffer.wrap("{\"model\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)), true));
      assertThat(truncated.get(20, TimeUnit.SECONDS)).isIn("status 400", "reset 1");
      // and the gateway still answers
      assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + g.port() + "/health")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    } finally {
      client.stop();
    }
  }
}
