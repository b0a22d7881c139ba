package io.veil.store;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Old against new for {@link SubjectKeyCryptoWork}, interleaved in one JVM so that a shared, loaded machine
 * shifts every variant alike: rounds of {@code block} operations of each variant in turn (the order rotates
 * every round), after a warm-up. Two clocks: this thread's CPU time (the caller's cost: what a request pays
 * on its own thread) and the process's CPU time (everything: GC, JIT included).
 * {@code fresh thread} variants run each operation on a new virtual thread, as the gateway runs each request:
 * Tink keeps a SecureRandom, a Cipher and a Mac per thread, so a new thread sets them up again; their thread
 * CPU is not measurable from here (virtual threads), the process column has it.
 *
 * <p>usage: {@code java -cp ... io.veil.store.SubjectKeyCryptoAB [values=12] [rounds=30] [block=1000]}
 */
public final class SubjectKeyCryptoAB {
  private SubjectKeyCryptoAB() {}

  private record Variant(String name, SubjectKeyCryptoBenchmark.Work work, boolean freshThread) {}

  private static int sink;

  public static void main(String[] args) throws Exception {
    int values = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int block = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    SubjectKeyCryptoWork w = new SubjectKeyCryptoWork(values);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Variant> variants = List.of(
        new Variant("old: new subject + " + values + " values", w::oldNewSubject, false),
        new Variant("new: new subject + " + values + " values", w::newNewSubject, false),
        new Variant("step: generate a key (what a key pool would save)", () -> DataKeys.generate().keyset().size(), false),
        new Variant("step: wrap a key (encrypted keyset)", w::wrapOnly, false),
        new Variant("old: unwrap stored key + open " + values + " values", w::oldReadSubject, false),
        new Variant("new: unwrap stored key + open " + values + " values", w::newReadSubject, false),
        new Variant("fresh thread: nothing", () -> 0, true),
        new Variant("fresh thread: old new subject + values", w::oldNewSubject, true),
        new Variant("fresh thread: new new subject + values", w::newNewSubject, true));
    long[] thread = new long[variants.size()];
    long[] process = new long[variants.size()];
    for (int r = -5; r < rounds; r++) { // 5 warm-up rounds
      for (int k = 0; k < variants.size(); k++) {
        int i = Math.floorMod(k + r, variants.size());
        Variant v = variants.get(i);
        long t0 = mx.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        run(v, block);
        long t = mx.getCurrentThreadCpuTime() - t0;
        long p = os.getProcessCpuTime() - p0;
        if (r >= 0) {
          thread[i] += t;
          process[i] += p;
        }
      }
    }
    double n = (double) rounds * block;
    System.out.printf("%-52s %16s %17s%n", "variant (" + rounds + " rounds x " + block + " ops, " + values + " values)",
        "thread CPU us/op", "process CPU us/op");
    for (int i = 0; i < variants.size(); i++) {
      System.out.printf("%-52s %16s %17.2f%n", variants.get(i).name(),
          variants.get(i).freshThread() ? "-" : String.format("%.2f", thread[i] / n / 1000), process[i] / n / 1000);
    }
    System.out.println(sink == 42 ? "" : "(done)");
  }

  private static void run(Variant v, int n) throws Exception {
    int s = 0;
    for (int i = 0; i < n; i++) {
      if (v.freshThread()) {
        SubjectKeyCryptoBenchmark.onFreshThread(v.work());
      } else {
        s += v.work().run();
      }
    }
    sink += s;
  }
}
