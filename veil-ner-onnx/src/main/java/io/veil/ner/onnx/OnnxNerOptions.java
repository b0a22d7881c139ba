package io.veil.ner.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The validated settings of the {@code onnx} engine, from a policy's {@code ner_options} or
 * {@code veil eval --ner-option KEY=VALUE}:
 * <ul>
 *   <li>{@code dir}: a folder with {@code model.onnx}, {@code tokenizer.json} and {@code config.json}
 *       ({@code id2label}) or {@code labels.txt};</li>
 *   <li>{@code model}, {@code tokenizer}, {@code labels}: the files one by one (override {@code dir});
 *       {@code labels} is read as {@code config.json} when its name ends in {@code .json}, else one label per
 *       line;</li>
 *   <li>{@code max_tokens} (512): the most tokens per model call, special tokens included;</li>
 *   <li>{@code stride} (128): tokens shared by consecutive windows of a longer text;</li>
 *   <li>{@code threads} (1): ONNX Runtime intra-op threads per model call;</li>
 *   <li>{@code batch} (4): windows per model call for long texts;</li>
 *   <li>{@code concurrency} (number of processors): model calls running at once across all requests
 *       (bounds the native memory of activations).</li>
 * </ul>
 *
 * @param model the ONNX file
 * @param tokenizer the HuggingFace tokenizer.json
 * @param labels config.json or labels.txt
 */
record OnnxNerOptions(Path model, Path tokenizer, Path labels, int maxTokens, int stride, int threads, int batch,
    int concurrency) {

  static final List<String> KEYS =
      List.of("dir", "model", "tokenizer", "labels", "max_tokens", "stride", "threads", "batch", "concurrency");

  /**
   * Validates {@code options}.
   *
   * @throws IllegalStateException naming the missing or bad option or file
   */
  static OnnxNerOptions parse(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalStateException("onnx NER: unknown option '" + safe(k) + "' (known: "
            + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
    }
    Path dir = null;
    if (options.containsKey("dir")) {
      dir = Path.of(options.get("dir").strip());
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException("onnx NER: option 'dir' is not a folder: " + dir);
      }
    }
    Path model = file(options, "model", dir, "model.onnx");
    Path tokenizer = file(options, "tokenizer", dir, "tokenizer.json");
    Path labels;
    if (options.containsKey("labels") || dir == null) {
      labels = file(options, "labels", dir, "config.json");
    } else if (Files.isRegularFile(dir.resolve("config.json"))) {
      labels = dir.resolve("config.json");
    } else if (Files.isRegularFile(dir.resolve("labels.txt"))) {
      labels = dir.resolve("labels.txt");
    } else {
      throw new IllegalStateException("onnx NER: no label map in " + dir
          + ": put config.json (with id2label) or labels.txt there, or set option 'labels'");
    }
    int maxTokens = integer(options, "max_tokens", 512, 8, 1 << 16);
    int stride = integer(options, "stride", Math.min(128, maxTokens / 4), 0, maxTokens / 2);
    int threads = integer(options, "threads", 1, 1, 256);
    int batch = integer(options, "batch", 4, 1, 256);
    int concurrency = integer(options, "concurrency", Runtime.getRuntime().availableProcessors(), 1, 4096);
    return new OnnxNerOptions(model.toAbsolutePath().normalize(), tokenizer.toAbsolutePath().normalize(),
        labels.toAbsolutePath().normalize(), maxTokens, stride, threads, batch, concurrency);
  }

  private static Path file(Map<String, String> options, String key, Path dir, String defaultName) {
    Path p;
    if (options.containsKey(key)) {
      p = Path.of(options.get(key).strip());
    } else if (dir != null) {
      p = dir.resolve(defaultName);
    } else {
      throw new IllegalStateException("onnx NER: option '" + key + "' (or 'dir', a folder with " + defaultName
          + ") is required");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("onnx NER: " + key + " file not found: " + p);
    }
    if (!Files.isReadable(p)) {
      throw new IllegalStateException("onnx NER: " + key + " file is not readable: " + p);
    }
    return p;
  }

  private static int integer(Map<String, String> options, String key, int dflt, int min, int max) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("onnx NER: option '" + key + "' must be a whole number from " + min + " to " + max);
    }
    if (n < min || n > max) {
      throw new IllegalStateException("onnx NER: option '" + key + "' must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  private static String safe(String s) {
    return s.length() <= 40 && s.matches("[A-Za-z0-9_.:-]*") ? s : "<" + s.length() + " characters>";
  }
}
