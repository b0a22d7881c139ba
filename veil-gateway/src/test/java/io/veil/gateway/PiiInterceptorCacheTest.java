package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.Veil;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import io.veil.gateway.keys.ClientKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection cache at its call site: a multi-turn conversation as chat clients send it (the same
 * system prompt, the whole history resent every turn) reaches the upstream byte for byte the same with
 * and without the cache, with the real default detection (recognizers and the NER model).
 */
class PiiInterceptorCacheTest {
  static final String SYSTEM = """
      You are the support assistant of Northwind Travel. Our duty manager is Margaret Okafor \
      (margaret.okafor@northwind-travel.example, +44 20 7946 0958); escalate refunds above 500 EUR to her. \
      Refunds go to the customer's account on file; never read out a full IBAN such as GB82 WEST 1234 5698 7654 32. \
      Office: 221B Baker Street, London NW1 6XE. Be brief, friendly and precise. \
      """.repeat(3);
  static final List<String> USER_TURNS = List.of(
      "Hi, I'm Thomas Müller, booking ref NW-88213. My card 4111 1111 1111 1111 was charged twice.",
      "Yes, my email is thomas.mueller@example.de and my phone is +49 30 901820.",
      "Could Margaret Okafor call me back tomorrow morning?",
      "My wife Anna Schmidt travelled with me; her passport was issued in Berlin.",
      "Thanks. Please send the confirmation to thomas.mueller@example.de as well.",
      "One more thing: the hotel in Lisbon billed Anna Schmidt separately.");

  /** The default detection (recognizers and the NER model), built once: it is immutable. */
  static final io.veil.core.Analyzer ANALYZER = io.veil.core.Policy.defaults().newAnalyzer();

  @TempDir
  Path dir;

  /** An upstream that records each body it receives and answers with the last message as it got it. */
  static final class RecordingEcho implements Interceptor {
    final List<String> bodies = new ArrayList<>();

    @Override
    public GatewayResponse intercept(Chain chain) {
      ObjectNode json = chain.request().json();
      bodies.add(Json.write(json));
      ArrayNode messages = (ArrayNode) json.get("messages");
      var last = messages.get(messages.size() - 1).get("content");
      String sent = last.isTextual() ? last.asText() : last.get(0).get("text").asText();
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
          .put("model", "m");
      answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
          .putObject("message").put("role", "assistant").put("content", "Noted: " + sent);
      return new GatewayResponse.Json(200, Map.of(), answer);
    }
  }

  /** Runs the conversation for {@code tenant}; returns the upstream bodies and checks each answer is restored. */
  static final Map<Endpoint, ProtocolAdapter> ADAPTERS = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());

  /** The PII stage as the gateway builds it: one per gateway, shared by every tenant. */
  static PiiInterceptor pii(Veil veil, DetectionCache cache) {
    return new PiiInterceptor(veil, ADAPTERS, cache);
  }

  private List<String> converse(PiiInterceptor pii, String tenant, String conversation) throws Exception {
    RecordingEcho upstream = new RecordingEcho();
    List<Interceptor> chain = List.of(new ConversationScopeInterceptor(ADAPTERS, GatewaySecret.loadOrCreate(dir)),
        pii, upstream);
    ClientKey key = new ClientKey("vk_" + tenant, tenant, "default", 0, Instant.EPOCH, null);
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", "m");
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", SYSTEM);
    for (int turn = 0; turn < USER_TURNS.size(); turn++) {
      String user = USER_TURNS.get(turn);
      if (turn % 2 == 1) { // content parts, a value split across two of them
        int cut = user.indexOf('@') + 3;
        ArrayNode parts = messages.addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", user.substring(0, cut));
        parts.addObject().put("type", "text").put("text", user.substring(cut));
      } else {
        messages.addObject().put("role", "user").put("content", user);
      }
      byte[] raw = Json.write(body).getBytes(StandardCharsets.UTF_8);
      GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS,
              Map.of("content-type", "application/json", "x-veil-conversation", conversation), raw)
          .withJson(body.deepCopy()).withKey(key, GatewayPolicy.defaults("default"));
      GatewayResponse response = RealChain.run(chain, request);
      String answer = ((GatewayResponse.Json) response).body().at("/choices/0/message/content").asText();
      if (turn % 2 == 1) { // the first part's text: the split value stays whole in it
        assertThat(answer).as("restored for the client").startsWith("Noted: " + user.substring(0, user.indexOf('@') + 3));
      } else {
        assertThat(answer).as("restored for the client").isEqualTo("Noted: " + user);
      }
      messages.addObject().put("role", "assistant").put("content", answer);
    }
    return upstream.bodies;
  }

  private static DetectionCache on() {
    return DetectionCache.create(new DetectionCacheConfig(true, 1000, 1 << 20, Duration.ofMinutes(10), 16),
        () -> 0L);
  }

  @Test
  void aMultiTurnConversationReachesTheUpstreamByteIdenticalWithAndWithoutTheCache() throws Exception {
    VeilKeys keys = VeilKeys.generate();
    Veil plain = Veil.builder().analyzer(ANALYZER).keys(keys).vault(InMemoryTokenVault.create()).build();
    Veil cached = Veil.builder().analyzer(ANALYZER).keys(keys).vault(InMemoryTokenVault.create()).build();
    DetectionCache cache = on();

    List<String> without = converse(pii(plain, DetectionCache.create(DetectionCacheConfig.off())), "acme", "c-1");
    List<String> with = converse(pii(cached, cache), "acme", "c-1");

    assertThat(with).hasSize(USER_TURNS.size()).containsExactlyElementsOf(without);
    assertThat(String.join("\n", with)).as("detection did run")
        .doesNotContain("4111 1111 1111 1111").doesNotContain("thomas.mueller@example.de")
        .doesNotContain("GB82 WEST");
    // every turn after the first finds the system prompt and the earlier turns in the cache
    assertThat(cache.stats().hitCount()).as("the resent history was not analysed again")
        .isGreaterThanOrEqualTo(USER_TURNS.size() - 1);
  }

  @Test
  void anotherTenantSendingTheSameConversationMissesTheCacheAndGetsItsOwnTokens() throws Exception {
    Veil veil = Veil.builder().analyzer(ANALYZER).vault(InMemoryTokenVault.create()).build();
    DetectionCache cache = on();
    PiiInterceptor pii = pii(veil, cache);
    converse(pii, "acme", "c-1");
    long hits = cache.stats().hitCount();
    long misses = cache.stats().missCount();
    assertThat(hits).as("the conversation hits within the tenant").isPositive();
    converse(pii, "globex", "c-1");
    // the second tenant's first turn: the system prompt and first message miss, as they did for acme
    assertThat(cache.stats().missCount() - misses).isEqualTo(misses);
    assertThat(cache.stats().hitCount() - hits).isEqualTo(hits);
  }

  /**
   * Erasure: the cache holds findings (offsets, types), no values, so a DSR erase leaves nothing restorable.
   * The second turn takes its findings from the cache; the subject is erased while its upstream call is in
   * flight; the answer keeps its placeholders, and the scope restores nothing any more.
   */
  @Test
  void anErasedSubjectsValuesAreNotRestorableThoughItsTextsFindingsAreStillCached() throws Exception {
    io.veil.store.Database db = io.veil.store.Database.open(io.veil.store.DatabaseConfig.h2(dir.resolve("db")));
    try {
      var km = io.veil.store.KeyManager.openOrCreate(dir.resolve("keys"));
      var subjectKeys = new io.veil.store.SubjectKeys(db, km);
      var resolver = io.veil.store.SubjectResolver.perConversation();
      var vault = new io.veil.store.JdbcTokenVault(db, subjectKeys, Duration.ofHours(1), resolver);
      Veil veil = Veil.builder().analyzer(ANALYZER).vault(vault).build();
      DetectionCache cache = on();
      Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
      String text = USER_TURNS.get(1) + " " + USER_TURNS.get(0);
      java.util.concurrent.atomic.AtomicBoolean erase = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicReference<io.veil.core.Scope> scope = new java.util.concurrent.atomic.AtomicReference<>();
      Interceptor upstream = chain -> {
        String sent = chain.request().json().at("/messages/0/content").asText();
        scope.set(chain.request().scope());
        if (erase.get()) {
          new io.veil.store.SubjectEraser(db, subjectKeys, km).erase(resolver.subjectOf(chain.request().scope()));
        }
        ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1");
        answer.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", sent);
        return new GatewayResponse.Json(200, Map.of(), answer);
      };
      List<Interceptor> chain = List.of(new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir)),
          new PiiInterceptor(veil, adapters, cache), upstream);
      String body = Json.write(Json.MAPPER.createObjectNode().put("model", "m").set("messages",
          Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode().put("role", "user").put("content", text))));
      ClientKey key = new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null);
      GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS,
              Map.of("content-type", "application/json", "x-veil-conversation", "erase-me"),
              body.getBytes(StandardCharsets.UTF_8))
          .withJson((ObjectNode) Json.MAPPER.readTree(body)).withKey(key, GatewayPolicy.defaults("default"));

      assertThat(((GatewayResponse.Json) RealChain.run(chain, request)).body().at("/choices/0/message/content")
          .asText()).isEqualTo(text);
      erase.set(true);
      String second = ((GatewayResponse.Json) RealChain.run(chain, request)).body()
          .at("/choices/0/message/content").asText();

      assertThat(cache.stats().hitCount()).as("the second turn's findings came from the cache").isEqualTo(1);
      assertThat(second).as("erased during the upstream call: nothing restored").doesNotContain("4111 1111 1111 1111")
          .doesNotContain("thomas.mueller@example.de");
      assertThat(veil.restore(scope.get(), second)).as("and nothing restorable afterwards").isEqualTo(second);
    } finally {
      db.close();
    }
  }
}
