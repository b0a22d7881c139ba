package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The subset of JSONPath that picks the string fields {@code veil redact}/{@code analyze} work on.
 *
 * <p>Syntax: {@code $} (the root), {@code .name} or {@code ['name']} (a member), {@code [n]} (an
 * array element, negative counts from the end), {@code [*]} or {@code .*} (every element or member),
 * {@code ..name} and {@code ..*} (recursive descent: the member at any depth). A bare name such as
 * {@code text} means {@code $.text}. Only string values are selected; numbers, booleans, objects and
 * missing members are passed over. Matches come in document order.
 *
 * <p>Thread safety: immutable.
 */
final class JsonPath {
  private sealed interface Step permits Member, Index, AnyChild, Descend {}

  private record Member(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record AnyChild() implements Step {}

  /** Recursive descent: the following step applies to this node and every descendant. */
  private record Descend() implements Step {}

  /** Receives each selected string; returns the replacement, or null to leave the value as it is. */
  @FunctionalInterface
  interface Visitor {
    String visit(String path, String value);
  }

  private final String expression;
  private final List<Step> steps;

  private JsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = List.copyOf(steps);
  }

  /**
   * Parses a path expression.
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  static JsonPath parse(String expression) {
    String e = expression.strip();
    if (e.isEmpty()) {
      throw new IllegalArgumentException("empty JSON path");
    }
    if (!e.startsWith("$")) {
      e = (e.startsWith("[") || e.startsWith(".") ? "$" : "$.") + e;
    }
    List<Step> steps = new ArrayList<>();
    int i = 1;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '.') {
        if (i + 1 < e.length() && e.charAt(i + 1) == '.') {
          steps.add(new Descend());
          i += 2;
          if (i < e.length() && e.charAt(i) == '[') {
            continue;
          }
        } else {
          i++;
        }
        if (i < e.length() && e.charAt(i) == '*') {
          steps.add(new AnyChild());
          i++;
          continue;
        }
        int start = i;
        while (i < e.length() && e.charAt(i) != '.' && e.charAt(i) != '[') {
          i++;
        }
        if (i == start) {
          throw bad(expression, "a member name is missing at position " + (start + 1));
        }
        steps.add(new Member(e.substring(start, i)));
      } else if (c == '[') {
        int close;
        if (i + 1 < e.length() && (e.charAt(i + 1) == '\'' || e.charAt(i + 1) == '"')) {
          char quote = e.charAt(i + 1);
          StringBuilder name = new StringBuilder();
          int j = i + 2;
          while (j < e.length() && e.charAt(j) != quote) {
            if (e.charAt(j) == '\\' && j + 1 < e.length()) {
              j++;
            }
            name.append(e.charAt(j));
            j++;
          }
          if (j + 1 >= e.length() || e.charAt(j + 1) != ']') {
            throw bad(expression, "unclosed quoted name at position " + (i + 1));
          }
          steps.add(new Member(name.toString()));
          close = j + 1;
        } else {
          close = e.indexOf(']', i);
          if (close < 0) {
            throw bad(expression, "unclosed [ at position " + (i + 1));
          }
          String inside = e.substring(i + 1, close).strip();
          if (inside.equals("*")) {
            steps.add(new AnyChild());
          } else {
            try {
              steps.add(new Index(Integer.parseInt(inside)));
            } catch (NumberFormatException ex) {
              throw bad(expression, "expected [n], [*] or ['name'] at position " + (i + 1));
            }
          }
        }
        i = close + 1;
      } else {
        throw bad(expression, "unexpected '" + c + "' at position " + (i + 1));
      }
    }
    if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof Descend) {
      throw bad(expression, "recursive descent (..) must be followed by a name or *");
    }
    return new JsonPath(expression, steps);
  }

  private static IllegalArgumentException bad(String expression, String why) {
    return new IllegalArgumentException("invalid JSON path " + quoted(expression) + ": " + why);
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }

  /** True if the path selects at most one value (no wildcard, no recursive descent). */
  boolean isDefinite() {
    return steps.stream().allMatch(s -> s instanceof Member || s instanceof Index);
  }

  @Override
  public String toString() {
    return expression;
  }

  /**
   * Visits every selected string in document order and stores the visitor's replacements in place.
   *
   * @return the root, or a new text node if the root itself was a selected, replaced string
   */
  JsonNode apply(JsonNode root, Visitor visitor) {
    JsonNode[] holder = {root};
    walk(root, 0, "$", visitor, replacement -> holder[0] = TextNode.valueOf(replacement));
    return holder[0];
  }

  private interface Slot {
    void set(String replacement);
  }

  private void walk(JsonNode node, int step, String path, Visitor visitor, Slot slot) {
    if (step == steps.size()) {
      if (node.isTextual()) {
        String replacement = visitor.visit(path, node.textValue());
        if (replacement != null) {
          slot.set(replacement);
        }
      }
      return;
    }
    switch (steps.get(step)) {
      case Member m -> {
        if (node instanceof ObjectNode o && o.has(m.name())) {
          walk(o.get(m.name()), step + 1, memberPath(path, m.name()), visitor,
              r -> o.put(m.name(), r));
        }
      }
      case Index ix -> {
        if (node instanceof ArrayNode a) {
          int k = ix.index() < 0 ? a.size() + ix.index() : ix.index();
          if (k >= 0 && k < a.size()) {
            walk(a.get(k), step + 1, path + "[" + k + "]", visitor, r -> a.set(k, TextNode.valueOf(r)));
          }
        }
      }
      case AnyChild any -> children(node, step + 1, path, visitor);
      case Descend d -> descend(node, step + 1, path, visitor, slot);
    }
  }

  private void children(JsonNode node, int next, String path, Visitor visitor) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        walk(e.getValue(), next, memberPath(path, name), visitor, r -> o.put(name, r));
      }
    } else if (node instanceof ArrayNode a) {
      for (int k = 0; k < a.size(); k++) {
        int at = k;
        walk(a.get(k), next, path + "[" + k + "]", visitor, r -> a.set(at, TextNode.valueOf(r)));
      }
    }
  }

  /** Applies step {@code next} at {@code node} and at every descendant, in document order. */
  private void descend(JsonNode node, int next, String path, Visitor visitor, Slot slot) {
    walk(node, next, path, visitor, slot);
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        if (e.getValue().isContainerNode()) {
          descend(e.getValue(), next, memberPath(path, name), visitor, r -> o.put(name, r));
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int k = 0; k < a.size(); k++) {
        int at = k;
        if (a.get(k).isContainerNode()) {
          descend(a.get(k), next, path + "[" + k + "]", visitor, r -> a.set(at, TextNode.valueOf(r)));
        }
      }
    }
  }

  private static String memberPath(String path, String name) {
    boolean plain = !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
        && name.chars().allMatch(Character::isJavaIdentifierPart);
    return plain ? path + "." + name : path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }
}
