package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Any JSON lines, written in any pieces, become one {"data":[…]} document holding the same objects in order. */
class JsonLinesEnvelopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<List<String>> values() {
    // strings with newlines, quotes, braces and non-ASCII: escaped by the writer of the lines, as the export's are
    return Arbitraries.strings().all().ofMaxLength(40)
        .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)).list().ofMaxSize(30);
  }

  @Property(tries = 300)
  void anyLinesCutAnyWayBecomeTheListEnvelope(@ForAll("values") List<String> values,
      @ForAll @IntRange(min = 1, max = 64) int step, @ForAll boolean crlf) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      ObjectNode o = JSON.createObjectNode().put("seq", i).put("value", values.get(i));
      objects.add(o);
      lines.append(o).append(crlf ? "\r\n" : "\n");
    }
    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream o = new JsonLinesEnvelope(sink)) {
      DecodingOutputStreamTest.writeInPieces(o, bytes, step);
    }
    String doc = sink.toString(StandardCharsets.UTF_8);
    assertThat(doc).endsWith("}\n");
    assertThat(doc.strip().lines().count()).as("one line").isEqualTo(1);
    JsonNode parsed = JSON.readTree(doc);
    assertThat(parsed.size()).isEqualTo(1);
    List<JsonNode> data = new ArrayList<>();
    parsed.path("data").forEach(data::add);
    assertThat(data).isEqualTo(objects);
  }
}
