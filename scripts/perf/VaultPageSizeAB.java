import io.veil.core.Policy;
import io.veil.core.Scope;
import io.veil.core.Veil;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.SubjectKeys;
import io.veil.store.SubjectResolver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-JVM A/B of H2 URL settings for the gateway's vault write path with distinct prompts: two H2 file databases
 * (A: the URL as DatabaseConfig.h2 builds it; B: the same plus SUFFIX), each with its vault, its key directory and
 * H2FileCompactor, written in alternating blocks of BLOCK "requests" by THREADS threads. A request is a new
 * conversation: a ~1 KB prompt with distinct names, e-mails, phones and card numbers pseudonymized inside
 * vault.batched, as PiiInterceptor runs it (detection included, the same on both sides). CPU: the request
 * threads' own CPU time plus each database's compactor thread; the block order alternates so both see the same
 * machine. Prints CPU ms per request per side, the ratio B/A, and the H2 file sizes. SQL, if given, runs on B once
 * after it opened (e.g. to put back an index a migration dropped: docs/notes/h2write.md).
 *
 * <pre>
 * java -cp VEIL_CORE_CLASSES:VEIL_STORE_CLASSES:DEPS scripts/perf/VaultPageSizeAB.java [rounds=20] [block=100] [threads=4] [suffix=;PAGE_SIZE=4096] [sql]
 * </pre>
 */
public class VaultPageSizeAB {
  record Side(String name, Database db, JdbcTokenVault vault, Veil veil, Path dir, long[] compactorIds) {}

  public static void main(String[] a) throws Exception {
    int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 20;
    int block = a.length > 1 ? Integer.parseInt(a[1]) : 100;
    int threads = a.length > 2 ? Integer.parseInt(a[2]) : 4;
    String suffix = a.length > 3 ? a[3] : ";PAGE_SIZE=4096";
    String sqlOnB = a.length > 4 ? a[4] : "";
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Path root = Files.createTempDirectory("vault-ab");
    List<Side> sides = new ArrayList<>();
    for (String name : new String[] {"A", "B"}) {
      Path dir = root.resolve(name);
      DatabaseConfig base = DatabaseConfig.h2(dir);
      DatabaseConfig cfg = name.equals("A") ? base : new DatabaseConfig(base.jdbcUrl() + suffix, base.user(),
          base.password(), base.maxPoolSize(), base.connectTimeout(), Clock.systemUTC());
      Set<Long> before = compactorThreads();
      Database db = Database.open(cfg);
      if (name.equals("B") && !sqlOnB.isBlank()) {
        try (var c = java.sql.DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
            var st = c.createStatement()) {
          st.execute(sqlOnB);
        }
        System.out.println("B: " + sqlOnB);
      }
      Thread.sleep(1500);
      Set<Long> after = compactorThreads();
      after.removeAll(before);
      KeyManager keys = KeyManager.openOrCreate(dir.resolve("keys"));
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, keys), Duration.ofHours(1),
          SubjectResolver.perConversation());
      Veil veil = Veil.builder().analyzer(Policy.defaults().newAnalyzer()).vault(vault).build();
      sides.add(new Side(name, db, vault, veil, dir, after.stream().mapToLong(Long::longValue).toArray()));
      System.out.println(name + ": " + cfg.jdbcUrl().replaceAll(".*;LOCK", ";LOCK") + " compactor threads " + after);
    }
    AtomicInteger seq = new AtomicInteger();
    for (int w = 0; w < 3; w++) { // warm-up
      for (Side s : sides) {
        run(s, block, threads, seq, mx);
      }
    }
    double[] cpu = new double[2];
    long[] n = new long[2];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < 2; k++) {
        int i = (r % 2 == 0) ? k : 1 - k;
        Side s = sides.get(i);
        long c0 = compactorCpu(s, mx);
        long t = run(s, block, threads, seq, mx);
        cpu[i] += t + (compactorCpu(s, mx) - c0);
        n[i] += block;
      }
      if ((r + 1) % 5 == 0) {
        System.out.printf("after %d rounds: A %.3f, B %.3f CPU ms/request, B/A %.3f; load %.1f%n", r + 1,
            cpu[0] / n[0] / 1e6, cpu[1] / n[1] / 1e6, (cpu[1] / n[1]) / (cpu[0] / n[0]),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    }
    for (Side s : sides) {
      long size = Files.size(s.dir().resolve("veil.mv.db"));
      System.out.printf("%s: H2 file %.1f MB after %d requests%n", s.name(), size / 1e6, seq.get() / 2);
      s.db().close();
    }
  }

  static Set<Long> compactorThreads() {
    Set<Long> ids = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("veil-h2-compactor")) {
        ids.add(t.threadId());
      }
    }
    return ids;
  }

  static long compactorCpu(Side s, ThreadMXBean mx) {
    long sum = 0;
    for (long id : s.compactorIds()) {
      long c = mx.getThreadCpuTime(id);
      sum += Math.max(0, c);
    }
    return sum;
  }

  /** Runs {@code block} requests on {@code threads} platform threads; returns their CPU nanoseconds. */
  static long run(Side s, int block, int threads, AtomicInteger seq, ThreadMXBean mx) throws InterruptedException {
    AtomicInteger left = new AtomicInteger(block);
    long[] cpu = new long[threads];
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int me = i;
      ts[i] = new Thread(() -> {
        long c0 = mx.getCurrentThreadCpuTime();
        while (left.getAndDecrement() > 0) {
          int id = seq.incrementAndGet();
          Scope scope = new Scope("default", "conv-" + id + "-" + System.nanoTime());
          s.vault().batched(() -> s.veil().pseudonymize(scope, prompt(id)));
        }
        cpu[me] = mx.getCurrentThreadCpuTime() - c0;
      });
      ts[i].start();
    }
    long sum = 0;
    for (int i = 0; i < threads; i++) {
      ts[i].join();
      sum += cpu[i];
    }
    return sum;
  }

  static final String[] FIRST = {"James", "Maria", "Robert", "Linda", "Michael", "Barbara", "William", "Elizabeth"};
  static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"};

  static String prompt(int id) {
    String f = FIRST[id % FIRST.length];
    String l = LAST[(id / 8) % LAST.length];
    String f2 = FIRST[(id / 64) % FIRST.length];
    return "Hello, my name is " + f + " " + l + " and I live at " + (100 + id % 900) + " Main Street, Springfield. "
        + "Please write a short letter to my landlord " + f2 + " " + LAST[(id / 3) % 8] + " about the heating. "
        + "You can reach me at " + f.toLowerCase() + "." + l.toLowerCase() + id + "@example.com or on +1 415 555 "
        + String.format("%04d", id % 10000) + ". My account number is DE89 3704 0044 0532 0130 00 and my server is at "
        + "10." + (id >> 16 & 255) + "." + (id >> 8 & 255) + "." + (id & 255) + ". Also mention that my colleague "
        + f2 + " " + l + " (" + f2.toLowerCase() + id + "@corp.example.org) will pick up the keys on Monday. "
        + "The contract reference is REF-" + id + " and the deposit was paid with my card. Thanks a lot for helping "
        + "me with this, it has been a long winter and I would like the letter to be polite but firm, mentioning "
        + "that the radiator in the bedroom has not worked since November and that I reported it three times.";
  }
}
