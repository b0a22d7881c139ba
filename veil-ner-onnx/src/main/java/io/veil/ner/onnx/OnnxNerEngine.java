package io.veil.ner.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code onnx} NER engine: an operator-supplied token-classification transformer (a HuggingFace model
 * exported to ONNX, its {@code tokenizer.json} and its label map) run with ONNX Runtime on the CPU.
 *
 * <p>How a text is analysed: the model's own tokenizer (DJL's binding of HuggingFace tokenizers) splits it
 * into tokens with code-point offsets (unpaired surrogates are first replaced by U+FFFD, which keeps every
 * offset); a text longer than {@code max_tokens} is cut into overlapping windows
 * ({@code stride} tokens shared) and every token takes its label from the window where it is most central;
 * labels are chosen by argmax, scored by softmax (the probability of the label's entity type, B- and I-
 * together, averaged over the entity's tokens), grouped by BIO, snapped to whole words and turned into
 * {@link Finding}s with UTF-16 offsets. PER/PERSON, LOC/GPE/LOCATION and ORG/ORGANIZATION labels map to
 * {@link EntityType#PERSON}, {@link EntityType#LOCATION} and {@link EntityType#ORGANIZATION}; MISC and any
 * other label are ignored.
 *
 * <p>Thread safety: one instance serves all requests. {@link OrtSession#run} and the tokenizer's encode are
 * safe to call from many threads at once (documented by ONNX Runtime; the Rust tokenizer encodes through a
 * shared reference); at most {@code concurrency} model calls run at the same time, further callers wait.
 *
 * <p>Memory: per call, the token arrays of the text (a few bytes per character) plus at most
 * {@code batch} windows of {@code max_tokens} tokens in the model; the model's weights and ONNX Runtime's
 * buffers live outside the Java heap (roughly the size of model.onnx plus activations per concurrent call).
 *
 * <p>Failure: {@link #open} throws {@link IllegalStateException} naming the file or option at fault when the
 * model, tokenizer or label map cannot be loaded or do not fit together. {@link #analyze} throws
 * {@link IllegalStateException} when the tokenizer or the model fails or the engine was closed; the
 * {@link io.veil.core.Analyzer} turns that into a {@code DetectionException} (fail closed). Messages never
 * contain any part of the analysed text.
 *
 * <p><b>Security:</b> the model decides what is found; a model trained for other labels or another language
 * silently finds little. Measure it with {@code veil eval --ner onnx --ner-option dir=...} before relying on
 * it. The model file is executed by ONNX Runtime: load only models from a source you trust.
 */
public final class OnnxNerEngine implements NerEngine, AutoCloseable {
  /** The engine's name, also the recognizer name on its findings. */
  public static final String NAME = "onnx";
  private static final String IDS = "input_ids";
  private static final String MASK = "attention_mask";
  private static final String TYPES = "token_type_ids";

  private final OnnxNerOptions options;
  private final LabelMap labelMap;
  private final Set<EntityType> entityTypes;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String outputName;
  private final boolean hasMask;
  private final boolean hasTypeIds;
  private final boolean int32Inputs;
  private final int batch;
  private final int prefix;
  private final int suffix;
  private final int capacity;
  private final Semaphore permits;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxNerEngine(OnnxNerOptions options) {
    this.options = options;
    this.labelMap = LabelMap.read(options.labels());
    this.entityTypes = labelMap.entityTypes();
    this.tokenizer = loadTokenizer(options);
    boolean ok = false;
    try {
      // a plain word shows which special tokens the tokenizer's template puts before and after a text
      Encoding probe = tokenizer.encode("a");
      long[] special = probe.getSpecialTokenMask();
      int p = 0;
      while (p < special.length && special[p] == 1) {
        p++;
      }
      int s = 0;
      while (s < special.length - p && special[special.length - 1 - s] == 1) {
        s++;
      }
      if (p + s >= special.length) {
        throw new IllegalStateException("onnx NER: tokenizer " + options.tokenizer() + " turns a word into special tokens only");
      }
      prefix = p;
      suffix = s;
      capacity = options.maxTokens() - p - s;
      if (options.stride() >= capacity) {
        throw new IllegalStateException("onnx NER: option 'stride' (" + options.stride()
            + ") must be smaller than max_tokens minus the tokenizer's " + (p + s) + " special tokens");
      }
      this.env = OrtEnvironments.get();
      this.session = loadSession(env, options);
      ok = true;
    } finally {
      if (!ok) {
        tokenizer.close();
      }
    }
    ok = false;
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      if (!inputs.containsKey(IDS)) {
        throw new IllegalStateException("onnx NER: model " + options.model() + " has no input named input_ids");
      }
      boolean int32 = false;
      for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
        if (!List.of(IDS, MASK, TYPES).contains(e.getKey())) {
          throw new IllegalStateException("onnx NER: model " + options.model() + " wants an input this engine cannot"
              + " give (only input_ids, attention_mask, token_type_ids)");
        }
        if (!(e.getValue().getInfo() instanceof TensorInfo ti)
            || (ti.type != OnnxJavaType.INT64 && ti.type != OnnxJavaType.INT32)) {
          throw new IllegalStateException("onnx NER: model " + options.model() + " input " + e.getKey()
              + " is not an int64 or int32 tensor");
        }
        int32 |= ti.type == OnnxJavaType.INT32;
      }
      int32Inputs = int32;
      hasMask = inputs.containsKey(MASK);
      hasTypeIds = inputs.containsKey(TYPES);
      // without an attention mask, padding would change what the model sees: one window per call
      batch = hasMask ? options.batch() : 1;
      Map<String, NodeInfo> outputs = session.getOutputInfo();
      String out = outputs.containsKey("logits") ? "logits" : outputs.keySet().iterator().next();
      if (!(outputs.get(out).getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT
          || ti.getShape().length != 3) {
        throw new IllegalStateException("onnx NER: model " + options.model()
            + " output " + out + " is not a float tensor [batch, tokens, labels]");
      }
      long labelsOut = ti.getShape()[2];
      if (labelsOut > 0 && labelsOut != labelMap.size()) {
        throw new IllegalStateException("onnx NER: model " + options.model() + " has " + labelsOut
            + " labels, the label map " + options.labels() + " has " + labelMap.size());
      }
      outputName = out;
      permits = new Semaphore(options.concurrency(), true);
      ok = true;
    } catch (OrtException e) {
      throw new IllegalStateException("onnx NER: cannot read the inputs and outputs of " + options.model(), e);
    } finally {
      if (!ok) {
        closeQuietly();
      }
    }
  }

  /**
   * Loads the engine described by {@code options} (see {@link OnnxNerEngineProvider} for the keys). The
   * caller owns the engine and must {@link #close()} it; {@code NerEngines.byName("onnx", options)} instead
   * returns a shared engine per configuration that is closed when the JVM exits.
   *
   * @throws IllegalStateException if an option is missing or bad, or a file cannot be loaded; the message
   *     names the option or file
   */
  public static OnnxNerEngine open(Map<String, String> options) {
    Objects.requireNonNull(options, "options");
    return new OnnxNerEngine(OnnxNerOptions.parse(options));
  }

  /** As {@link #open(Map)} with options already validated (the provider's cache key). */
  static OnnxNerEngine open(OnnxNerOptions options) {
    return new OnnxNerEngine(options);
  }

  private static HuggingFaceTokenizer loadTokenizer(OnnxNerOptions options) {
    try {
      return HuggingFaceTokenizer.newInstance(options.tokenizer(),
          Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    } catch (Exception | LinkageError e) {
      throw new IllegalStateException("onnx NER: cannot load tokenizer " + options.tokenizer() + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static OrtSession loadSession(OrtEnvironment env, OnnxNerOptions options) {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.threads());
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return env.createSession(options.model().toString(), so);
    } catch (OrtException | RuntimeException | LinkageError e) {
      throw new IllegalStateException("onnx NER: cannot load model " + options.model() + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EntityType> entityTypes() {
    return entityTypes;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      return List.of();
    }
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("onnx NER: the engine is closed");
      }
      return analyzeOpen(text);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private List<Finding> analyzeOpen(String text) {
    String clean = withoutLoneSurrogates(text);
    Encoding enc;
    try {
      enc = tokenizer.encode(clean);
    } catch (RuntimeException e) {
      // no cause: a tokenizer's message could quote the input
      throw new IllegalStateException("onnx NER: the tokenizer failed (" + e.getClass().getSimpleName() + ")");
    }
    if (enc.exceedMaxLength()) {
      // loading turns the tokenizer's own truncation off; if it still cut the text, the rest would go unseen
      throw new IllegalStateException("onnx NER: the tokenizer truncated the text");
    }
    long[] ids = enc.getIds();
    long[] typeIds = enc.getTypeIds();
    CharSpan[] spans = enc.getCharTokenSpans();
    int n = ids.length - prefix - suffix;
    if (n <= 0) {
      return List.of();
    }
    int[] utf16 = codePointStarts(clean);
    int codePoints = utf16 == null ? clean.length() : utf16.length - 1;
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      CharSpan sp = spans[prefix + i];
      if (sp == null || sp.getEnd() <= sp.getStart()) {
        starts[i] = -1;
        continue;
      }
      if (sp.getStart() < 0 || sp.getEnd() > codePoints) {
        throw new IllegalStateException("onnx NER: the tokenizer returned an offset outside the text");
      }
      starts[i] = utf16 == null ? sp.getStart() : utf16[sp.getStart()];
      ends[i] = utf16 == null ? sp.getEnd() : utf16[sp.getEnd()];
    }
    WindowPlan plan = WindowPlan.of(n, capacity, options.stride());
    int[] labels = new int[n];
    float[] scores = new float[n];
    List<WindowPlan.Window> windows = plan.windows();
    for (int b = 0; b < windows.size(); b += batch) {
      run(windows.subList(b, Math.min(windows.size(), b + batch)), b, plan.owner(), ids, typeIds, labels, scores);
    }
    return SpanDecoder.decode(text, starts, ends, labels, scores, labelMap, NAME);
  }

  /** Runs the model on {@code chunk} (windows {@code first}, ...) and labels the tokens those windows own. */
  private void run(List<WindowPlan.Window> chunk, int first, int[] owner, long[] ids, long[] typeIds, int[] labels,
      float[] scores) {
    int rows = chunk.size();
    int longest = 0;
    for (WindowPlan.Window w : chunk) {
      longest = Math.max(longest, w.length());
    }
    int seq = prefix + longest + suffix;
    int n = ids.length - prefix - suffix;
    long[] idIn = new long[rows * seq];
    long[] maskIn = new long[rows * seq];
    long[] typeIn = new long[rows * seq];
    for (int r = 0; r < rows; r++) {
      WindowPlan.Window w = chunk.get(r);
      int at = r * seq;
      for (int k = 0; k < prefix; k++, at++) {
        idIn[at] = ids[k];
        typeIn[at] = typeIds[k];
        maskIn[at] = 1;
      }
      for (int t = w.start(); t < w.end(); t++, at++) {
        idIn[at] = ids[prefix + t];
        typeIn[at] = typeIds[prefix + t];
        maskIn[at] = 1;
      }
      for (int k = 0; k < suffix; k++, at++) {
        idIn[at] = ids[prefix + n + k];
        typeIn[at] = typeIds[prefix + n + k];
        maskIn[at] = 1;
      }
    }
    long[] shape = {rows, seq};
    int numLabels = labelMap.size();
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    boolean acquired = false;
    try {
      inputs.put(IDS, tensor(idIn, shape));
      if (hasMask) {
        inputs.put(MASK, tensor(maskIn, shape));
      }
      if (hasTypeIds) {
        inputs.put(TYPES, tensor(typeIn, shape));
      }
      permits.acquire();
      acquired = true;
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        OnnxValue v = result.get(outputName).orElseThrow();
        if (!(v instanceof OnnxTensor out)) {
          throw new IllegalStateException("onnx NER: the model's output is not a tensor");
        }
        long[] outShape = out.getInfo().getShape();
        if (outShape.length != 3 || outShape[0] != rows || outShape[1] != seq || outShape[2] != numLabels) {
          throw new IllegalStateException("onnx NER: the model returned logits of shape "
              + java.util.Arrays.toString(outShape) + ", expected [" + rows + ", " + seq + ", " + numLabels + "]");
        }
        FloatBuffer logits = out.getFloatBuffer();
        for (int r = 0; r < rows; r++) {
          WindowPlan.Window w = chunk.get(r);
          for (int t = w.start(); t < w.end(); t++) {
            if (owner[t] == first + r) {
              label(logits, (r * seq + prefix + t - w.start()) * numLabels, numLabels, t, labels, scores);
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("onnx NER: the model failed (" + e.getCode() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("onnx NER: interrupted while waiting for the model");
    } finally {
      if (acquired) {
        permits.release();
      }
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] data, long[] shape) throws OrtException {
    if (int32Inputs) {
      int[] ints = new int[data.length];
      for (int i = 0; i < data.length; i++) {
        ints[i] = Math.toIntExact(data[i]);
      }
      return OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
    }
    return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
  }

  /** Softmax over one token's logits: argmax label, and the probability of that label's entity type. */
  private void label(FloatBuffer logits, int at, int numLabels, int token, int[] labels, float[] scores) {
    float max = Float.NEGATIVE_INFINITY;
    int best = -1;
    for (int j = 0; j < numLabels; j++) {
      float x = logits.get(at + j);
      if (!Float.isFinite(x)) {
        throw new IllegalStateException("onnx NER: the model returned a score that is not a finite number");
      }
      if (x > max) {
        max = x;
        best = j;
      }
    }
    int group = labelMap.group(best);
    double sum = 0;
    double mine = 0;
    for (int j = 0; j < numLabels; j++) {
      double e = Math.exp(logits.get(at + j) - max);
      sum += e;
      if (j == best || (group >= 0 && labelMap.group(j) == group)) {
        mine += e;
      }
    }
    labels[token] = best;
    scores[token] = (float) (mine / sum);
  }

  /**
   * The text with every unpaired surrogate replaced by U+FFFD (same length, same code points count): the
   * tokenizer's native side receives the text as modified UTF-8 and, if that does not decode (an unpaired
   * surrogate), decodes it lossily, which would shift every offset after it.
   */
  static String withoutLoneSurrogates(String text) {
    char[] out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = text.toCharArray();
        }
        out[i] = '\uFFFD';
      }
    }
    return out == null ? text : new String(out);
  }

  /** UTF-16 index of each code point (and the length at the end), or null when they are the same. */
  private static int[] codePointStarts(String text) {
    int cps = text.codePointCount(0, text.length());
    if (cps == text.length()) {
      return null;
    }
    int[] starts = new int[cps + 1];
    int i = 0;
    for (int k = 0; k < cps; k++) {
      starts[k] = i;
      i += Character.charCount(text.codePointAt(i));
    }
    starts[cps] = text.length();
    return starts;
  }

  /**
   * Frees the model and the tokenizer (native memory). Waits for analyses in progress; later calls to
   * {@link #analyze} throw. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void closeQuietly() {
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      // nothing left to do: the process is letting the model go
    }
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "OnnxNerEngine[" + options.model().getFileName() + ", " + labelMap.size() + " labels, max_tokens "
        + options.maxTokens() + ", stride " + options.stride() + "]";
  }
}
