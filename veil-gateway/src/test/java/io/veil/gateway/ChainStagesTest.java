package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.keys.ClientKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainStagesTest {
  @TempDir
  Path dir;

  private final AtomicReference<GatewayRequest> seen = new AtomicReference<>();
  private final Interceptor terminal = chain -> {
    seen.set(chain.request());
    return new GatewayResponse.Json(200, Map.of(), Json.MAPPER.createObjectNode());
  };

  private GatewayRequest request(Endpoint ep, String body, GatewayPolicy policy) throws Exception {
    ClientKey key = new ClientKey("vk_1", "acme", policy.name(), 0, Instant.EPOCH, null);
    return GatewayRequest.of(ep, Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8))
        .withJson((ObjectNode) Json.MAPPER.readTree(body)).withKey(key, policy);
  }

  @Test
  void proceedTwiceIsABug() {
    Interceptor twice = chain -> {
      chain.proceed(chain.request());
      return chain.proceed(chain.request());
    };
    assertThatThrownBy(() -> RealChain.run(List.of(twice, terminal), GatewayRequest.of(Endpoint.MODELS, Map.of(), new byte[0])))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than once");
  }

  @Test
  void minimizationDropsHashesCapsAndForcesStoreFalse() throws Exception {
    GatewaySecret secret = GatewaySecret.loadOrCreate(dir);
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
    GatewayPolicy policy = new GatewayPolicy("p", 1000, 2, true, true);
    String body = "{\"model\":\"m\",\"store\":true,\"metadata\":{\"a\":1},\"user\":\"alice@example.com\",\"foo\":1,\"messages\":["
        + "{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"1\",\"name\":\"Alice\"},"
        + "{\"role\":\"assistant\",\"content\":\"2\"},{\"role\":\"tool\",\"content\":\"3\",\"tool_call_id\":\"x\"},"
        + "{\"role\":\"user\",\"content\":\"4\"}]}";
    GatewayRequest r = request(Endpoint.CHAT_COMPLETIONS, body, policy);
    RealChain.run(List.of(new MinimizationInterceptor(adapters, secret), terminal), r);
    JsonNode out = seen.get().json();
    assertThat(out.has("metadata")).isFalse();
    assertThat(out.has("foo")).isFalse();
    assertThat(out.get("store").asBoolean()).isFalse();
    assertThat(out.get("user").asText()).startsWith("veil-").doesNotContain("alice");
    // system kept; latest two others kept but a leading tool result is dropped with its call
    assertThat(out.get("messages")).extracting(m -> m.get("content").asText()).containsExactly("s", "4");
    assertThat(seen.get().stats().fieldsDropped()).isGreaterThanOrEqualTo(5);
    // the same user always maps to the same hash, per tenant
    RealChain.run(List.of(new MinimizationInterceptor(adapters, secret), terminal), request(Endpoint.CHAT_COMPLETIONS, body, policy));
    assertThat(seen.get().json().get("user").asText()).isEqualTo(out.get("user").asText());
  }

  @Test
  void conversationScopeFromHeaderOrFirstUserMessage() throws Exception {
    GatewaySecret secret = GatewaySecret.loadOrCreate(dir);
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
    GatewayPolicy policy = GatewayPolicy.defaults("default");
    ConversationScopeInterceptor scope = new ConversationScopeInterceptor(adapters, secret);
    String turn1 = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    String turn2 = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"},{\"role\":\"assistant\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"more\"}]}";
    RealChain.run(List.of(scope, terminal), request(Endpoint.CHAT_COMPLETIONS, turn1, policy));
    String c1 = seen.get().scope().conversation();
    RealChain.run(List.of(scope, terminal), request(Endpoint.CHAT_COMPLETIONS, turn2, policy));
    assertThat(seen.get().scope().conversation()).isEqualTo(c1).doesNotContain("hello");
    assertThat(seen.get().scope().tenant()).isEqualTo("acme");

    GatewayRequest withHeader = new GatewayRequest(Endpoint.CHAT_COMPLETIONS, Map.of("x-veil-conversation", "abc-1"),
        new byte[0], (ObjectNode) Json.MAPPER.readTree(turn1), new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
        policy, null, new RequestStats(), null);
    RealChain.run(List.of(scope, terminal), withHeader);
    assertThat(seen.get().scope().conversation()).isEqualTo("c:abc-1");

    GatewayRequest bad = new GatewayRequest(Endpoint.CHAT_COMPLETIONS, Map.of("x-veil-conversation", "a b"),
        new byte[0], (ObjectNode) Json.MAPPER.readTree(turn1), withHeader.key(), policy, null, new RequestStats(), null);
    assertThatThrownBy(() -> RealChain.run(List.of(scope, terminal), bad)).isInstanceOf(GatewayException.class);
  }

  /**
   * {@code previous_response_id} continues a conversation whose earlier turns live at the provider: Veil
   * sees only the new input, so the fallback scope was a fresh one per turn and its placeholders were
   * numbered from 1 again. Turn 1's {@code <PERSON_1>} (Jane) and turn 2's {@code <PERSON_1>} (Bob) then met
   * in the model's context, and an answer about Jane was restored as Bob. Without an explicit
   * conversation id such a request is refused; with one it goes on in that conversation's scope.
   */
  @Test
  void previousResponseIdNeedsAnExplicitConversation() throws Exception {
    GatewaySecret secret = GatewaySecret.loadOrCreate(dir);
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.RESPONSES, new ResponsesAdapter());
    GatewayPolicy policy = GatewayPolicy.defaults("default");
    ConversationScopeInterceptor scope = new ConversationScopeInterceptor(adapters, secret);
    String turn2 = "{\"model\":\"m\",\"previous_response_id\":\"resp_123\",\"input\":\"My colleague is Bob Smith\"}";

    assertThatThrownBy(() -> RealChain.run(List.of(scope, terminal), request(Endpoint.RESPONSES, turn2, policy)))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("veil_conversation_required");
          assertThat(e.getMessage()).contains("X-Veil-Conversation").doesNotContain("Bob").doesNotContain("resp_123");
        });

    GatewayRequest withHeader = new GatewayRequest(Endpoint.RESPONSES, Map.of("x-veil-conversation", "chat-7"),
        new byte[0], (ObjectNode) Json.MAPPER.readTree(turn2), new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
        policy, null, new RequestStats(), null);
    RealChain.run(List.of(scope, terminal), withHeader);
    assertThat(seen.get().scope().conversation()).isEqualTo("c:chat-7");

    String first = "{\"model\":\"m\",\"previous_response_id\":null,\"input\":\"I am Jane Doe\"}";
    RealChain.run(List.of(scope, terminal), request(Endpoint.RESPONSES, first, policy));
    assertThat(seen.get().scope().conversation()).startsWith("h:");
  }

  @Test
  void toolArgumentsStayJsonWhenPseudonymized() {
    String out = JsonText.transformJsonDocument("{\"to\":\"bob\",\"n\":3,\"l\":[\"bob\"]}", s -> s.replace("bob", "<PERSON_1>"));
    assertThat(out).isEqualTo("{\"to\":\"<PERSON_1>\",\"n\":3,\"l\":[\"<PERSON_1>\"]}");
    assertThat(JsonText.transformJsonDocument("not json bob", s -> s.replace("bob", "X"))).isEqualTo("not json X");
  }
}
