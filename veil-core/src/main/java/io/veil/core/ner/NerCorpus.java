package io.veil.core.ner;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Readers for the training corpora of {@code shared/data} in their original formats (never the
 * {@code eval.jsonl} copies), each turned into {@link Labelled} texts with character spans of
 * PERSON (0), LOCATION (1) and ORGANIZATION (2). Label mappings follow each folder's SOURCE.md:
 * everything that is not a person, place or organization name is left unlabelled.
 *
 * <p>Token-based corpora are joined with single spaces, as the eval copies are, so a model sees the
 * same kind of text in training and in evaluation.
 */
final class NerCorpus {
  private NerCorpus() {}

  /** A text with its labelled spans; {@code types[i]} indexes {@link ModelFeatures#TYPES}. */
  record Labelled(String id, String text, String lang, int[] starts, int[] ends, int[] types) {}

  /** Maps a source label (without B-/I- prefix) to a type index, or -1. */
  static int type(String label) {
    return switch (label.toLowerCase(Locale.ROOT)) {
      case "per", "person", "nombre_sujeto_asistencia", "nombre_personal_sanitario" -> 0;
      case "loc", "location", "territorio", "pais" -> 1;
      case "org", "corporation", "group", "institucion", "hospital", "centro_salud" -> 2;
      default -> -1;
    };
  }

  /** Collects tokens and IOB tags into one labelled text. */
  static final class Builder {
    private final StringBuilder text = new StringBuilder();
    private final List<int[]> spans = new ArrayList<>();
    private int openStart = -1;
    private int openType = -1;
    private int openEnd = -1;
    int tokens;
    private boolean glueNext;

    /**
     * Adds one token with its IOB1 or IOB2 tag: in both, B- starts an entity, I- continues an open
     * entity of its type or else starts one, O closes.
     */
    void add(String token, String tag) {
      String prefix = tag.length() > 2 && tag.charAt(1) == '-' ? tag.substring(0, 1) : "O";
      int type = prefix.equals("O") ? -1 : type(tag.substring(2));
      if (text.length() > 0 && !glueNext) {
        text.append(' ');
      }
      glueNext = false;
      int start = text.length();
      text.append(token);
      int end = text.length();
      tokens++;
      // both schemes: I- continues an open entity of its type; B- (or an I- of another type) starts one
      boolean continues = type >= 0 && type == openType && prefix.equals("I");
      if (type < 0) {
        close();
      } else if (continues) {
        openEnd = end;
      } else {
        close();
        openStart = start;
        openEnd = end;
        openType = type;
      }
    }

    /** The next token is written without a space before it (a Twitter "@" glued to its handle). */
    void glue() {
      glueNext = true;
    }

    private void close() {
      if (openType >= 0) {
        spans.add(new int[] {openStart, openEnd, openType});
      }
      openType = -1;
    }

    boolean isEmpty() {
      return tokens == 0;
    }

    boolean inEntity() {
      return openType >= 0;
    }

    Labelled build(String id, String lang) {
      close();
      int[] s = new int[spans.size()];
      int[] e = new int[spans.size()];
      int[] t = new int[spans.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = spans.get(i)[0];
        e[i] = spans.get(i)[1];
        t[i] = spans.get(i)[2];
      }
      return new Labelled(id, text.toString(), lang, s, e, t);
    }
  }

  /** CoNLL {@code token TAB tag}, blank line between texts, IOB2 (BTC, WNUT-17). */
  static List<Labelled> conll(Path file, String idPrefix, String lang) throws IOException {
    List<Labelled> out = new ArrayList<>();
    Builder b = new Builder();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          if (!b.isEmpty()) {
            out.add(b.build(idPrefix + out.size(), lang));
            b = new Builder();
          }
          continue;
        }
        int tab = line.lastIndexOf('\t');
        if (tab < 0) {
          tab = line.lastIndexOf(' ');
        }
        if (tab <= 0) {
          continue;
        }
        String token = line.substring(0, tab).strip();
        String tag = line.substring(tab + 1).strip();
        if (token.isEmpty()) {
          continue;
        }
        b.add(token, tag);
        if (token.equals("@")) {
          b.glue();
        }
      }
    }
    if (!b.isEmpty()) {
      out.add(b.build(idPrefix + out.size(), lang));
    }
    return out;
  }

  /** GermEval 2014 TSV: {@code # ...} comment, then {@code index TAB token TAB outer TAB inner}. */
  static List<Labelled> germEval(Path file) throws IOException {
    List<Labelled> out = new ArrayList<>();
    Builder b = new Builder();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        if (line.isBlank()) {
          if (!b.isEmpty()) {
            out.add(b.build("germeval-" + out.size(), "de"));
            b = new Builder();
          }
          continue;
        }
        String[] f = line.split("\t");
        if (f.length < 3) {
          continue;
        }
        String tag = f[2];
        // PERderiv, LOCpart, OTH ...: not names of people, places or organizations
        if (tag.length() > 2 && type(tag.substring(2)) < 0) {
          tag = "O";
        }
        b.add(f[1], tag);
      }
    }
    if (!b.isEmpty()) {
      out.add(b.build("germeval-" + out.size(), "de"));
    }
    return out;
  }

  /**
   * Europeana {@code token SPACE tag} stream, IOB1, no sentence boundaries: cut after . ! ? once a
   * chunk has 5 tokens, or at 60 tokens, never inside an entity (the rule of the eval copy).
   */
  static List<Labelled> europeana(Path file, String lang) throws IOException {
    List<Labelled> out = new ArrayList<>();
    Builder b = new Builder();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        int sp = line.lastIndexOf(' ');
        if (sp <= 0) {
          continue;
        }
        String token = line.substring(0, sp).strip();
        String tag = line.substring(sp + 1).strip();
        if (token.isEmpty()) {
          continue;
        }
        b.add(token, tag);
        boolean stop = !b.inEntity() && (b.tokens >= 60
            || b.tokens >= 5 && (token.equals(".") || token.equals("!") || token.equals("?")));
        if (stop) {
          out.add(b.build("enp-" + lang + "-" + out.size(), lang));
          b = new Builder();
        }
      }
    }
    if (!b.isEmpty()) {
      out.add(b.build("enp-" + lang + "-" + out.size(), lang));
    }
    return out;
  }

  /** BRAT standoff: {@code name.txt} + {@code name.ann} per document (MEDDOCAN), sorted by name. */
  static List<Labelled> brat(Path dir, String lang) throws IOException {
    List<Path> txts;
    try (Stream<Path> s = Files.list(dir)) {
      txts = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
    }
    List<Labelled> out = new ArrayList<>();
    for (Path txt : txts) {
      String name = txt.getFileName().toString();
      String text = Files.readString(txt, StandardCharsets.UTF_8);
      Path ann = txt.resolveSibling(name.substring(0, name.length() - 4) + ".ann");
      List<int[]> spans = new ArrayList<>();
      if (Files.exists(ann)) {
        for (String line : Files.readAllLines(ann, StandardCharsets.UTF_8)) {
          if (!line.startsWith("T")) {
            continue;
          }
          String[] f = line.split("\t");
          if (f.length < 2) {
            continue;
          }
          String[] head = f[1].split(" ");
          if (head.length != 3) {
            continue; // discontinuous spans do not occur in MEDDOCAN
          }
          int type = type(head[0]);
          if (type < 0) {
            continue;
          }
          // BRAT offsets are code points; Java strings index UTF-16 units
          int s = text.offsetByCodePoints(0, Integer.parseInt(head[1]));
          int e = text.offsetByCodePoints(0, Integer.parseInt(head[2]));
          spans.add(new int[] {s, e, type});
        }
      }
      spans.sort((x, y) -> Integer.compare(x[0], y[0]));
      int[] s = spans.stream().mapToInt(a -> a[0]).toArray();
      int[] e = spans.stream().mapToInt(a -> a[1]).toArray();
      int[] t = spans.stream().mapToInt(a -> a[2]).toArray();
      out.add(new Labelled("meddocan-" + name.substring(0, name.length() - 4), text, lang, s, e, t));
    }
    return out;
  }
}
