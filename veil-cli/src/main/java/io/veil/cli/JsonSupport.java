package io.veil.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads and writes JSON for the commands: numbers keep their written precision, duplicate member
 * names are an error (a tree would silently drop one), and parse errors become messages that name
 * the line and column but never quote the input.
 */
final class JsonSupport {
  private final JsonMapper mapper;
  private final String source;

  JsonSupport(String source, long maxChars) {
    this.source = source;
    int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(maxChars, 1));
    this.mapper = JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .build();
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength(limit)
        .maxNumberLength(10_000)
        .maxNestingDepth(1000)
        .build());
  }

  JsonMapper mapper() {
    return mapper;
  }

  /**
   * Parses one JSON value.
   *
   * @param line the line the text starts on (JSONL), or 0 for a whole document (the parser's line is used)
   * @throws InputException naming the source, line and kind of error, without any input
   */
  JsonNode parse(String text, long line) {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw InputException.at(source, line, "malformed JSON: no value");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      long at = line > 0 ? line : (loc == null ? 0 : loc.getLineNr());
      String column = loc == null || loc.getColumnNr() <= 0 ? "" : " at column " + loc.getColumnNr();
      throw InputException.at(source, at, "malformed JSON: " + kind(e) + column);
    }
  }

  /** A description of the error that cannot contain input (Jackson's own messages quote tokens). */
  private static String kind(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof JsonEOFException || m.startsWith("Unexpected end-of-input")) {
      return "unexpected end of input";
    }
    if (e instanceof StreamConstraintsException) {
      return "value too long or nested too deeply";
    }
    if (m.startsWith("Duplicate field")) {
      return "duplicate member name";
    }
    if (m.startsWith("Trailing token")) {
      return "more than one JSON value";
    }
    if (m.startsWith("Unrecognized token") || m.startsWith("Unexpected character")) {
      return "unexpected character";
    }
    if (m.startsWith("Illegal unquoted character") || m.contains("control character")) {
      return "unescaped control character in a string";
    }
    return "syntax error";
  }
}
