import java.lang.management.ManagementFactory;
/**
 * Load time and retained heap of the model NER engine (or the engine named, e.g. {@code gazetteer}) in a fresh JVM: wall and CPU time (of this thread) of the first
 * {@code NerEngines.byName("model").analyze(...)} (class loading, lexicon, model file, packing) and heap
 * in use after a full GC, minus the same before loading.
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/LoadNer.java [ENGINE]
 * </pre>
 */
public class LoadNer {
  public static void main(String[] a) throws Exception {
    var mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = mem.getHeapMemoryUsage().getUsed();
    var threads = ManagementFactory.getThreadMXBean();
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    io.veil.core.NerEngine e = io.veil.core.NerEngines.byName(a.length > 0 ? a[0] : "model");
    int n = e.analyze("Dear Maria Lopez, the meeting in Berlin is moved.", null).size();
    long t1 = System.nanoTime();
    long c1 = threads.getCurrentThreadCpuTime();
    System.gc();
    long after = mem.getHeapMemoryUsage().getUsed();
    System.out.printf("load+first analyze %.2f s wall, %.2f s CPU, retained heap %.1f MB (%d findings)%n", (t1 - t0) / 1e9,
        (c1 - c0) / 1e9, (after - before) / 1048576.0, n);
    if (e.hashCode() == 42) System.out.println();
  }
}
