package io.veil.core.transform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Common English words ("white", "rose", "will"), so surrogate names avoid them: a surrogate word that
 * is also an ordinary word would be restored wherever the model uses that word.
 *
 * <p>Read once from the NER lexicon ({@code io/veil/core/ner/lexicon.tsv.gz}, lines {@code key\tflags},
 * {@code COMMON = 1 << 11} as laid out by {@code scripts/ner/BuildGazetteers.java}). If the resource is
 * missing the set is empty and surrogates are only checked against the text.
 */
final class CommonWords {
  private static final String RESOURCE = "/io/veil/core/ner/lexicon.tsv.gz";
  private static final int COMMON = 1 << 11;
  private static final Set<String> WORDS = load();

  private CommonWords() {}

  static boolean contains(String word) {
    return WORDS.contains(word.toLowerCase(Locale.ROOT));
  }

  static int size() {
    return WORDS.size();
  }

  private static Set<String> load() {
    Set<String> words = new HashSet<>();
    try (InputStream in = CommonWords.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return Set.of();
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab <= 0 || line.indexOf(' ', 0) >= 0 && line.indexOf(' ') < tab) {
          continue; // multi-word keys are not needed
        }
        try {
          if ((Integer.parseInt(line, tab + 1, line.length(), 10) & COMMON) != 0) {
            words.add(line.substring(0, tab));
          }
        } catch (NumberFormatException ignored) {
          // a damaged line: skip it
        }
      }
    } catch (IOException e) {
      return Set.of();
    }
    return Set.copyOf(words);
  }
}
