package io.veil.ner.corenlp;

import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Not a test: prints load time (wall and this thread's CPU) and the heap an engine holds after loading, for the
 * figures in docs/notes/corenlp.md. Run one engine per JVM:
 * {@code java -cp ... io.veil.ner.corenlp.LoadProbe ENGINE [KEY=VALUE...]}.
 */
public final class LoadProbe {
  private LoadProbe() {}

  public static void main(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    var threads = ManagementFactory.getThreadMXBean();
    long before = usedAfterGc();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    NerEngine engine = NerEngines.byName(args[0], options);
    engine.analyze("Warm-up: Alice Brown lives in Paris and works at Acme Inc.", "en");
    long wall = System.nanoTime() - t0;
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long after = usedAfterGc();
    System.out.printf("%s: load+first call %.2f s wall, %.2f s CPU (this thread); heap held %d MB%n", args[0],
        wall / 1e9, cpu / 1e9, (after - before) >> 20);
    if (engine.name().isEmpty()) {
      System.out.println();
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
