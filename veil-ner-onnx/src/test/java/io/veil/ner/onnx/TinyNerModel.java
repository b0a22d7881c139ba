package io.veil.ner.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tiny token-classification model the tests control completely: a WordPiece {@code tokenizer.json}
 * (lower-casing BERT normalizer, [CLS] text [SEP]), a {@code config.json} with {@code id2label}, and a
 * {@code model.onnx} whose graph is {@code logits = Gather(table, input_ids) * attention_mask}: row i of the
 * table holds the logits of vocabulary id i, so the test decides each word piece's label. No download, no
 * Python: the ONNX protobuf is written field by field ({@link ProtoWriter}).
 */
final class TinyNerModel {
  static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC");
  static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]");

  private final Map<String, String> vocab = new LinkedHashMap<>();
  private boolean withMask = true;
  private boolean withTypeIds = false;
  private boolean withTokenizerLimits = false;

  TinyNerModel() {
    SPECIAL.forEach(s -> vocab.put(s, "O"));
  }

  /** Writes the standard tiny model into the folder given as the only argument (for trying the CLI by hand). */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: TinyNerModel FOLDER");
      System.exit(2);
    }
    System.out.println(standard().writeTo(Path.of(args[0])));
  }

  /** The test vocabulary: names, places, firms, sub-words, and plain words. */
  static TinyNerModel standard() {
    TinyNerModel m = new TinyNerModel();
    for (String w : List.of("hello", "my", "name", "is", "and", "lives", "in", "works", "at", "the", "a", "to", "met",
        "said", "today", ",", ".", "!", "?", "'", "-", ":", "##s", "##y", "##ing")) {
      m.word(w, "O");
    }
    m.word("john", "B-PER").word("smith", "I-PER").word("mary", "B-PER").word("ann", "I-PER").word("jack", "B-PER")
        .word("##son", "I-PER").word("zoe", "B-PER");
    m.word("paris", "B-LOC").word("new", "B-LOC").word("york", "I-LOC").word("berlin", "B-LOC");
    m.word("acme", "B-ORG").word("corp", "I-ORG").word("globex", "B-ORG");
    m.word("euro", "B-MISC").word("cup", "I-MISC");
    return m;
  }

  /** Adds a vocabulary entry whose logits favour {@code label} strongly. */
  TinyNerModel word(String piece, String label) {
    if (!LABELS.contains(label)) {
      throw new IllegalArgumentException(label);
    }
    vocab.put(piece, label);
    return this;
  }

  TinyNerModel withoutMask() {
    withMask = false;
    return this;
  }

  /** A tokenizer.json that asks for truncation at 8 tokens and padding to 16, as many exported ones do. */
  TinyNerModel withTokenizerLimits() {
    withTokenizerLimits = true;
    return this;
  }

  TinyNerModel withTypeIds() {
    withTypeIds = true;
    return this;
  }

  /** Writes model.onnx, tokenizer.json and config.json into {@code dir}; returns dir. */
  Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("model.onnx"), modelBytes());
      Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String configJson() {
    StringBuilder sb = new StringBuilder("{\"architectures\": [\"BertForTokenClassification\"], \"id2label\": {");
    for (int i = 0; i < LABELS.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('"').append(i).append("\": \"").append(LABELS.get(i)).append('"');
    }
    return sb.append("}}").toString();
  }

  String tokenizerJson() {
    StringBuilder added = new StringBuilder();
    for (int i = 0; i < SPECIAL.size(); i++) {
      added.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"content\":\"").append(SPECIAL.get(i))
          .append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
    }
    StringBuilder v = new StringBuilder();
    int id = 0;
    for (String piece : vocab.keySet()) {
      v.append(id == 0 ? "" : ",").append('"').append(piece.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(id++);
    }
    return """
        {"version":"1.0","truncation":%s,"padding":%s,
         "added_tokens":[%s],
         "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
         "pre_tokenizer":{"type":"BertPreTokenizer"},
         "post_processor":{"type":"TemplateProcessing",
           "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
           "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
           "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[2],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[3],"tokens":["[SEP]"]}}},
         "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
         "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{%s}}}
        """.formatted(
            withTokenizerLimits ? "{\"direction\":\"Right\",\"max_length\":8,\"strategy\":\"LongestFirst\",\"stride\":0}" : "null",
            withTokenizerLimits ? "{\"strategy\":{\"Fixed\":16},\"direction\":\"Right\",\"pad_to_multiple_of\":null,"
                + "\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}" : "null",
            added, v);
  }

  byte[] modelBytes() {
    int rows = vocab.size();
    int cols = LABELS.size();
    ByteBuffer table = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (String label : vocab.values()) {
      int want = LABELS.indexOf(label);
      for (int j = 0; j < cols; j++) {
        table.putFloat(j == want ? 4.0f : (j == 0 ? 1.0f : 0.0f));
      }
    }
    ProtoWriter graph = new ProtoWriter();
    List<ProtoWriter> nodes = new ArrayList<>();
    String gathered = withMask ? "gathered" : "logits";
    nodes.add(node("Gather", List.of("table", "input_ids"), gathered));
    if (withMask) {
      nodes.add(node("Cast", List.of("attention_mask"), "mask_f")
          .message(5, new ProtoWriter().string(1, "to").varint(3, 1).varint(20, 2)));
      nodes.add(node("Unsqueeze", List.of("mask_f", "axes"), "mask_3d"));
      nodes.add(node("Mul", List.of("gathered", "mask_3d"), "logits"));
    }
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "tiny-ner");
    graph.message(5, tensor("table", 1, new long[] {rows, cols}, table.array()));
    if (withMask) {
      ByteBuffer axes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2);
      graph.message(5, tensor("axes", 7, new long[] {1}, axes.array()));
    }
    graph.message(11, valueInfo("input_ids", 7, "batch", "seq", null));
    if (withMask) {
      graph.message(11, valueInfo("attention_mask", 7, "batch", "seq", null));
    }
    if (withTypeIds) {
      // accepted and ignored by the graph: the engine must still feed it
      graph.message(11, valueInfo("token_type_ids", 7, "batch", "seq", null));
    }
    graph.message(12, valueInfo("logits", 1, "batch", "seq", (long) cols));
    return new ProtoWriter()
        .varint(1, 7) // ir_version
        .string(2, "veil-tests") // producer_name
        .message(7, graph)
        .message(8, new ProtoWriter().varint(2, 13)) // opset_import: default domain, opset 13
        .toByteArray();
  }

  private static ProtoWriter node(String op, List<String> inputs, String output) {
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(i -> n.string(1, i));
    n.string(2, output);
    n.string(3, op + "_" + output);
    n.string(4, op);
    return n;
  }

  private static ProtoWriter tensor(String name, int dataType, long[] dims, byte[] raw) {
    ProtoWriter t = new ProtoWriter();
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, dataType).string(8, name).bytes(9, raw);
  }

  /** A tensor ValueInfoProto of rank 2 (symbolic dims) or rank 3 with a fixed last dim. */
  private static ProtoWriter valueInfo(String name, int elemType, String d0, String d1, Long d2) {
    ProtoWriter shape = new ProtoWriter()
        .message(1, new ProtoWriter().string(2, d0))
        .message(1, new ProtoWriter().string(2, d1));
    if (d2 != null) {
      shape.message(1, new ProtoWriter().varint(1, d2));
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }
}
