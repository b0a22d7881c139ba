package io.veil.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finds personal values in recorded upstream request bodies, looking into every string of the JSON. */
final class Leaks {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Leaks() {}

  /** The {@code values} that occur in any string of any body (also inside JSON carried in strings). */
  static Set<String> find(List<JsonNode> bodies, Collection<String> values) {
    List<String> strings = new ArrayList<>();
    for (JsonNode body : bodies) {
      collect(body, strings);
    }
    Set<String> leaked = new LinkedHashSet<>();
    for (String value : values) {
      for (String s : strings) {
        if (s.contains(value)) {
          leaked.add(value);
          break;
        }
      }
    }
    return leaked;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      String s = node.asText();
      out.add(s);
      String t = s.strip();
      if (t.startsWith("{") || t.startsWith("[")) { // tool arguments: JSON inside a string
        try {
          collect(MAPPER.readTree(t), out);
        } catch (IOException notJson) {
          // plain text that happens to start with a bracket
        }
      }
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, out));
      node.fieldNames().forEachRemaining(out::add);
    }
  }
}
