import io.veil.core.Analyzer;
import io.veil.core.Policy;
import java.io.Reader;
import java.util.Random;

/** Streams WINDOWS windows of ~128 K, each with one WORD-letter word the engine labels ORGANIZATION, and prints the
 * heap in use after a full GC while the last window's findings are delivered (the stream's state is still live). */
public class StreamHeap {
  public static void main(String[] a) throws Exception {
    int windows = Integer.parseInt(a[0]);
    int word = Integer.parseInt(a[1]); char base = a.length > 2 ? '\u0430' : 'a';
    Analyzer an = Policy.defaults().newAnalyzer();
    Random rnd = new Random(14);
    StringBuilder all = new StringBuilder();
    // each piece: a sentence with one long word the engine calls ORGANIZATION, padded with plain text to ~128 K
    Reader r = new Reader() {
      int piece = 0; String cur = ""; int pos = 0;
      public int read(char[] b, int off, int len) {
        if (pos == cur.length()) {
          if (piece++ == windows) return -1;
          StringBuilder s = new StringBuilder("She works at Q");
          for (int i = 0; i < word; i++) s.append((char) (base + rnd.nextInt(26)));
          s.append(" Inc. in Berlin. ");
          while (s.length() < 128 * 1024) s.append("The weather was fine and nothing happened at all today. ");
          cur = s.toString(); pos = 0;
        }
        int n = Math.min(len, cur.length() - pos);
        cur.getChars(pos, pos + n, b, off); pos += n; return n;
      }
      public void close() {}
    };
    long[] orgs = {0};
    long[] maxUsed = {0};
    an.analyze(r, "en", f -> {
      if (f.type().name().equals("ORGANIZATION") && ++orgs[0] % 50 == 0) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        maxUsed[0] = Math.max(maxUsed[0], rt.totalMemory() - rt.freeMemory());
        System.out.printf("orgs %d used %d MB%n", orgs[0], (rt.totalMemory() - rt.freeMemory()) >> 20);
      }
    });
    System.out.printf("windows %d word %d: ORGANIZATION findings %d, max heap used after GC %d MB%n", windows, word,
        orgs[0], maxUsed[0] >> 20);
  }
}
