package io.veil.gateway;

import java.util.List;

/** Replaces personal data in one piece of request text (pseudonymize or anonymize). */
@FunctionalInterface
interface TextTransform {
  String apply(String text);

  /**
   * Transforms pieces a reader sees as one text (the text parts of one message). The gateway's
   * transform detects over their concatenation, so a value split across pieces ("jane.doe@" +
   * "example.com") is still found; a replacement goes to the piece where its value starts and the
   * rest of the value leaves the later pieces. This default transforms each piece alone.
   *
   * @return as many pieces as given, in order
   */
  default List<String> applyJoined(List<String> pieces) {
    return pieces.stream().map(this::apply).toList();
  }
}
