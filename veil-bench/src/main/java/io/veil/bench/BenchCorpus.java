package io.veil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The texts benchmarks run on: every {@code text} of {@code shared/data/*}/eval.jsonl, or a subset.
 * The data folder comes from the system property {@code veil.data} (default {@code ../shared/data}).
 */
final class BenchCorpus {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The baseline every detection benchmark is compared with: one raw JDK regex pass for US SSNs. */
  static final Pattern SSN_BASELINE = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");

  private BenchCorpus() {}

  static Path dataDir() {
    Path p = Path.of(System.getProperty("veil.data", "../shared/data"));
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("benchmark data not found at " + p.toAbsolutePath()
          + " (set -Dveil.data=/path/to/shared/data)");
    }
    return p;
  }

  /** Texts of the named datasets (folder names under the data dir), in file order. */
  static List<String> texts(String... datasets) {
    List<String> out = new ArrayList<>();
    for (String d : datasets) {
      Path f = dataDir().resolve(d).resolve("eval.jsonl");
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line).get("text").asText());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static long utf8Bytes(List<String> texts) {
    long n = 0;
    for (String t : texts) {
      n += t.getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  /**
   * Texts of one dataset in the order the benchmarks read them, with a line saying how many, how many UTF-8 bytes
   * (for MB/s = bytes × ops/s) and in which order. The order is a fixed shuffle (seed {@value #SHUFFLE_SEED}) unless
   * {@code -Dveil.order=file}: neighbouring texts of these files are alike (same template, same words), and file order
   * measured ~9 % faster than a shuffled stream of the same texts (docs/notes/speed16.md) — requests in production
   * arrive in no such order. Every benchmark of a run, baselines included, reads the same order.
   */
  static List<String> announced(String dataset) {
    List<String> texts = texts(dataset);
    String order = System.getProperty("veil.order", "shuffled");
    switch (order) {
      case "shuffled" -> Collections.shuffle(texts, new Random(SHUFFLE_SEED));
      case "file" -> { }
      default -> throw new IllegalArgumentException("veil.order must be shuffled or file, not " + order);
    }
    System.out.printf("%n[corpus] %s: %d texts, %d UTF-8 bytes, %s order%n", dataset, texts.size(), utf8Bytes(texts),
        order);
    return texts;
  }

  /** The seed of the benchmarks' fixed shuffle: the same order in every run and on every machine. */
  static final long SHUFFLE_SEED = 20261127L;

  /** One raw regex pass over every text, each match's start consumed: the baselines' body. */
  static void regexPass(Pattern pattern, List<String> texts, Blackhole bh) {
    for (String t : texts) {
      Matcher m = pattern.matcher(t);
      while (m.find()) {
        bh.consume(m.start());
      }
    }
  }
}
