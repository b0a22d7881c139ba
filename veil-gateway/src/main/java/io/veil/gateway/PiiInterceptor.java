package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.DetectionException;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Replacement;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.StreamingRestorer;
import io.veil.core.VaultException;
import io.veil.core.ner.RequestNames;
import io.veil.core.transform.Restorer;
import io.veil.core.Veil;
import io.veil.store.AuditAction;
import io.veil.store.JdbcTokenVault;
import io.veil.store.PrivacySettings;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns both directions of personal-data handling: replaces personal data in every text the request
 * sends (pseudonymize in the conversation scope; anonymize for embeddings), and restores the
 * original values in the answer, whole or streamed (event by event, holding back only what could
 * still be the start of a token). The end user's privacy mode decides: {@code pseudonymize}
 * (reversible, values in the vault under the user's key), {@code anonymize} (irreversible, nothing in
 * the vault) or {@code block} (any personal data → 403 {@code veil_pii_blocked}).
 *
 * <p>Names are consistent across the request ({@link RequestNames}): before the transform, one pass of the adapter
 * over a copy of the body collects every text it will transform, and a name found in one of them (the history's
 * "John Smith") is also replaced where a later text names the person by a part alone ("what did Smith say?").
 *
 * <p>Detection runs once per text: its findings feed both the transform and, for content parts, the
 * split back into parts; with a {@link DetectionCache} a text the tenant sent before (the system prompt,
 * the history a chat client resends every turn) is not analysed again. The cache returns exactly the
 * analyzer's findings for the same text, so what is forwarded is the same with and without it.
 *
 * <p><b>Security:</b> fails closed — if detection, the policy or the vault fails, the request is
 * refused and nothing is forwarded.
 */
final class PiiInterceptor implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(PiiInterceptor.class);

  private final Veil veil;
  private final Map<Endpoint, ProtocolAdapter> adapters;
  private final DetectionCache cache;
  private final DetectionCache.Detector detector;
  /**
   * Whether the answer's restorer is built during the upstream call ({@link SnapshotRestorers#prefetch}); always
   * true in the gateway (a measuring harness turns it off by reflection to compare both paths in one JVM).
   */
  private final boolean prefetchRestorers;

  /** Detection runs on every text of every request (no cache). */
  PiiInterceptor(Veil veil, Map<Endpoint, ProtocolAdapter> adapters) {
    this(veil, adapters, DetectionCache.create(DetectionCacheConfig.off()));
  }

  /** Detection through {@code cache}: a text seen before by the same tenant is not analysed again. */
  PiiInterceptor(Veil veil, Map<Endpoint, ProtocolAdapter> adapters, DetectionCache cache) {
    this.veil = veil;
    this.adapters = adapters;
    this.cache = cache;
    this.detector = cache.detector(veil.analyzer());
    this.prefetchRestorers = true;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    ProtocolAdapter adapter = adapters.get(request.endpoint());
    if (adapter == null) {
      return chain.proceed(request);
    }
    Scope scope = request.scope();
    RequestStats stats = request.stats();
    PrivacySettings.Mode mode = stats.mode();
    if (stats.pseudonym() != null) {
      // an erasure of this user drops this scope's cached findings at once
      cache.linkSubject(stats.pseudonym().hex(), scope.tenant(), scope.conversation());
    }
    boolean irreversible = request.endpoint() == Endpoint.EMBEDDINGS || mode != PrivacySettings.Mode.PSEUDONYMIZE;
    // what one pass of the adapter over the request replaced (a pass may run twice: see below)
    Pass[] pass = {new Pass()};
    // the findings of each text, computed once (or taken from the detection cache); language unknown
    java.util.function.BiFunction<String, List<Finding>, PseudonymizedText> run = (text, findings) -> {
      PseudonymizedText out = guarded(() -> irreversible
          ? veil.anonymizeWith(scope.tenant(), text, findings)
          : Governance.withSubject(stats.subject(), () -> veil.pseudonymizeWith(scope, text, findings)));
      for (Replacement r : out.replacements()) {
        pass[0].produced.add(out.text().substring(r.start(), r.end()));
      }
      out.countsByType().forEach((type, n) -> pass[0].entities.merge(type, n, Integer::sum));
      if (mode == PrivacySettings.Mode.BLOCK && !out.countsByType().isEmpty()) {
        stats.action(AuditAction.BLOCKED);
        throw new GatewayException(403, ErrorCodes.TYPE_PERMISSION, ErrorCodes.PII_BLOCKED,
            "The request contains personal data and the end user's privacy mode is 'block'; nothing was forwarded");
      }
      return out;
    };
    // each text's findings, detected once per request (the name pass below reads every text before the transform)
    Map<String, List<Finding>> detected = new ConcurrentHashMap<>();
    java.util.function.Function<String, List<Finding>> detect = text -> detected.computeIfAbsent(text,
        t -> guarded(() -> detector.findings(scope.tenant(), scope.conversation(), null, t)));
    // a name found in one text of the request is found in all of them ("John Smith" in turn 1, "Smith" in turn 3)
    RequestNames names = guarded(() -> requestNames(request, adapter, detect));
    TextTransform transform = new TextTransform() {
      @Override
      public String apply(String text) {
        return run.apply(text, guarded(() -> names.extend(text, detect.apply(text)))).text();
      }

      @Override
      public List<String> applyJoined(List<String> pieces) {
        String joined = String.join("", pieces);
        List<Finding> findings = guarded(() -> names.extend(joined, detect.apply(joined)));
        PseudonymizedText out = run.apply(joined, findings);
        // the same findings give the original offsets of what was replaced
        return guarded(() -> JoinedPieces.split(pieces, findings.stream()
            .filter(f -> !veil.policy().operatorSpec(f.type()).name().equals("keep")).toList(), out));
      }
    };
    java.util.function.Supplier<GatewayResponse> exchange = () -> {
      ObjectNode body;
      try {
        // Every value the request mints is stored in one unit when the whole request has been read, or not at all:
        // a request refused part-way (a tool, a content part, a setting or a schema pattern after the messages
        // were pseudonymized) leaves nothing in the vault. If the vault cannot store the unit as minted (another
        // writer got there first) the pass runs again on a fresh copy, storing each value at once.
        // (guarded: a failure to store the unit is refused like any vault failure; refusals pass unchanged)
        body = irreversible ? onePass(request, adapter, transform, pass)
            : guarded(() -> veil.vault().tokenizeTogether(scope, () -> onePass(request, adapter, transform, pass)));
      } finally {
        stats.addEntities(pass[0].entities);
      }
      Set<String> produced = pass[0].produced;
      stats.action(stats.entityCount() == 0 ? AuditAction.FORWARDED
          : irreversible ? AuditAction.ANONYMIZED : AuditAction.PSEUDONYMIZED);
      Set<String> restorable = ConversationScopeInterceptor.sharedByContent(scope) ? produced : null;
      RestoreFormat answerText = adapter.answerTextFormat(body);
      SnapshotRestorers restorers = irreversible ? null : new SnapshotRestorers(scope, restorable);
      if (restorers != null && prefetchRestorers && veil.vault() instanceof JdbcTokenVault jdbc) {
        // every token the answer can hold exists now (its rows are committed): read and index them while the
        // provider works on the answer instead of after it arrives
        restorers.prefetch(answerText, jdbc);
      }
      return restore(chain.proceed(request.withJson(body)), restorers, adapter, answerText);
    };
    if (veil.vault() instanceof JdbcTokenVault jdbc) {
      // One vault batch for the request: one read of the scope's tokens for all its texts instead of
      // one query per value, and the scope's decrypted entries read once for the collision checks and
      // the restore of a JSON answer instead of once each (read again after a mint in the scope, or an
      // erasure or clear in this process; see JdbcTokenVault#batched)
      return jdbc.batched(exchange);
    }
    return exchange.get();
  }

  /**
   * The names of the request: the adapter walks a copy of the body once with a transform that changes nothing and
   * only collects the texts the real pass will transform (whole, or joined as the real pass joins them), and each
   * text is detected once ({@code detect} keeps the findings for the real pass).
   */
  private static RequestNames requestNames(GatewayRequest request, ProtocolAdapter adapter,
                                           java.util.function.Function<String, List<Finding>> detect) {
    List<String> texts = new java.util.ArrayList<>();
    adapter.pseudonymize(request.json().deepCopy(), new TextTransform() {
      @Override
      public String apply(String text) {
        texts.add(text);
        return text;
      }

      @Override
      public List<String> applyJoined(List<String> pieces) {
        texts.add(String.join("", pieces));
        return pieces;
      }
    });
    if (texts.size() < 2) {
      return RequestNames.of(List.of(), List.of());
    }
    List<List<Finding>> findings = new java.util.ArrayList<>(texts.size());
    for (String text : texts) {
      findings.add(detect.apply(text));
    }
    return RequestNames.of(texts, findings);
  }

  /** What one pass of the adapter over a request replaced: the texts it produced and the entities per type. */
  private static final class Pass {
    final Set<String> produced = ConcurrentHashMap.newKeySet();
    final Map<io.veil.core.EntityType, Integer> entities = new java.util.TreeMap<>();
  }

  /** Pseudonymizes a fresh copy of the request's body; {@code pass} then holds what this pass replaced. */
  private static ObjectNode onePass(GatewayRequest request, ProtocolAdapter adapter, TextTransform transform,
                                    Pass[] pass) {
    pass[0] = new Pass();
    ObjectNode body = request.json().deepCopy();
    adapter.pseudonymize(body, transform);
    return body;
  }

  /**
   * Restores a JSON answer in place, or wraps a stream in a restoring one; others pass unchanged.
   * {@code restorable}: the only tokens restored ({@code null}: every token of the scope);
   * {@code answerText}: how the answer's text is written (JSON mode: as JSON string content).
   */
  private GatewayResponse restore(GatewayResponse response, SnapshotRestorers restorers, ProtocolAdapter adapter,
                                  RestoreFormat answerText) {
    if (restorers == null || response.status() / 100 != 2) {
      return response;
    }
    return switch (response) {
      case GatewayResponse.Json json -> {
        try {
          adapter.restoreAnswer(json.body(), restorers, answerText);
        } catch (GatewayException e) {
          throw e;
        }
        yield json;
      }
      case GatewayResponse.Stream stream -> new GatewayResponse.Stream(stream.status(), stream.headers(),
          new RestoringStream(stream.events(), adapter.streamTransformer(restorers, answerText)));
    };
  }

  /**
   * The restorers of one answer: one {@link Restorer} per format, built on first use from the scope's
   * vault entries as they are once the request has been pseudonymized, then reused for every string
   * and every stream of the answer. Before, each string of a JSON answer and each streamed event
   * that is restored whole read (and decrypted) the whole scope from the vault again. An answer can
   * only hold tokens of its own request and earlier turns, all minted before the upstream call, so
   * one snapshot per answer restores exactly what the per-string reads did.
   *
   * <p>With a {@link JdbcTokenVault}, the restorer of the answer's text format is built by {@link #prefetch}
   * on a virtual thread while the upstream call runs (the vault read, the decryption and the restore index
   * are then off the answer's critical path: the end of a JSON answer, the first event of a stream). It is
   * used only if no erasure, key destruction or clear happened in this process (or was announced by another
   * instance) between the start of the prefetch and its use ({@link JdbcTokenVault#snapshotEpoch()});
   * otherwise, and if the prefetch failed, the restorer is built at first use as it always was, so an
   * erasure during the upstream call still wins and a vault failure is refused the same way. <b>Security:</b> a
   * value whose retention ends during the upstream call can still be restored into this answer (a stream's
   * snapshot was always held for the whole stream); erasures and clears are not subject to that.
   */
  private final class SnapshotRestorers implements Restorers {
    private final Scope scope;
    private final Set<String> restorable;
    private final EnumMap<RestoreFormat, Restorer> byFormat = new EnumMap<>(RestoreFormat.class);
    private final ReentrantLock lock = new ReentrantLock();
    private RestoreFormat prefetchedFormat;
    private FutureTask<Restorer> prefetched;
    private JdbcTokenVault prefetchVault;
    private long prefetchEpoch;

    SnapshotRestorers(Scope scope, Set<String> restorable) {
      this.scope = scope;
      this.restorable = restorable;
    }

    private Restorer build(RestoreFormat format) {
      return restorable == null ? veil.restorer(scope, format) : veil.restorer(scope, format, restorable);
    }

    /** Starts building the restorer of {@code format} on a virtual thread. Call once, before the upstream call. */
    void prefetch(RestoreFormat format, JdbcTokenVault vault) {
      lock.lock();
      try {
        prefetchVault = vault;
        prefetchEpoch = vault.snapshotEpoch(); // before the read: a change after this point discards the result
        prefetchedFormat = format;
        prefetched = new FutureTask<>(() -> build(format));
        Thread.ofVirtual().name("veil-restore-prefetch").start(prefetched);
      } finally {
        lock.unlock();
      }
    }

    /** The prefetched restorer of {@code format}, if there is one that may still be used; else null. */
    private Restorer takePrefetched(RestoreFormat format) {
      if (prefetched == null || format != prefetchedFormat) {
        return null;
      }
      FutureTask<Restorer> task = prefetched;
      prefetched = null;
      try {
        Restorer r = task.get(); // at worst waits for the work the first use would otherwise do itself
        return prefetchVault.snapshotEpoch() == prefetchEpoch ? r : null;
      } catch (ExecutionException e) {
        return null; // built again below; a failure there is refused as always
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.VAULT_FAILED,
            "Interrupted while reading the token vault");
      }
    }

    private Restorer restorer(RestoreFormat format) {
      // a lock, not a monitor: waiting for the prefetch inside synchronized would pin the carrier thread of this
      // virtual thread on Java 21-23, and with every carrier pinned so, the prefetch threads could never run
      lock.lock();
      try {
        Restorer r = byFormat.get(format);
        if (r == null) {
          r = takePrefetched(format);
          if (r == null) {
            r = guarded(() -> build(format));
          }
          byFormat.put(format, r);
        }
        return r;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public String restore(String text, RestoreFormat format) {
      Restorer r = restorer(format);
      return guarded(() -> r.restore(text));
    }

    @Override
    public StreamingRestorer streaming(RestoreFormat format) {
      Restorer r = restorer(format);
      return guarded(r::streaming);
    }
  }

  /** Runs a Veil call; its failures become refusals (never a forward, never a message with data). */
  private static <T> T guarded(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (DetectionException e) {
      throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.DETECTION_FAILED,
          "Personal-data detection failed; the request was not forwarded");
    } catch (VaultException e) {
      if (e.getCause() instanceof io.veil.store.StoreUnavailableException) {
        throw PrivacyInterceptor.unavailable();
      }
      throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.VAULT_FAILED,
          "The token vault failed; the request was not forwarded");
    } catch (GatewayException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.error("pseudonymization failed: {}", e.getClass().getName());
      throw new GatewayException(500, ErrorCodes.TYPE_VEIL, ErrorCodes.DETECTION_FAILED,
          "Personal-data processing failed; the request was not forwarded");
    }
  }

  /**
   * Pulls upstream events through the transformer; a restore failure (or any other failure of the transformer)
   * ends the stream with an error event. <b>Security:</b> the event and the log line never carry the failure's
   * message.
   */
  static final class RestoringStream implements EventStream {
    private final EventStream upstream;
    private final StreamTransformer transformer;
    private final ArrayDeque<SseEvent> ready = new ArrayDeque<>();
    private boolean ended;

    RestoringStream(EventStream upstream, StreamTransformer transformer) {
      this.upstream = upstream;
      this.transformer = transformer;
    }

    @Override
    public SseEvent next() throws IOException {
      while (ready.isEmpty()) {
        if (ended) {
          return null;
        }
        SseEvent e = upstream.next();
        List<SseEvent> out;
        try {
          if (e == null) {
            ended = true;
            out = transformer.onEnd();
          } else {
            out = transformer.onEvent(e);
          }
        } catch (GatewayException ex) {
          ended = true;
          upstream.close();
          ready.add(new SseEvent(null, Json.write(Json.error(ex.getMessage(), ex.type(), ex.code()))));
          continue;
        } catch (RuntimeException ex) {
          // a defect in a transformer: the stream ends with an error event, as a refusal does; escaping here, the
          // exception reached Jetty, which logged its message (it may quote the event's text) and ended the stream
          // as if complete
          ended = true;
          upstream.close();
          LOG.error("restoring a stream failed: {} at {}", ex.getClass().getName(),
              ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : "?");
          ready.add(new SseEvent(null, Json.write(Json.error("Veil could not restore the answer; it is incomplete",
              ErrorCodes.TYPE_VEIL, ErrorCodes.INTERNAL))));
          continue;
        }
        ready.addAll(out);
      }
      return ready.poll();
    }

    @Override
    public void close() {
      upstream.close();
    }
  }
}
