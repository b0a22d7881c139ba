package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.vault.InMemoryTokenVault;
import io.veil.gateway.keys.ClientKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiInterceptorTest {
  static final String EMAIL = "jane.doe@example.com";
  static final String CARD = "4111 1111 1111 1111";

  @TempDir
  Path dir;

  /** Counts how often the whole scope is read from the vault (each read decrypts every entry). */
  static final class CountingVault implements TokenVault {
    final TokenVault inner = InMemoryTokenVault.create();
    final AtomicInteger entryReads = new AtomicInteger();

    @Override
    public String tokenize(Scope scope, EntityType type, String value, Function<Integer, String> minter) {
      return inner.tokenize(scope, type, value, minter);
    }

    @Override
    public String tokenize(Scope scope, EntityType type, String matchKey, String value, Function<Integer, String> minter) {
      return inner.tokenize(scope, type, matchKey, value, minter);
    }

    @Override
    public Optional<String> reveal(Scope scope, String token) {
      return inner.reveal(scope, token);
    }

    @Override
    public Map<String, String> entries(Scope scope) {
      entryReads.incrementAndGet();
      return inner.entries(scope);
    }

    @Override
    public Map<String, EntityType> tokenTypes(Scope scope) {
      return inner.tokenTypes(scope);
    }

    @Override
    public void clear(Scope scope) {
      inner.clear(scope);
    }
  }

  @Test
  void anAnswerIsRestoredFromOneVaultSnapshotNotOnePerString() throws Exception {
    CountingVault vault = new CountingVault();
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
    AtomicInteger readsBeforeAnswer = new AtomicInteger();
    // an upstream that echoes the pseudonymized user message into several strings of its answer
    Interceptor upstream = chain -> {
      readsBeforeAnswer.set(vault.entryReads.get());
      String sent = chain.request().json().at("/messages/1/content").asText();
      assertThat(sent).doesNotContain(EMAIL).doesNotContain(CARD);
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
          .put("model", "m");
      ObjectNode choice = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", sent).put("refusal", "no: " + sent);
      choice.putArray("notes").add(sent).add("plain").add(sent);
      return new GatewayResponse.Json(200, Map.of(), answer);
    };
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\"Mail " + EMAIL + " about card " + CARD + ".\"}]}";
    ClientKey key = new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null);
    GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS, Map.of("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8))
        .withJson((ObjectNode) Json.MAPPER.readTree(body)).withKey(key, GatewayPolicy.defaults("default"));

    GatewayResponse response = RealChain.run(List.of(new ConversationScopeInterceptor(adapters,
        GatewaySecret.loadOrCreate(dir)), new PiiInterceptor(TestVeil.create(vault), adapters), upstream), request);

    JsonNode answer = ((GatewayResponse.Json) response).body();
    String original = "Mail " + EMAIL + " about card " + CARD + ".";
    assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo(original);
    assertThat(answer.at("/choices/0/message/refusal").asText()).isEqualTo("no: " + original);
    assertThat(answer.at("/choices/0/notes/2").asText()).isEqualTo(original);
    assertThat(vault.entryReads.get() - readsBeforeAnswer.get())
        .as("the answer's nine strings are restored from one read of the scope").isEqualTo(1);
  }
}
