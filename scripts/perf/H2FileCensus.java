import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * The live data of a closed H2 file against its size (issue 3, docs/notes/h2flat.md): opens the {@code .mv.db}
 * read-only and prints its size, its chunks, and the bytes of live pages they hold (H2's own per-chunk count).
 * The file can never be smaller than the live data; what compaction can bound is the ratio.
 *
 * <pre>java -cp H2_JAR scripts/perf/H2FileCensus.java FILE.mv.db</pre>
 */
public class H2FileCensus {
  public static void main(String[] a) throws Exception {
    Path f = Path.of(a[0]);
    MVStore store = new MVStore.Builder().fileName(f.toString()).readOnly().open();
    try {
      FileStore<?> file = store.getFileStore();
      var field = FileStore.class.getDeclaredField("chunks");
      field.setAccessible(true);
      long live = 0, len = 0, n = 0;
      for (Object o : ((Map<?, ?>) field.get(file)).values()) {
        Chunk<?> c = (Chunk<?>) o;
        n++;
        live += Math.max(0, c.maxLenLive);
        len += c.maxLen;
      }
      System.out.printf("file %.1f MB, %d chunks, %.1f MB in chunks, live %.1f MB (file / live %.2f)%n",
          Files.size(f) / 1048576.0, n, len / 1048576.0, live / 1048576.0, Files.size(f) / (double) Math.max(1, live));
    } finally {
      store.closeImmediately();
    }
  }
}
