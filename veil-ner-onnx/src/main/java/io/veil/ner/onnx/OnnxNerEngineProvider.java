package io.veil.ner.onnx;

import io.veil.core.NerEngine;
import io.veil.core.NerEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Offers the {@code onnx} NER engine to {@link io.veil.core.NerEngines} (found by
 * {@link java.util.ServiceLoader}). Policy:
 * <pre>
 * ner: onnx
 * ner_options: {dir: /opt/veil/ner/xlmr, max_tokens: 512, stride: 128, threads: 1}
 * </pre>
 * Keys: {@code dir}, {@code model}, {@code tokenizer}, {@code labels}, {@code max_tokens}, {@code stride},
 * {@code threads}, {@code batch}, {@code concurrency} (see {@link OnnxNerEngine} and docs/notes/onnx.md).
 *
 * <p>Engines are shared: the same options and unchanged files (same size and modification time) give the
 * same loaded engine, so reloading a policy does not load the model again; all engines are closed by a
 * shutdown hook when the JVM exits. A changed model file loads a new engine; the old one stays loaded until
 * exit.
 *
 * <p>Thread safety: {@link #create} may be called from any thread.
 */
public final class OnnxNerEngineProvider implements NerEngineProvider {
  private static final Map<Key, OnnxNerEngine> LOADED = new ConcurrentHashMap<>();
  private static final Object HOOK_LOCK = new Object();
  private static boolean hookInstalled;

  private record Key(OnnxNerOptions options, List<Long> stamps) {}

  @Override
  public String name() {
    return OnnxNerEngine.NAME;
  }

  /**
   * The engine for {@code options}, loaded on first use.
   *
   * @throws IllegalStateException if an option is missing or bad or a file cannot be loaded (the message
   *     names it); nothing is cached then
   */
  @Override
  public NerEngine create(Map<String, String> options) {
    OnnxNerOptions parsed = OnnxNerOptions.parse(options);
    Key key = new Key(parsed, stamps(parsed));
    installHook();
    return LOADED.computeIfAbsent(key, k -> OnnxNerEngine.open(k.options()));
  }

  private static List<Long> stamps(OnnxNerOptions o) {
    List<Long> out = new ArrayList<>();
    for (Path p : List.of(o.model(), o.tokenizer(), o.labels())) {
      try {
        out.add(Files.size(p));
        out.add(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        throw new IllegalStateException("onnx NER: cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    return out;
  }

  private static void installHook() {
    synchronized (HOOK_LOCK) {
      if (!hookInstalled) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("veil-onnx-close").unstarted(() -> {
          LOADED.values().forEach(OnnxNerEngine::close);
          LOADED.clear();
        }));
        hookInstalled = true;
      }
    }
  }
}
