import io.veil.core.EntityType;
import io.veil.core.Policy;
import io.veil.core.PseudonymizedText;
import io.veil.core.Scope;
import io.veil.core.Veil;
import io.veil.store.AuditAction;
import io.veil.store.AuditLog;
import io.veil.store.AuditRecord;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.SubjectKeys;
import io.veil.store.SubjectResolver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.db.MVIndex;
import org.h2.table.Table;

/**
 * What H2 writes per gateway request with distinct prompts, measured inside H2 (issue 3, docs/notes/h2write.md).
 * One H2 file database as DatabaseConfig.h2 opens it (WRITE_DELAY=0, H2FileCompactor running), URL + SUFFIX. A
 * "request" is what the gateway does to the store for a new conversation: a ~1 KB prompt pseudonymized inside
 * vault.batched (detection included), the pseudonymized text restored (the mock echoes it), one audit record.
 *
 * <p>Phase 1 (sequential, so each commit belongs to one request): per request the MVStore versions (commits that
 * wrote a chunk), the chunks and the bytes written to the file, and per B-tree (table or index, by name) the pages
 * the request's chunks hold: every page of a map whose position is in a chunk the request wrote (walked down from
 * the map's root, only into children in those chunks), with their stored size. Phase 2: THREADS threads, the file
 * totals per request and the CPU of the request threads plus the compactor thread.
 *
 * <pre>
 * java -cp VEIL_CORE_CLASSES:VEIL_STORE_CLASSES:DEPS scripts/perf/H2WriteProfile.java [requests=200] [threads=8] [suffix=]
 * </pre>
 */
public class H2WriteProfile {
  public static void main(String[] a) throws Exception {
    int warmSeconds = a.length > 0 ? Integer.parseInt(a[0]) : 60;
    int measureSeconds = a.length > 1 ? Integer.parseInt(a[1]) : 60;
    int threads = a.length > 2 ? Integer.parseInt(a[2]) : 8;
    String suffix = a.length > 3 ? a[3] : "";
    int seqN = 100;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Path dir = Files.createTempDirectory("h2write");
    DatabaseConfig base = DatabaseConfig.h2(dir);
    DatabaseConfig cfg = new DatabaseConfig(base.jdbcUrl() + suffix, base.user(), base.password(),
        base.maxPoolSize(), base.connectTimeout(), Clock.systemUTC());
    Database db = Database.open(cfg);
    KeyManager keys = KeyManager.openOrCreate(dir.resolve("keys"));
    JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, keys), Duration.ofHours(1),
        SubjectResolver.perConversation());
    AuditLog audit = new AuditLog(db, keys);
    Veil veil = Veil.builder().analyzer(Policy.defaults().newAnalyzer()).vault(vault).build();
    Connection probe = java.sql.DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
    SessionLocal session = (SessionLocal) probe.unwrap(JdbcConnection.class).getSession();
    MVStore store = session.getDatabase().getStore().getMvStore();
    FileStore<?> file = store.getFileStore();
    Method writeBytes = FileStore.class.getDeclaredMethod("getWriteBytes");
    writeBytes.setAccessible(true);
    AtomicInteger seq = new AtomicInteger();
    for (int i = 0; i < 50; i++) { // warm-up: JIT, pool, a few chunks
      request(veil, vault, audit, seq.incrementAndGet());
    }
    Map<String, String> names = mapNames(session);

    // phase 2: concurrent
    long[] compactor = compactorThreads();
    long cc0, v0, b0, w0;
    concurrent(veil, vault, audit, seq, threads, warmSeconds, mx); // warm-up to the steady state (H2 keeps dead chunks 45 s)
    v0 = store.getCurrentVersion();
    b0 = (long) writeBytes.invoke(file);
    w0 = file.getWriteCount();
    cc0 = cpu(mx, compactor);
    int s0 = seq.get();
    long t0 = System.nanoTime();
    long reqCpu = concurrent(veil, vault, audit, seq, threads, measureSeconds, mx);
    double wall = (System.nanoTime() - t0) / 1e9;
    int requests = seq.get() - s0;
    double n = requests;
    System.out.printf("%d threads, %d requests in %.1f s: H2 versions %.2f, file writes %.2f, bytes written %.0f per"
        + " request; CPU ms/request: request threads %.3f, compactor %.3f; file %.1f MB, %s, fill %d%%, chunks fill %d%%,"
        + " load %.1f%n", threads, requests, wall, (store.getCurrentVersion() - v0) / n,
        (file.getWriteCount() - w0) / n, ((long) writeBytes.invoke(file) - b0) / n, reqCpu / n / 1e6,
        (cpu(mx, compactor) - cc0) / n / 1e6, file.size() / 1e6, chunkCensus(file), file.getFillRate(), file.getChunksFillRate(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf("requests since the start: %d%n", seq.get());
    // phase 1: sequential
    Map<String, long[]> perMap = new TreeMap<>(); // name -> {pages, leaves, bytes}
    v0 = store.getCurrentVersion();
    b0 = (long) writeBytes.invoke(file);
    w0 = file.getWriteCount();
    long chunksSeen = 0;
    int skipped = 0;
    for (int i = 0; i < seqN; i++) {
      long before = store.getCurrentVersion();
      request(veil, vault, audit, seq.incrementAndGet());
      long after = store.getCurrentVersion();
      if (after - before != 2) { // a compactor run committed in between: its chunk is not this request's
        skipped++;
        continue;
      }
      java.util.Set<Integer> chunks = chunksBetween(file, before, after);
      chunksSeen += chunks.size();
      for (String name : store.getMapNames()) {
        MVMap<Object, Object> m = store.openMap(name);
        String label = names.getOrDefault(name, name.replaceAll("\\.[0-9]+$", ""));
        walk(m.getRootPage(), chunks, perMap.computeIfAbsent(label, k -> new long[3]));
      }
      walk(((MVMap<?, ?>) LAYOUT.get(file)).getRootPage(), chunks, perMap.computeIfAbsent("(H2 layout map)", k -> new long[3]));
      walk(store.getMetaMap().getRootPage(), chunks, perMap.computeIfAbsent("(H2 meta map)", k -> new long[3]));
    }
    long commits = store.getCurrentVersion() - v0;
    n = seqN;
    System.out.printf("sequential, %d requests: H2 versions %.2f, chunks %.2f, file writes %.2f, bytes written %.0f"
        + " per request%n", seqN, commits / n, chunksSeen / (double) (seqN - skipped), (file.getWriteCount() - w0) / n,
        ((long) writeBytes.invoke(file) - b0) / n);
    System.out.printf("pages in the requests' chunks per request (%d requests with exactly 2 commits), by B-tree: pages"
        + " (leaves) bytes%n", seqN - skipped);
    n = seqN - skipped;
    long tp = 0, tb = 0;
    for (Map.Entry<String, long[]> e : perMap.entrySet()) {
      long[] c = e.getValue();
      if (c[0] > 0) {
        System.out.printf("  %-40s %6.2f (%5.2f) %8.0f%n", e.getKey(), c[0] / n, c[1] / n, c[2] / n);
        tp += c[0];
        tb += c[2];
      }
    }
    System.out.printf("  %-40s %6.2f         %8.0f%n", "total", tp / n, tb / n);
    System.out.printf("file: %.1f MB, %s, chunks fill %d%%, H2 retention time %d ms%n", file.size() / 1e6, chunkCensus(file),
        file.getChunksFillRate(), store.getRetentionTime());

    probe.close();
    db.close();
  }

  /** Runs requests on {@code threads} platform threads for {@code seconds}; returns their CPU nanoseconds. */
  static long concurrent(Veil veil, JdbcTokenVault vault, AuditLog audit, AtomicInteger seq, int threads, int seconds,
      ThreadMXBean mx) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long[] cpu = new long[threads];
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int me = i;
      ts[i] = Thread.ofPlatform().start(() -> {
        long c0 = mx.getCurrentThreadCpuTime();
        while (System.nanoTime() < end) {
          request(veil, vault, audit, seq.incrementAndGet());
        }
        cpu[me] = mx.getCurrentThreadCpuTime() - c0;
      });
    }
    long sum = 0;
    for (int i = 0; i < threads; i++) {
      ts[i].join();
      sum += cpu[i];
    }
    return sum;
  }

  static void walk(Page<?, ?> p, java.util.Set<Integer> chunks, long[] acc) {
    long pos = p.getPos();
    if (!DataUtils.isPageSaved(pos) || !chunks.contains(DataUtils.getPageChunkId(pos))) {
      return;
    }
    acc[0]++;
    acc[2] += ownDiskSpace(p);
    if (p.isLeaf()) {
      acc[1]++;
      return;
    }
    for (int i = 0; i < p.getRawChildPageCount(); i++) {
      long cp = p.getChildPagePos(i);
      if (DataUtils.isPageSaved(cp) && chunks.contains(DataUtils.getPageChunkId(cp))) {
        walk(p.getChildPage(i), chunks, acc);
      }
    }
  }

  static final java.lang.reflect.Field DISK_SPACE;
  static final java.lang.reflect.Field CHUNKS;
  static final java.lang.reflect.Field LAYOUT;

  static {
    try {
      DISK_SPACE = Page.class.getDeclaredField("diskSpaceUsed"); // the page's own stored length
      DISK_SPACE.setAccessible(true);
      CHUNKS = FileStore.class.getDeclaredField("chunks");
      CHUNKS.setAccessible(true);
      LAYOUT = FileStore.class.getDeclaredField("layout");
      LAYOUT.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static long ownDiskSpace(Page<?, ?> p) {
    try {
      return DISK_SPACE.getInt(p);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids of the file's chunks written after version {@code after} up to {@code upTo}. */
  static java.util.Set<Integer> chunksBetween(FileStore<?> file, long after, long upTo) throws Exception {
    java.util.Set<Integer> out = new java.util.HashSet<>();
    for (Object o : ((Map<?, ?>) CHUNKS.get(file)).values()) {
      org.h2.mvstore.Chunk<?> c = (org.h2.mvstore.Chunk<?>) o;
      if (c.version > after && c.version <= upTo) {
        out.add(c.id);
      }
    }
    return out;
  }

  /** Chunks in H2's chunk table: all, without live data (kept for the retention time), under 10 % live. */
  static String chunkCensus(FileStore<?> file) throws Exception {
    int all = 0, dead = 0, sparse = 0;
    long live = 0, len = 0;
    for (Object o : ((Map<?, ?>) CHUNKS.get(file)).values()) {
      org.h2.mvstore.Chunk<?> c = (org.h2.mvstore.Chunk<?>) o;
      all++;
      live += Math.max(0, c.maxLenLive);
      len += c.maxLen;
      if (c.maxLenLive <= 0) {
        dead++;
      } else if (c.maxLenLive * 10 < c.maxLen) {
        sparse++;
      }
    }
    return all + " chunks (" + dead + " without live data, " + sparse + " under 10 % live; live " + live / 1_000_000
        + " MB of " + len / 1_000_000 + " MB in chunks)";
  }

  static Map<String, String> mapNames(SessionLocal session) {
    Map<String, String> out = new HashMap<>();
    for (Table t : session.getDatabase().getAllTablesAndViews()) {
      if (t.getIndexes() == null) {
        continue;
      }
      for (Index i : t.getIndexes()) {
        if (i instanceof MVIndex<?, ?> mv) {
          String kind = i.getIndexType().isPrimaryKey() || i.getIndexType().isScan() ? "rows/pk" : i.getName();
          out.put(mv.getMVMap().getName(), t.getName().toLowerCase() + " " + kind.toLowerCase());
        }
      }
    }
    return out;
  }

  static long[] compactorThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("veil-h2-compactor"))
        .mapToLong(Thread::threadId).toArray();
  }

  static long cpu(ThreadMXBean mx, long[] ids) {
    long s = 0;
    for (long id : ids) {
      s += Math.max(0, mx.getThreadCpuTime(id));
    }
    return s;
  }

  static void request(Veil veil, JdbcTokenVault vault, AuditLog audit, int id) {
    Scope scope = new Scope("default", "h:" + Long.toHexString(id * 0x9E3779B97F4A7C15L) + "0123456789abcdef0123456789abcdef0123456789abcdef");
    // the vault's batch as PiiInterceptor runs it
    PseudonymizedText p = vault.batched(() -> veil.pseudonymize(scope, prompt(id)));
    veil.restore(scope, p.text());
    TreeMap<EntityType, Integer> counts = new TreeMap<>();
    p.replacements().forEach(r -> counts.merge(r.type(), 1, Integer::sum));
    audit.append(new AuditRecord("default", null, "/v1/chat/completions", "gpt-4o-mini", counts,
        AuditAction.PSEUDONYMIZED, "v1", 200, 12));
  }

  /** The same ~1 KB prompt as the vault A/B's (the launcher finds VaultPageSizeAB.java beside this file). */
  static String prompt(int id) {
    return VaultPageSizeAB.prompt(id);
  }

}
