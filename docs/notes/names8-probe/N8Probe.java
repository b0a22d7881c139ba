package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.nio.file.Path;
import java.util.*;

/** Throw-away: PERSON misses on the selection split by category, and on hand-written kinds of prompts. */
public final class N8Probe {
  public static void main(String[] a) throws Exception {
    NerEngine eng = a.length > 1 && !a[1].equals("-") ? ModelNerEngine.load(Path.of(a[1]), ModelNerEngine.Mode.MODEL) : ModelNerEngine.load();
    boolean show = a.length > 2;
    if (a[0].equals("select")) {
      var split = NerModelTrainer.split(Path.of("/work/shared/data"));
      Map<String, int[]> per = new TreeMap<>();
      Map<String, Integer> cats = new TreeMap<>();
      List<String> shown = new ArrayList<>();
      for (var l : split.select()) {
        String set = l.id().replaceAll("[-_0-9].*", "") + "/" + l.lang();
        List<Finding> fs = eng.analyze(l.text(), l.lang());
        int[] c = per.computeIfAbsent(set, k -> new int[5]);
        for (Finding f : fs) if (f.type() == EntityType.PERSON) for (int i = 0; i < l.types().length; i++) if (l.types()[i] == 0 && l.starts()[i] == f.start() && l.ends()[i] == f.end()) c[3]++;
        for (Finding f : fs) if (f.type() == EntityType.PERSON) c[4]++;
        for (int i = 0; i < l.types().length; i++) {
          if (l.types()[i] != 0) continue;
          int s = l.starts()[i], e = l.ends()[i];
          boolean hit = false;
          for (Finding f : fs) if (f.type() == EntityType.PERSON && f.start() < e && s < f.end()) hit = true;
          if (hit) { c[0]++; continue; }
          c[2]++;
          String span = l.text().substring(s, e);
          String cat = category(l.text(), s, e, fs);
          double rs = -1;
          for (Finding f : GazetteerNerEngine.load().analyze(l.text(), l.lang())) if (f.type() == EntityType.PERSON && f.start() < e && s < f.end()) rs = Math.max(rs, f.score());
          if (rs >= 0) cat = cat + " rule" + (rs >= 0.8 ? ">=0.8" : rs >= 0.5 ? ">=0.5" : "<0.5");
          cats.merge(set + " " + cat, 1, Integer::sum);
          if (show) shown.add(set + "\t" + cat + "\t" + span + "\t|" + l.text().substring(Math.max(0, s - 30), s).replace('\n', ' ') + "[" + span + "]" + l.text().substring(e, Math.min(l.text().length(), e + 20)).replace('\n', ' '));
        }
        for (Finding f : fs) {
          if (f.type() != EntityType.PERSON) continue;
          boolean gold = false;
          for (int i = 0; i < l.types().length; i++) if (l.types()[i] == 0 && l.starts()[i] < f.end() && f.start() < l.ends()[i]) gold = true;
          if (!gold) { c[1]++; if (show) shown.add(set + "\tFP\t" + l.text().substring(f.start(), f.end()) + "\t|" + l.text().substring(Math.max(0, f.start() - 30), Math.min(l.text().length(), f.end() + 20)).replace('\n', ' ')); }
        }
      }
      per.forEach((k, c) -> System.out.printf("%-16s tp %4d fp %4d fn %4d  F1 %.4f  exact %4d of %4d found, F1 %.4f%n", k, c[0], c[1], c[2], 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]), c[3], c[4], 2.0 * c[3] / (c[4] + c[0] + c[2])));
      cats.forEach((k, v) -> System.out.println("  " + k + " " + v));
      shown.forEach(System.out::println);
    } else {
      // lines of the probe file: text with names in [[...]]
      int tp = 0, fn = 0, partial = 0;
      String kind = "";
      Map<String, int[]> byKind = new TreeMap<>();
      for (String line0 : java.nio.file.Files.readAllLines(Path.of(a[0]))) {
        if (line0.startsWith("#")) { kind = line0.substring(1); continue; }
        if (line0.isBlank()) continue;
        String line = line0.replace("\\n", "\n");
        StringBuilder t = new StringBuilder(); List<int[]> gold = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
          if (line.startsWith("[[", i)) { int e = line.indexOf("]]", i); int s0 = t.length(); t.append(line, i + 2, e); gold.add(new int[] {s0, t.length()}); i = e + 2; }
          else t.append(line.charAt(i++));
        }
        String text = t.toString();
        List<Finding> fs = eng.analyze(text, "en");
        StringBuilder got = new StringBuilder();
        for (Finding f : fs) got.append(" ").append(f.type().name().charAt(0)).append(":").append(text, f.start(), f.end());
        for (int[] g : gold) {
          int cov = 0;
          for (Finding f : fs) if (f.type() == EntityType.PERSON) cov += Math.max(0, Math.min(f.end(), g[1]) - Math.max(f.start(), g[0]));
          int[] k = byKind.computeIfAbsent(kind, x -> new int[3]);
          if (cov == 0) { fn++; k[2]++; } else if (cov < g[1] - g[0] - 1) { partial++; k[1]++; } else { tp++; k[0]++; }
          if (cov < g[1] - g[0] - 1 && show) System.out.println((cov == 0 ? "MISS " : "PART ") + text.substring(g[0], g[1]) + "\t|" + text + "\t=>" + got);
        }
      }
      byKind.forEach((k, c) -> System.out.printf("%-14s full %3d partial %3d miss %3d%n", k, c[0], c[1], c[2]));
      System.out.printf("full %d partial %d miss %d%n", tp, partial, fn);
    }
  }

  static String category(String text, int s, int e, List<Finding> fs) {
    String span = text.substring(s, e);
    for (Finding f : fs) if (f.start() < e && s < f.end()) return "other-type";
    if (span.startsWith("@")) return "handle";
    if (span.startsWith("#")) return "hashtag";
    if (span.equals(span.toLowerCase(Locale.ROOT))) return "lower";
    if (span.equals(span.toUpperCase(Locale.ROOT)) && span.length() > 2) return "upper";
    int words = span.split("\\s+").length;
    String before = text.substring(Math.max(0, s - 12), s).toLowerCase(Locale.ROOT);
    boolean title = before.matches(".*\\b(mr|mrs|ms|dr|prof|herr|frau|sr|sra|don|mme|m)\\.? $");
    Lexicon lx = GazetteerNerEngine.lexicon();
    int known = 0;
    for (String w : span.split("\\s+")) { int f = lx.lookup(w, 0, w.length()); if (Lexicon.first(f) > 0 || Lexicon.last(f) > 0) known++; }
    return (title ? "title+" : "") + (words > 1 ? "multi" : "single") + (known == 0 ? "-unknown" : known == words ? "-known" : "-partknown");
  }
}
