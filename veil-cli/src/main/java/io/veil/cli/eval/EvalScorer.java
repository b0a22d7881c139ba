package io.veil.cli.eval;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores an {@link Analyzer} on labelled examples.
 *
 * <p>Rules (documented in the README's accuracy section):
 * <ul>
 *   <li>OTHER gold spans are not counted for recall, and predictions overlapping one are ignored.</li>
 *   <li>Only types labelled somewhere in the dataset are scored (a dataset that labels only names
 *       cannot judge a predicted date); {@code --types} narrows further. A predicted DATE_OF_BIRTH
 *       counts as DATE in datasets that label dates but not dates of birth.</li>
 *   <li>A gold span is found if a prediction of the same type matches it (exactly, or overlapping);
 *       a prediction is a false positive if it matches no gold span of its type.</li>
 *   <li>Leak: a gold span leaks if its text still appears in the redacted output, where every
 *       prediction (of any type) was replaced.</li>
 *   <li>Type groups ({@link TypeGroup}, e.g. LOCATION+ADDRESS) get a row of their own where two or more
 *       of their types are labelled: a gold span of a member type is found if a prediction of any member
 *       type matches it; a prediction of a member type is a false positive if it matches no gold span of
 *       any member type. The micro average is not affected.</li>
 * </ul>
 *
 * <p>Thread safety: stateless; examples are scored in parallel.
 */
public final class EvalScorer {
  private final Analyzer analyzer;
  private final MatchMode match;
  private final Set<String> typeFilter;
  private final List<TypeGroup> groups;

  /** A scorer with the default group {@link TypeGroup#LOCATION_ADDRESS}. */
  public EvalScorer(Analyzer analyzer, MatchMode match, Set<String> typeFilter) {
    this(analyzer, match, typeFilter, List.of(TypeGroup.LOCATION_ADDRESS));
  }

  public EvalScorer(Analyzer analyzer, MatchMode match, Set<String> typeFilter, List<TypeGroup> groups) {
    this.analyzer = analyzer;
    this.match = match;
    this.typeFilter = typeFilter == null || typeFilter.isEmpty() ? null : Set.copyOf(typeFilter);
    this.groups = List.copyOf(new java.util.LinkedHashSet<>(groups));
  }

  DatasetScore score(String name, List<EvalExample> examples) {
    Set<String> labelled = new HashSet<>();
    for (EvalExample ex : examples) {
      for (EvalExample.GoldSpan s : ex.spans()) {
        if (!s.isOther()) {
          labelled.add(s.label());
        }
      }
    }
    if (typeFilter != null) {
      labelled.retainAll(typeFilter);
    }
    boolean dobAsDate = labelled.contains("DATE") && !labelled.contains("DATE_OF_BIRTH");
    Map<String, Set<String>> scoredGroups = new java.util.LinkedHashMap<>();
    for (TypeGroup g : groups) {
      Set<String> in = g.scoredAmong(labelled);
      if (!in.isEmpty()) {
        scoredGroups.put(g.name(), in);
      }
    }
    long bytes = examples.stream().mapToLong(e -> e.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    long t0 = System.nanoTime();
    List<Map<String, TypeScore>> perExample = examples.parallelStream()
        .map(ex -> scoreExample(ex, labelled, dobAsDate, scoredGroups))
        .toList();
    double seconds = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    Map<String, TypeScore> total = new TreeMap<>();
    for (String t : labelled) {
      total.put(t, TypeScore.ZERO);
    }
    Map<String, TypeScore> groupTotal = new java.util.LinkedHashMap<>();
    for (String g : scoredGroups.keySet()) {
      groupTotal.put(g, TypeScore.ZERO);
    }
    TypeScore micro = TypeScore.ZERO;
    for (Map<String, TypeScore> m : perExample) {
      for (Map.Entry<String, TypeScore> e : m.entrySet()) {
        if (scoredGroups.containsKey(e.getKey())) {
          groupTotal.merge(e.getKey(), e.getValue(), TypeScore::plus);
        } else {
          total.merge(e.getKey(), e.getValue(), TypeScore::plus);
          micro = micro.plus(e.getValue());
        }
      }
    }
    return new DatasetScore(name, examples.size(), match, micro, total, groupTotal, bytes / seconds);
  }

  private Map<String, TypeScore> scoreExample(EvalExample ex, Set<String> labelled, boolean dobAsDate,
                                              Map<String, Set<String>> scoredGroups) {
    String text = ex.text();
    List<Finding> all = analyzer.analyze(text, ex.language());
    String redacted = redact(text, all);

    List<EvalExample.GoldSpan> other = new ArrayList<>();
    List<EvalExample.GoldSpan> gold = new ArrayList<>();
    for (EvalExample.GoldSpan s : ex.spans()) {
      if (s.isOther()) {
        other.add(s);
      } else if (labelled.contains(s.label())) {
        gold.add(s);
      }
    }
    List<Finding> preds = new ArrayList<>();
    List<String> predTypes = new ArrayList<>();
    for (Finding f : all) {
      String type = scoringType(f.type(), dobAsDate);
      if (!labelled.contains(type)) {
        continue;
      }
      boolean onOther = false;
      for (EvalExample.GoldSpan o : other) {
        if (o.overlaps(f.start(), f.end())) {
          onOther = true;
          break;
        }
      }
      if (!onOther) {
        preds.add(f);
        predTypes.add(type);
      }
    }

    // each type present in this example is scored as a group of one; type groups score the same way
    Set<String> present = new HashSet<>(predTypes);
    for (EvalExample.GoldSpan g : gold) {
      present.add(g.label());
    }
    Map<String, TypeScore> out = new HashMap<>();
    for (String type : present) {
      out.put(type, score(Set.of(type), text, redacted, gold, preds, predTypes));
    }
    for (Map.Entry<String, Set<String>> group : scoredGroups.entrySet()) {
      out.put(group.getKey(), score(group.getValue(), text, redacted, gold, preds, predTypes));
    }
    return out;
  }

  /**
   * One example's counts for a set of types (one type, or a type group): a prediction of any member type may
   * find a gold span of any member type; a prediction that finds none is a false positive.
   */
  private TypeScore score(Set<String> members, String text, String redacted, List<EvalExample.GoldSpan> gold,
                               List<Finding> preds, List<String> predTypes) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long matchedPreds = 0;
    long goldCount = 0;
    long leaked = 0;
    for (EvalExample.GoldSpan g : gold) {
      if (!members.contains(g.label())) {
        continue;
      }
      goldCount++;
      boolean found = false;
      for (int i = 0; i < preds.size() && !found; i++) {
        found = members.contains(predTypes.get(i)) && matches(g, preds.get(i));
      }
      if (found) {
        tp++;
      } else {
        fn++;
      }
      String value = text.substring(g.start(), g.end()).strip();
      if (!value.isEmpty() && redacted.contains(value)) {
        leaked++;
      }
    }
    for (int i = 0; i < preds.size(); i++) {
      if (!members.contains(predTypes.get(i))) {
        continue;
      }
      boolean matched = false;
      for (EvalExample.GoldSpan g : gold) {
        if (members.contains(g.label()) && matches(g, preds.get(i))) {
          matched = true;
          break;
        }
      }
      if (matched) {
        matchedPreds++;
      } else {
        fp++;
      }
    }
    return new TypeScore(tp, fp, fn, matchedPreds, goldCount, leaked);
  }

  private boolean matches(EvalExample.GoldSpan g, Finding p) {
    return match == MatchMode.EXACT ? g.start() == p.start() && g.end() == p.end() : g.overlaps(p.start(), p.end());
  }

  private static String scoringType(EntityType type, boolean dobAsDate) {
    if (dobAsDate && type.equals(EntityType.DATE_OF_BIRTH)) {
      return EntityType.DATE.name();
    }
    return type.name();
  }

  /** Replaces every finding by {@code <TYPE>}; findings never overlap. */
  static String redact(String text, List<Finding> findings) {
    StringBuilder sb = new StringBuilder(text.length());
    int at = 0;
    for (Finding f : findings) {
      sb.append(text, at, f.start()).append('<').append(f.type().name()).append('>');
      at = f.end();
    }
    return sb.append(text, at, text.length()).toString();
  }
}
