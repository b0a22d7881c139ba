package io.veil.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads labelled data in the format of {@code shared/data/*}/eval.jsonl: one JSON object per line,
 * {@code {"id","text","spans":[{"start","end","label"}],"lang"}}, offsets in Unicode code points.
 */
final class EvalDatasetReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalDatasetReader() {}

  /**
   * Reads the whole file.
   *
   * @throws EvalDataException naming the file and line for malformed lines or spans outside the text
   */
  static List<EvalExample> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.toString(), file.getFileName().toString(), in);
    }
  }

  /**
   * Reads a whole stream (standard input); does not close it.
   *
   * @param name how messages name the stream (for example {@code <stdin>})
   * @param idPrefix what a line's default id starts with ({@code <idPrefix>:<line>}) when it has no {@code id}
   * @throws EvalDataException naming the stream and line for malformed lines or spans outside the text
   */
  static List<EvalExample> read(String name, String idPrefix, InputStream stream) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<EvalExample> out = new ArrayList<>();
    // not closed: closing it would close the stream, which the caller owns
    BufferedReader in = new BufferedReader(new InputStreamReader(stream, decoder));
    try {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        out.add(parse(name, idPrefix, lineNo, line));
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new EvalDataException(name + ": not valid UTF-8");
    }
    return out;
  }

  private static EvalExample parse(String file, String idPrefix, int lineNo, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new EvalDataException(file + ":" + lineNo + ": malformed JSON");
    }
    JsonNode textNode = node.get("text");
    if (textNode == null || !textNode.isTextual()) {
      throw new EvalDataException(file + ":" + lineNo + ": no \"text\" string");
    }
    String text = textNode.asText();
    int codePoints = text.codePointCount(0, text.length());
    List<EvalExample.GoldSpan> spans = new ArrayList<>();
    JsonNode spanNodes = node.path("spans");
    for (JsonNode s : spanNodes) {
      int start = s.path("start").asInt(-1);
      int end = s.path("end").asInt(-1);
      String label = s.path("label").asText("");
      if (start < 0 || end <= start || end > codePoints || label.isEmpty()) {
        throw new EvalDataException(file + ":" + lineNo + ": bad span [" + start + ", " + end + "): "
            + (label.isEmpty() ? "no \"label\""
                : start < 0 || end < 0 ? "\"start\" and \"end\" must be non-negative integers"
                : end <= start ? "\"end\" must be after \"start\""
                : "the text has " + codePoints + " code points (offsets count code points)"));
      }
      spans.add(new EvalExample.GoldSpan(
          text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end), label));
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : idPrefix + ":" + lineNo;
    String lang = node.hasNonNull("lang") ? node.get("lang").asText() : null;
    return new EvalExample(id, text, lang, List.copyOf(spans));
  }

  /** The data file is not in the expected format. The message names file and line, never the text. */
  static final class EvalDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvalDataException(String message) {
      super(message);
    }
  }
}
