package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With the real detectors on real labelled text: restore(pseudonymize(text)) == text for every text
 * (up to the case and separators of a value spelled twice), and streaming in random 1-7 char chunks
 * equals whole restore. Data: {@code -Dveil.data=DIR}, else the nearest {@code shared/data} above
 * the working directory (or its sibling {@code ../shared/data}); skipped where there is none.
 */
class RestoreCorpusIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path dataDir() {
    String prop = System.getProperty("veil.data");
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      for (Path c : List.of(p.resolve("shared/data"), p.resolve("../shared/data"))) {
        if (Files.isDirectory(c)) {
          return c;
        }
      }
    }
    return null;
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
      "presidio_synth_v2, placeholder", "presidio_synth_v2, surrogate",
      "wnut17, placeholder", "wnut17, surrogate", "germeval2014, placeholder", "germeval2014, surrogate"})
  void roundTripsAndStreamsConsistently(String dataset, String operator) throws IOException {
    Path dir = dataDir();
    assumeTrue(dir != null && Files.exists(dir.resolve(dataset).resolve("eval.jsonl")), "no evaluation data");
    Veil veil = Veil.builder()
        .policy(Policy.parse("version: it\ndefault_operator: " + operator + "\n"))
        .build();
    Random random = new Random(7);
    int n = 0;
    int replaced = 0;
    for (String line : Files.readAllLines(dir.resolve(dataset).resolve("eval.jsonl"))) {
      if (n >= 1500) {
        break;
      }
      String text = JSON.readTree(line).get("text").asText();
      // texts spread over 50 conversations (~30 turns each): surrogates minted in earlier turns that
      // a later turn really contains ("Von" in German text) must be retired, not restored
      Scope scope = new Scope("it", "c" + (n++ % 50));
      PseudonymizedText p = veil.pseudonymize(scope, text);
      replaced += p.replacements().size();
      String whole = veil.restore(scope, p.text());
      // a value spelled twice in a scope restores to its first spelling (documented), so compare
      // without case and separators; everything else must be exact
      assertThat(fold(whole)).as("round trip of line %d", n).isEqualTo(fold(text));
      StreamingRestorer s = veil.streamingRestorer(scope, RestoreFormat.TEXT);
      StringBuilder streamed = new StringBuilder();
      for (int i = 0; i < p.text().length(); ) {
        int end = Math.min(p.text().length(), i + 1 + random.nextInt(7));
        streamed.append(s.push(p.text().substring(i, end)));
        i = end;
      }
      streamed.append(s.finish());
      assertThat(streamed.toString()).as("streamed line %d", n).isEqualTo(whole);
    }
    assertThat(replaced).isPositive();
  }

  private static String fold(String s) {
    return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }
}
