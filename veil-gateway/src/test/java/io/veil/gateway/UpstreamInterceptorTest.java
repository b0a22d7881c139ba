package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@link UpstreamInterceptor} does to a successful answer that holds the provider key's text: a credential
 * (a hosted provider's key) is replaced wherever it is quoted, in a stream or a JSON answer; a local server's
 * placeholder key ("ollama", "EMPTY", "none") is a word of ordinary answers and is left as the model wrote it.
 */
class UpstreamInterceptorTest {
  private static final String ANSWER = "We have none of them in stock, says the ollama guide; test EMPTY later.";

  /** An upstream that answers every request with {@code contentType} and {@code body}, status 200. */
  private record Scripted(String contentType, String body) implements UpstreamTransport {
    @Override
    public Reply send(String method, URI uri, Map<String, String> headers, byte[] request) {
      return new Reply() {
        @Override
        public int status() {
          return 200;
        }

        @Override
        public String header(String name) {
          return name.equals("content-type") ? contentType : null;
        }

        @Override
        public InputStream body() {
          return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        }
      };
    }

    @Override
    public void close() {}
  }

  /** The text of the answer as the client gets it: the JSON document, or the data of every event joined. */
  private static String answered(String key, boolean stream, String upstreamText) throws Exception {
    ObjectNode content = Json.MAPPER.createObjectNode().put("content", upstreamText);
    String body = stream
        ? "data: " + Json.write(Json.MAPPER.createObjectNode().set("delta", content)) + "\n\ndata: [DONE]\n\n"
        : Json.write(Json.MAPPER.createObjectNode().set("message", content));
    UpstreamConfig config = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), key, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    UpstreamInterceptor upstream = new UpstreamInterceptor(config,
        new Scripted(stream ? "text/event-stream" : "application/json", body), new GatewayMetrics());
    ObjectNode json = (ObjectNode) Json.MAPPER.readTree("{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[]}");
    GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS, Map.of(), new byte[0]).withJson(json);
    GatewayResponse response = upstream.intercept(new Interceptor.Chain() {
      @Override
      public GatewayRequest request() {
        return request;
      }

      @Override
      public GatewayResponse proceed(GatewayRequest next) {
        throw new AssertionError("the upstream stage is the last");
      }
    });
    return switch (response) {
      case GatewayResponse.Json j -> j.body().at("/message/content").asText();
      case GatewayResponse.Stream s -> {
        List<String> data = new ArrayList<>();
        try (EventStream events = s.events()) {
          for (SseEvent e = events.next(); e != null && !e.isDone(); e = events.next()) {
            data.add(Json.MAPPER.readTree(e.data()).at("/delta/content").asText());
          }
        }
        yield String.join("", data);
      }
    };
  }

  /**
   * review15: the stream's replacement took any key of four characters or more, so behind a local server whose key
   * is a placeholder ("ollama", vLLM's "EMPTY") every such word of a streamed answer reached the client as "***".
   */
  @ParameterizedTest(name = "{0}, stream {1}")
  @CsvSource({"ollama, true", "ollama, false", "EMPTY, true", "EMPTY, false", "none, true", "none, false",
      "test, true", "test, false"})
  void aPlaceholderKeyIsAWordOfTheAnswerAndStays(String key, boolean stream) throws Exception {
    assertThat(answered(key, stream, ANSWER)).isEqualTo(ANSWER);
  }

  /**
   * review16: a generated key shorter than 16 characters (a self-hosted server's, e.g. vLLM's {@code --api-key}, or a
   * proxy's) is a credential too, and was passed to the client as it came since review15's bound; letters and
   * digits together are no word of an answer.
   */
  @ParameterizedTest(name = "{0}, stream {1}")
  @CsvSource({"sk-proj-Abc123Def456Ghi789Jkl012, true", "sk-proj-Abc123Def456Ghi789Jkl012, false",
      "q7Rf3kZp9xW2, true", "q7Rf3kZp9xW2, false", "Xk29fjQ0, true", "Xk29fjQ0, false"})
  void aProviderCredentialQuotedInAnAnswerIsReplaced(String key, boolean stream) throws Exception {
    assertThat(answered(key, stream, ANSWER + " Your key " + key + " is valid."))
        .isEqualTo(ANSWER + " Your key *** is valid.");
  }

  /**
   * review17: review16's rule asked a key of 8-15 characters for a letter and a digit, but a generated key often has
   * no digit ({@code openssl rand -base64 9}: about one in twelve; Python's {@code secrets.token_urlsafe(8)}: about
   * one in six) and some have no letter, so such a key reached the client as it came. Only a word (letters of one
   * case, or capitalized) is a placeholder.
   */
  @ParameterizedTest(name = "{0}, stream {1}")
  @CsvSource({"Kq_xRtvPwZbM, true", "Kq_xRtvPwZbM, false", "hQpLzWnBvKxT, true", "hQpLzWnBvKxT, false",
      "vjTm+QeR/sKw, true", "vjTm+QeR/sKw, false", "8306152947, true", "8306152947, false"})
  void aGeneratedKeyWithoutDigitsOrLettersIsReplaced(String key, boolean stream) throws Exception {
    assertThat(answered(key, stream, ANSWER + " Your key " + key + " is valid."))
        .isEqualTo(ANSWER + " Your key *** is valid.");
  }

  /** A placeholder of 8 characters or more that is a word ("anything", "changeme") stays a word of the answer. */
  @ParameterizedTest(name = "{0}, stream {1}")
  @CsvSource({"anything, true", "anything, false", "Anything, true", "PASSWORD, false"})
  void aLongerPlaceholderWordStays(String key, boolean stream) throws Exception {
    String answer = "Ask me anything: Anything at all, even the PASSWORD rules.";
    assertThat(answered(key, stream, answer)).isEqualTo(answer);
  }
}
