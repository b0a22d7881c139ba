import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the NER tokenizer looks up per text, per data set: tokens, word tokens, words found in a closed list
 * (flags from the closed-list table, no lexicon probe), words probed in the lexicon's plain table (and how
 * many distinct ones: the lines a run over the set touches) and in its table of other keys, and how many
 * of those probes found flags.
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/LexiconLookups.java \
 *     ../shared/data/presidio_synth_v2/eval.jsonl ../shared/data/btc/eval.jsonl
 * </pre>
 */
public class LexiconLookups {
  public static void main(String[] a) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Class<?> tokensClass = Class.forName("io.veil.core.ner.Tokens");
    Method lexiconOf = Class.forName("io.veil.core.ner.GazetteerNerEngine").getDeclaredMethod("lexicon");
    lexiconOf.setAccessible(true);
    Object lexicon = lexiconOf.invoke(null);
    Constructor<?> tokens = tokensClass.getDeclaredConstructor(String.class, Class.forName("io.veil.core.ner.Lexicon"));
    tokens.setAccessible(true);
    Field size = field(tokensClass, "size");
    Field kind = field(tokensClass, "kind");
    Field plainCode = field(tokensClass, "plainCode");
    Field closed = field(tokensClass, "closed");
    Field flags = field(tokensClass, "flags");
    for (String file : a) {
      List<String> texts = new ArrayList<>();
      for (String l : Files.readAllLines(Path.of(file))) {
        if (!l.isBlank()) {
          texts.add(json.readTree(l).get("text").asText());
        }
      }
      long toks = 0, words = 0, inClosed = 0, plain = 0, plainFound = 0, other = 0, otherFound = 0;
      Set<Long> distinct = new HashSet<>();
      for (String t : texts) {
        Object tk = tokens.newInstance(t, lexicon);
        int n = size.getInt(tk);
        byte[] k = (byte[]) kind.get(tk);
        long[] p = (long[]) plainCode.get(tk);
        int[] c = (int[]) closed.get(tk);
        int[] f = (int[]) flags.get(tk);
        toks += n;
        for (int i = 0; i < n; i++) {
          if (k[i] != 0) { // Tokens.WORD
            continue;
          }
          words++;
          if (c[i] != 0) {
            inClosed++;
          } else if (p[i] != 0) {
            plain++;
            distinct.add(p[i]);
            plainFound += f[i] != 0 ? 1 : 0;
          } else {
            other++;
            otherFound += f[i] != 0 ? 1 : 0;
          }
        }
      }
      double m = texts.size();
      System.out.printf("%s: %d texts; per text: %.1f tokens, %.1f words, %.1f in a closed list, %.2f plain look-ups"
          + " (%.2f with flags; %d distinct words in the set), %.2f other look-ups (%.2f with flags)%n",
          Path.of(file).getParent().getFileName(), texts.size(), toks / m, words / m, inClosed / m, plain / m,
          plainFound / m, distinct.size(), other / m, otherFound / m);
    }
  }

  private static Field field(Class<?> c, String name) throws NoSuchFieldException {
    Field f = c.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
