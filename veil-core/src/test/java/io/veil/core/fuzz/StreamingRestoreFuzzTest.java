package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veil.core.Policy;
import io.veil.core.PseudonymizedText;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.StreamingRestorer;
import io.veil.core.Veil;
import io.veil.core.transform.Restorer;
import java.util.List;

/**
 * Fuzzes restore, whole and streamed. The fuzzer writes a prompt (pseudonymized for real, so the
 * scope holds real tokens and surrogates) and an answer, and cuts the answer into chunks anywhere,
 * inside surrogate pairs and tokens included. Properties:
 * <ul>
 *   <li>streaming restore of any chunking equals whole restore of the answer;</li>
 *   <li>no emitted piece ends inside a surrogate pair (an SSE frame must be valid UTF-8).</li>
 * </ul>
 */
class StreamingRestoreFuzzTest {
  private static final Veil VEIL = Veil.builder().policy(Policy.defaults()).build();
  private static final String[] SEEDS = {"", "<PERSON_1>", "<EMAIL_1>", "<PHONE_1>", "&lt;PERSON_1&gt;",
      "\\u003cPERSON_1\\u003e", "PERSON_1", "<person_1>", "'s", "**", "<", "_", "1"};

  @FuzzTest(maxDuration = "60s")
  void streamingEqualsWhole(FuzzedDataProvider data) {
    Scope scope = new Scope("fuzz", "c" + data.consumeInt(0, 3));
    RestoreFormat format = data.pickValue(RestoreFormat.values());
    String prompt = data.consumeString(400);
    PseudonymizedText sent = VEIL.pseudonymize(scope, prompt);
    StringBuilder answer = new StringBuilder();
    int parts = data.consumeInt(0, 6);
    for (int i = 0; i < parts; i++) {
      answer.append(data.pickValue(SEEDS));
      answer.append(data.consumeString(40));
      if (data.consumeBoolean()) {
        answer.append(sent.text());
      }
    }
    answer.append(data.consumeRemainingAsString());
    String text = answer.toString();

    Restorer restorer = VEIL.restorer(scope, format);
    String whole = restorer.restore(text);
    StreamingRestorer streaming = restorer.streaming();
    StringBuilder streamed = new StringBuilder();
    List<String> chunks = FuzzInputs.chunks(data, text, 30);
    for (String chunk : chunks) {
      String piece = streaming.push(chunk);
      assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)))
          .as("a piece ends inside a surrogate pair").isTrue();
      streamed.append(piece);
    }
    streamed.append(streaming.finish());
    assertThat(streamed.toString()).as("streamed restore of %s chunks", chunks.size()).isEqualTo(whole);
  }
}
