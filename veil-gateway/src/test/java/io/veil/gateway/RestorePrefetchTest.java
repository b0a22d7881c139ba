package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.Scope;
import io.veil.gateway.keys.ClientKey;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.SubjectEraser;
import io.veil.store.SubjectKeys;
import io.veil.store.SubjectResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The answer's restorer is built while the upstream call runs ({@code PiiInterceptor.SnapshotRestorers#prefetch}),
 * on the persistent vault: it is built during the call, a streamed answer restores exactly like a whole one, a
 * failed prefetch is built again at first use, a vault that still fails refuses the answer, and an erasure during
 * the call is not undone by the prefetched snapshot.
 */
class RestorePrefetchTest {
  static final String EMAIL = "jane.doe@example.com";
  static final String CARD = "4111 1111 1111 1111";
  private static final String PREFETCH_THREAD = "veil-restore-prefetch";

  /** A clock that can fail on chosen threads and remembers which threads read it. */
  static final class WatchedClock extends Clock {
    final List<String> readers = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile boolean failOnPrefetch;
    volatile boolean failEverywhere;

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      String name = Thread.currentThread().getName();
      readers.add(name);
      if (failEverywhere || (failOnPrefetch && name.equals(PREFETCH_THREAD))) {
        throw new IllegalStateException("clock unavailable (test)");
      }
      return Instant.now();
    }

    boolean readBy(String thread) {
      synchronized (readers) {
        return readers.contains(thread);
      }
    }
  }

  /** One H2 store and vault for a test class run (the property's tries share it; each uses its own scopes). */
  static final class Store implements AutoCloseable {
    final Path dir;
    final WatchedClock clock = new WatchedClock();
    final Database db;
    final KeyManager km;
    final SubjectKeys keys;
    final SubjectResolver resolver = SubjectResolver.perConversation();
    final JdbcTokenVault vault;
    final Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
    final PiiInterceptor pii;
    final ConversationScopeInterceptor scopes;

    Store() throws IOException {
      dir = Files.createTempDirectory("veil-prefetch-test");
      db = Database.open(DatabaseConfig.h2(dir.resolve("db")).withClock(clock));
      km = KeyManager.openOrCreate(dir.resolve("keys"));
      keys = new SubjectKeys(db, km);
      vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), resolver);
      pii = new PiiInterceptor(TestVeil.create(vault), adapters);
      scopes = new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir));
    }

    GatewayResponse run(Interceptor upstream, String conversation, String text, boolean stream) {
      ObjectNode body = Json.MAPPER.createObjectNode().put("model", "m").put("stream", stream);
      body.putArray("messages").addObject().put("role", "user").put("content", text);
      Map<String, String> headers = new HashMap<>();
      headers.put("content-type", "application/json");
      headers.put(ConversationScopeInterceptor.HEADER, conversation);
      GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS, headers, Json.bytes(body))
          .withJson(body).withKey(new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
              GatewayPolicy.defaults("default"));
      return RealChain.run(List.of(scopes, pii, upstream), request);
    }

    @Override
    public void close() {
      db.close();
    }
  }

  private static Store shared;

  private static synchronized Store shared() throws IOException {
    if (shared == null) {
      shared = new Store();
    }
    return shared;
  }

  @AfterContainer
  static synchronized void closeShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  private static String sentText(GatewayRequest r) {
    return r.json().at("/messages/0/content").asText();
  }

  /** A whole chat answer whose content is {@code text}. */
  private static GatewayResponse.Json jsonAnswer(String text) {
    ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion");
    answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
        .putObject("message").put("role", "assistant").put("content", text);
    return new GatewayResponse.Json(200, Map.of(), answer);
  }

  /** A streamed chat answer of {@code text} cut into pieces of the given sizes (cycled). */
  private static GatewayResponse.Stream streamAnswer(String text, List<Integer> sizes) {
    ArrayDeque<SseEvent> events = new ArrayDeque<>();
    events.add(chunk(Json.MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null));
    int at = 0;
    int i = 0;
    while (at < text.length()) {
      int end = Math.min(text.length(), at + sizes.get(i++ % sizes.size()));
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      events.add(chunk(Json.MAPPER.createObjectNode().put("content", text.substring(at, end)), null));
      at = end;
    }
    events.add(chunk(Json.MAPPER.createObjectNode(), "stop"));
    events.add(new SseEvent(null, SseEvent.DONE));
    return new GatewayResponse.Stream(200, Map.of(), new EventStream() {
      @Override
      public SseEvent next() {
        return events.poll();
      }

      @Override
      public void close() {
      }
    });
  }

  private static SseEvent chunk(ObjectNode delta, String finish) {
    ObjectNode c = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk");
    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return new SseEvent(null, Json.write(c));
  }

  /** The content a client reads from a streamed chat answer. */
  private static String streamedContent(GatewayResponse response) throws IOException {
    StringBuilder out = new StringBuilder();
    try (EventStream events = ((GatewayResponse.Stream) response).events()) {
      SseEvent e;
      while ((e = events.next()) != null) {
        if (e.isDone()) {
          continue;
        }
        JsonNode node = Json.MAPPER.readTree(e.data());
        assertThat(node.has("error")).as("no error event: %s", e.data()).isFalse();
        out.append(node.at("/choices/0/delta/content").asText(""));
      }
    }
    return out.toString();
  }

  private static String wholeContent(GatewayResponse response) {
    return ((GatewayResponse.Json) response).body().at("/choices/0/message/content").asText();
  }

  @net.jqwik.api.Example
  void theAnswersRestorerIsReadFromTheVaultWhileTheUpstreamCallRuns() throws Exception {
    Store s = shared();
    String text = "Mail " + EMAIL + " about card " + CARD + ".";
    AtomicBoolean seenDuringCall = new AtomicBoolean();
    s.clock.readers.clear();
    Interceptor upstream = chain -> {
      String sent = sentText(chain.request());
      assertThat(sent).doesNotContain(EMAIL).doesNotContain(CARD);
      // the provider takes its time; the gateway reads the scope for the answer meanwhile
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!s.clock.readBy(PREFETCH_THREAD) && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      seenDuringCall.set(s.clock.readBy(PREFETCH_THREAD));
      return jsonAnswer("Sure: " + sent);
    };

    String answer = wholeContent(s.run(upstream, "prefetch-1", text, false));

    assertThat(seenDuringCall).as("the vault was read for the answer during the upstream call").isTrue();
    assertThat(answer).isEqualTo("Sure: " + text);
  }

  /** Property: a streamed answer restores to exactly what the same answer restores to whole (and to the original). */
  @Property(tries = 40)
  void aStreamedAnswerRestoresExactlyLikeAWholeOne(@ForAll("messages") String text,
      @ForAll("sizes") List<Integer> sizes) throws Exception {
    Store s = shared();
    int n = COUNTER.incrementAndGet();
    Interceptor wholeUpstream = chain -> jsonAnswer("Echo: " + sentText(chain.request()));
    Interceptor streamUpstream = chain -> streamAnswer("Echo: " + sentText(chain.request()), sizes);

    String whole = wholeContent(s.run(wholeUpstream, "p-whole-" + n, text, false));
    String streamed = streamedContent(s.run(streamUpstream, "p-stream-" + n, text, true));

    assertThat(streamed).isEqualTo(whole).isEqualTo("Echo: " + text);
  }

  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> word = Arbitraries.of("Hello", "please", "write", "to", "and", "pay", "with", "thanks", "é", "😀",
        "\"quoted\"", "a\\b", "\n");
    Arbitrary<String> email = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
        .map(local -> local + "@example.com");
    Arbitrary<String> card = Arbitraries.of(CARD, "5500 0000 0000 0004", "4012888888881881");
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, word), net.jqwik.api.Tuple.of(2, email),
            net.jqwik.api.Tuple.of(1, card))
        .list().ofMinSize(1).ofMaxSize(25).map(parts -> String.join(" ", parts));
  }

  @Provide
  Arbitrary<List<Integer>> sizes() {
    return Arbitraries.integers().between(1, 12).list().ofMinSize(1).ofMaxSize(6);
  }

  @net.jqwik.api.Example
  void aPrefetchThatFailedIsBuiltAgainAtFirstUse() throws Exception {
    Store s = shared();
    String text = "Card " + CARD + ", mail " + EMAIL;
    s.clock.failOnPrefetch = true;
    try {
      String whole = wholeContent(s.run(chain -> jsonAnswer(sentText(chain.request())), "fail-once-1", text, false));
      String streamed = streamedContent(s.run(chain -> streamAnswer(sentText(chain.request()), List.of(3, 5)),
          "fail-once-2", text, true));

      assertThat(whole).isEqualTo(text);
      assertThat(streamed).isEqualTo(text);
    } finally {
      s.clock.failOnPrefetch = false;
    }
  }

  @net.jqwik.api.Example
  void aVaultThatStillFailsAfterTheUpstreamCallRefusesTheAnswer() throws Exception {
    Store s = shared();
    String text = "Card " + CARD + ", mail " + EMAIL;
    s.clock.failOnPrefetch = true;
    try {
      Interceptor upstream = chain -> {
        GatewayResponse.Json answer = jsonAnswer(sentText(chain.request()));
        s.clock.failEverywhere = true; // the vault breaks while the provider answers
        return answer;
      };
      assertThatThrownBy(() -> s.run(upstream, "fail-all-1", text, false))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(500))
          .hasMessageNotContaining(EMAIL).hasMessageNotContaining(CARD);

      s.clock.failEverywhere = false;
      Interceptor streamUpstream = chain -> {
        GatewayResponse.Stream answer = streamAnswer(sentText(chain.request()), List.of(4));
        s.clock.failEverywhere = true;
        return answer;
      };
      GatewayResponse streamed = s.run(streamUpstream, "fail-all-2", text, true);
      StringBuilder received = new StringBuilder();
      try (EventStream events = ((GatewayResponse.Stream) streamed).events()) {
        SseEvent e;
        while ((e = events.next()) != null) {
          received.append(e.data()).append('\n');
        }
      }
      assertThat(received.toString()).as("nothing restored or forwarded before the error").doesNotContain("Card ");
      assertThat(received.toString()).as("the stream ends with an error event, no placeholder and no value")
          .contains("\"error\"").doesNotContain("<EMAIL").doesNotContain("<CREDIT_CARD").doesNotContain(EMAIL);
    } finally {
      s.clock.failOnPrefetch = false;
      s.clock.failEverywhere = false;
    }
  }

  /** An erasure of the scope's owner after the prefetch read the scope, while the upstream call runs, still wins. */
  @net.jqwik.api.Example
  void anErasureAfterThePrefetchReadIsNotUndoneByIt() throws Exception {
    for (String how : List.of("destroy", "erase", "clear")) {
      Store s = shared();
      String text = "Mail " + EMAIL + " about card " + CARD + ".";
      Interceptor upstream = chain -> {
        String sent = sentText(chain.request());
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!s.clock.readBy(PREFETCH_THREAD) && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        try {
          Thread.sleep(200); // let the prefetch finish its read and build
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        Scope scope = chain.request().scope();
        switch (how) {
          case "destroy" -> s.keys.destroy(s.resolver.subjectOf(scope));
          case "erase" -> new SubjectEraser(s.db, s.keys, s.km).erase(s.resolver.subjectOf(scope));
          default -> s.vault.clear(scope);
        }
        return jsonAnswer(sent);
      };
      s.clock.readers.clear();

      String answer = wholeContent(s.run(upstream, "erase-" + how, text, false));

      assertThat(answer).as(how).doesNotContain(EMAIL).doesNotContain(CARD);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
