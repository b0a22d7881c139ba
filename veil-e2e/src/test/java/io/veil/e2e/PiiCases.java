package io.veil.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Labelled texts from the shared evaluation data ({@code presidio_synth_v2/eval.jsonl}, located through the
 * system property {@code veil.shared.data}): the first examples, in file order, that hold at least one value of
 * a structured type. Tests using them are skipped, with a message, where the data is absent.
 */
final class PiiCases {

  /** Types with a fixed format that the gateway must always remove (checked strictly). */
  static final Set<String> STRUCTURED = Set.of("EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS");

  static final String DATASET = "presidio_synth_v2/eval.jsonl";

  /**
   * One labelled text.
   *
   * @param structuredValues the labelled values of the {@link #STRUCTURED} types, as Java strings
   * @param personValues the labelled PERSON values (reported, not asserted: names depend on NER)
   */
  record Case(String id, String text, Set<String> structuredValues, Set<String> personValues) {}

  private PiiCases() {}

  /** Up to {@code limit} cases; skips the calling test when the shared data is absent. */
  static List<Case> load(int limit) {
    Path file = dataFile();
    Assumptions.assumeTrue(Files.isRegularFile(file),
        "shared evaluation data not found at " + file + " (set -Dveil.shared.data=DIR): PII round-trip skipped");
    ObjectMapper mapper = new ObjectMapper();
    List<Case> cases = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (cases.size() < limit && (line = in.readLine()) != null) {
        JsonNode ex = mapper.readTree(line);
        String text = ex.path("text").asText();
        Set<String> structured = new LinkedHashSet<>();
        Set<String> persons = new LinkedHashSet<>();
        for (JsonNode span : ex.path("spans")) {
          // offsets are Unicode code points; Java strings are UTF-16
          int start = text.offsetByCodePoints(0, span.path("start").asInt());
          int end = text.offsetByCodePoints(0, span.path("end").asInt());
          String value = text.substring(start, end).strip();
          String label = span.path("label").asText();
          if (STRUCTURED.contains(label)) {
            structured.add(value);
          } else if ("PERSON".equals(label)) {
            persons.add(value);
          }
        }
        if (!structured.isEmpty()) {
          cases.add(new Case(ex.path("id").asText(), text, structured, persons));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return cases;
  }

  static Path dataFile() {
    String dir = System.getProperty("veil.shared.data", "../shared/data");
    return Path.of(dir).resolve(DATASET).toAbsolutePath().normalize();
  }
}
