package io.veil.gateway;

import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.Map;

/**
 * Restorers over a fixed token map, for adapter unit tests only (the gateway ITs use the real
 * Veil). Streaming holds back from the last '<' that has no '>' yet.
 */
final class FakeRestorers implements Restorers {
  private final Map<String, String> tokens;

  FakeRestorers(Map<String, String> tokens) {
    this.tokens = tokens;
  }

  @Override
  public String restore(String text, RestoreFormat format) {
    String out = text;
    for (Map.Entry<String, String> e : tokens.entrySet()) {
      String v = format == RestoreFormat.JSON_STRING
          ? Json.write(Json.MAPPER.getNodeFactory().textNode(e.getValue())).replaceAll("^\"|\"$", "")
          : e.getValue();
      out = out.replace(e.getKey(), v);
    }
    return out;
  }

  @Override
  public StreamingRestorer streaming(RestoreFormat format) {
    return new StreamingRestorer() {
      private final StringBuilder held = new StringBuilder();

      @Override
      public String push(CharSequence chunk) {
        held.append(chunk);
        int lt = held.lastIndexOf("<");
        int cut = lt >= 0 && held.indexOf(">", lt) < 0 ? lt : held.length();
        String ready = held.substring(0, cut);
        held.delete(0, cut);
        return restore(ready, format);
      }

      @Override
      public String finish() {
        String rest = held.toString();
        held.setLength(0);
        return restore(rest, format);
      }
    };
  }
}
