package io.veil.ner.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.EntityType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model's output labels (one per logit column) mapped to Veil's entity types.
 *
 * <p>Accepts IOB2/BIO ({@code B-PER}, {@code I-PER}), BIOES/BILOU ({@code S-}/{@code U-} begin, {@code E-}/{@code L-}
 * inside), {@code _} instead of {@code -}, and plain labels ({@code PER}). Types: PER/PERSON → PERSON;
 * LOC/GPE/LOCATION → LOCATION; ORG/ORGANIZATION/ORGANISATION → ORGANIZATION; everything else (O, MISC,
 * DATE, ...) is outside (ignored, and it ends an entity).
 *
 * <p>Immutable, thread-safe.
 */
final class LabelMap {
  /** Most labels a model may have (the largest public NER label sets have a few hundred). */
  static final int MAX_LABELS = 4096;
  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final Map<String, EntityType> TYPES = Map.ofEntries(
      Map.entry("PER", EntityType.PERSON), Map.entry("PERSON", EntityType.PERSON),
      Map.entry("LOC", EntityType.LOCATION), Map.entry("GPE", EntityType.LOCATION),
      Map.entry("LOCATION", EntityType.LOCATION),
      Map.entry("ORG", EntityType.ORGANIZATION), Map.entry("ORGANIZATION", EntityType.ORGANIZATION),
      Map.entry("ORGANISATION", EntityType.ORGANIZATION));

  private final EntityType[] types;
  private final boolean[] begins;
  private final int[] groups;

  private LabelMap(List<String> labels) {
    types = new EntityType[labels.size()];
    begins = new boolean[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i).strip().toUpperCase(Locale.ROOT);
      String type = l;
      boolean begin = false;
      if (l.length() > 2 && (l.charAt(1) == '-' || l.charAt(1) == '_')) {
        char prefix = l.charAt(0);
        if ("BIESLU".indexOf(prefix) >= 0) {
          type = l.substring(2);
          begin = prefix == 'B' || prefix == 'S' || prefix == 'U';
        }
      }
      types[i] = TYPES.get(type);
      begins[i] = begin;
    }
    groups = new int[types.length];
    List<EntityType> seen = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      if (types[i] == null) {
        groups[i] = -1;
      } else {
        if (!seen.contains(types[i])) {
          seen.add(types[i]);
        }
        groups[i] = seen.indexOf(types[i]);
      }
    }
  }

  /** A label map from label names in column order (for tests and callers with their own source). */
  static LabelMap of(List<String> labels) {
    if (labels.isEmpty() || labels.size() > MAX_LABELS) {
      throw new IllegalStateException("a label map needs 1 to " + MAX_LABELS + " labels, got " + labels.size());
    }
    return new LabelMap(labels);
  }

  /**
   * Reads {@code config.json} ({@code id2label}: ids 0..n-1) or a {@code labels.txt} (one label per line,
   * line i is id i; trailing empty lines ignored). The file kind is chosen by the {@code .json} suffix.
   *
   * @throws IllegalStateException naming the file and what is wrong with it
   */
  static LabelMap read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("onnx NER: label file not found: " + file);
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalStateException("onnx NER: label file " + file + " is larger than 16 MB");
      }
      String content = Files.readString(file, StandardCharsets.UTF_8);
      return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
          ? of(fromConfig(content, file)) : of(fromLines(content, file));
    } catch (IOException e) {
      throw new IllegalStateException("onnx NER: cannot read label file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static List<String> fromConfig(String json, Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JacksonException e) {
      throw new IllegalStateException("onnx NER: " + file + " is not valid JSON");
    }
    JsonNode map = root == null ? null : root.get("id2label");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new IllegalStateException("onnx NER: " + file + " has no id2label map");
    }
    if (map.size() > MAX_LABELS) {
      throw new IllegalStateException("onnx NER: " + file + " has more than " + MAX_LABELS + " labels");
    }
    String[] labels = new String[map.size()];
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int id;
      try {
        id = Integer.parseInt(e.getKey().strip());
      } catch (NumberFormatException ex) {
        throw new IllegalStateException("onnx NER: " + file + ": id2label has a key that is not a number");
      }
      if (id < 0 || id >= labels.length || labels[id] != null) {
        throw new IllegalStateException("onnx NER: " + file + ": id2label ids must be 0.." + (labels.length - 1) + ", each once");
      }
      if (!e.getValue().isTextual()) {
        throw new IllegalStateException("onnx NER: " + file + ": id2label value of id " + id + " is not a string");
      }
      labels[id] = e.getValue().asText();
    }
    return List.of(labels);
  }

  private static List<String> fromLines(String content, Path file) {
    List<String> lines = new ArrayList<>(content.lines().map(String::strip).toList());
    while (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast();
    }
    if (lines.isEmpty()) {
      throw new IllegalStateException("onnx NER: label file " + file + " is empty");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        throw new IllegalStateException("onnx NER: label file " + file + " has an empty line " + (i + 1));
      }
    }
    if (lines.size() > MAX_LABELS) {
      throw new IllegalStateException("onnx NER: " + file + " has more than " + MAX_LABELS + " labels");
    }
    return lines;
  }

  /** Number of labels (logit columns). */
  int size() {
    return types.length;
  }

  /** The entity type of label {@code id}, or null when it is outside (O, MISC, any other type). */
  EntityType type(int id) {
    return types[id];
  }

  /** A small number shared by all labels of one entity type (B-PER, I-PER), or -1 for outside labels. */
  int group(int id) {
    return groups[id];
  }

  /** True if label {@code id} starts an entity (B-, S-, U-); false for inside and plain labels. */
  boolean begins(int id) {
    return begins[id];
  }

  /** The Veil types this model can produce. */
  Set<EntityType> entityTypes() {
    Set<EntityType> out = new TreeSet<>();
    for (EntityType t : types) {
      if (t != null) {
        out.add(t);
      }
    }
    return java.util.Collections.unmodifiableSet(out);
  }
}
