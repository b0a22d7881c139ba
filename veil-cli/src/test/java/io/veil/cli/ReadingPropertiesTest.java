package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ReadingPropertiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A stream that hands out at most {@code step} bytes per read, to cut lines and characters apart. */
  private static InputStream dribble(byte[] bytes, int step) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }

  @Provide
  Arbitrary<String> lineText() {
    return Arbitraries.strings().all().excludeChars('\n', '\r').ofMaxLength(40)
        .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF) && !s.startsWith("\uFEFF"));
  }

  @Property
  void linesComeBackAsWrittenHoweverTheBytesArrive(
      @ForAll @Size(max = 20) List<@From("lineText") String> lines,
      @ForAll boolean crlf, @ForAll boolean lastEnded, @ForAll @IntRange(min = 1, max = 9) int step)
      throws IOException {
    String eol = crlf ? "\r\n" : "\n";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(lines.get(i));
      boolean last = i == lines.size() - 1;
      if (!last || lastEnded || lines.get(i).isEmpty()) { // an unterminated empty last line is no line
        sb.append(eol);
      }
    }
    String joined = sb.toString();
    LineReader r = new LineReader(dribble(joined.getBytes(StandardCharsets.UTF_8), step), "p", 1 << 16);
    List<String> read = new ArrayList<>();
    String l;
    while ((l = r.next()) != null) {
      read.add(l);
    }
    assertThat(read).isEqualTo(lines);
  }

  @Provide
  Arbitrary<JsonNode> documents() {
    Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(8).map(MAPPER.getNodeFactory()::textNode),
        Arbitraries.integers().map(MAPPER.getNodeFactory()::numberNode));
    return Arbitraries.recursive(() -> leaf, this::container, 0, 4);
  }

  private Arbitrary<JsonNode> container(Arbitrary<JsonNode> inner) {
    Arbitrary<JsonNode> array = inner.list().ofMaxSize(4).map(items -> {
      ArrayNode a = MAPPER.createArrayNode();
      items.forEach(a::add);
      return a;
    });
    Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.strings().alpha().ofLength(2), inner).ofMaxSize(4)
        .map(m -> {
          ObjectNode o = MAPPER.createObjectNode();
          m.forEach(o::set);
          return o;
        });
    return Arbitraries.oneOf(array, object);
  }

  @Property
  void everyStringPathSelectsExactlyTheStringsOfTheDocument(@ForAll("documents") JsonNode doc) {
    List<String> viaPath = new ArrayList<>();
    JsonPath.parse("$..*").apply(doc.deepCopy(), (p, v) -> {
      viaPath.add(v);
      return null;
    });
    List<String> expected = new ArrayList<>();
    collectStrings(doc, expected);
    if (doc.isTextual()) {
      expected.clear(); // $..* selects members and elements, never the root itself
    }
    assertThat(viaPath).isEqualTo(expected);
  }

  @Property
  void replacingEveryStringChangesNothingElse(@ForAll("documents") JsonNode doc) {
    JsonNode out = JsonPath.parse("$..*").apply(doc.deepCopy(), (p, v) -> "<" + v + ">");
    assertThat(unwrap(out)).isEqualTo(doc);
  }

  private static JsonNode unwrap(JsonNode n) {
    if (n.isTextual()) {
      String t = n.textValue();
      return t.startsWith("<") && t.endsWith(">") ? MAPPER.getNodeFactory().textNode(t.substring(1, t.length() - 1)) : n;
    }
    JsonNode copy = n.deepCopy();
    if (copy instanceof ObjectNode o) {
      o.properties().forEach(e -> o.set(e.getKey(), unwrap(e.getValue())));
    } else if (copy instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, unwrap(a.get(i)));
      }
    }
    return copy;
  }

  private static void collectStrings(JsonNode n, List<String> out) {
    if (n.isTextual()) {
      out.add(n.textValue());
    } else {
      n.forEach(c -> collectStrings(c, out));
    }
  }
}
