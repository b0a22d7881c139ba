package io.veil.core.ner;

import io.veil.core.Finding;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Trains the model of {@link ModelNerEngine} from the corpora of {@code shared/data}, deterministically:
 * the same data, options and JDK give the same model file, byte for byte.
 *
 * <p>Data and splits (the original files only; never an {@code eval.jsonl}):
 * <ul>
 *   <li>train: {@code btc/btc.train}, {@code wnut17/wnut17train.conll}, {@code meddocan/brat/train},
 *       GermEval dev sentences with an even index ({@value #GERMEVAL_COPIES} times each), Europeana FR/NL pseudo-sentences with index mod 10 &lt; 8;</li>
 *   <li>selection (picks the epoch): every other text of {@code btc.dev}, {@code emerging.dev.conll},
 *       {@code meddocan/brat/dev}, GermEval sentences with index mod 4 = 1, Europeana index mod 10 = 8;</li>
 *   <li>report (never seen in training or selection): the other halves; their lines of each folder's
 *       {@code eval.jsonl} are copied to {@code heldOutDir} so {@code veil eval} can score them.</li>
 * </ul>
 * Plus {@value #SYNTHETIC} synthetic prompt-style texts, one in four German ({@link SyntheticPrompts},
 * {@link GermanPrompts}:
 * templates written for Veil, Datafaker names from 32 locales and the gazetteers' SSA first names and
 * Census surnames, GeoNames cities, Datafaker companies), seed 7.
 * The Presidio sets are not used at all: they are the English benchmark, and both come from one
 * template generator, so training on either would measure memory instead of generalisation.
 *
 * <p>Learning: averaged structured perceptron (Collins 2002) over {@link ModelFeatures}, first-order
 * Viterbi with the BIO constraint, texts shuffled each epoch by {@code java.util.Random(seed)}, one
 * thread. The averaged weights of the epoch with the best span F1 on the selection part are kept and
 * quantized to 8 bits ({@link SequenceModel#quantize}). With several seeds, one model is trained per seed (each keeps its own best
 * epoch) and their weights are averaged element by element before quantization: the shuffle order alone
 * moves single models' scores by up to 0.015, and the average removes that lottery instead of picking
 * a winner.
 *
 * <p>Not thread-safe; run one training at a time. Memory: about 150 MB for the shared data.
 */
public final class NerModelTrainer {

  /**
   * @param epochs passes over the training data (the best one on the selection part is kept)
   * @param bits log2 of the number of hashed feature buckets (model size = 2^bits * 7 bytes before gzip)
   * @param seeds shuffling seeds, 1 to {@value #MAX_SEEDS}, no repeats: one model is trained per seed and
   *     their weights are averaged (one seed: that seed's model)
   */
  public record Options(int epochs, int bits, List<Long> seeds) {
    /** The most seeds one training averages (each costs one full training run). */
    public static final int MAX_SEEDS = 8;

    public Options {
      if (epochs < 1 || epochs > 100 || bits < 10 || bits > 24) {
        throw new IllegalArgumentException("epochs must be 1-100 and bits 10-24");
      }
      seeds = List.copyOf(seeds);
      if (seeds.isEmpty() || seeds.size() > MAX_SEEDS || new HashSet<>(seeds).size() != seeds.size()) {
        throw new IllegalArgumentException("give 1-" + MAX_SEEDS + " different seeds");
      }
    }

    /** One seed. */
    public Options(int epochs, int bits, long seed) {
      this(epochs, bits, List.of(seed));
    }

    public static Options defaults() {
      return new Options(15, 18, 20261126L);
    }
  }

  /** What a training run did. */
  /**
   * What a training run did.
   *
   * @param bestEpochs the epoch kept per seed, in the order of {@link Options#seeds()}
   * @param selectF1 span F1 on the selection part of the model written (its 8-bit weights; the average, with
   *     several seeds)
   */
  public record Result(Path model, String sha256, long bytes, int trainTexts, long trainTokens, int selectTexts,
                       List<Integer> bestEpochs, double selectF1, List<String> heldOutFiles) {}

  private final Options options;
  private final Consumer<String> log;

  public NerModelTrainer(Options options, Consumer<String> log) {
    this.options = options;
    this.log = log;
  }

  /** One text ready for learning: features and gold tags per token, in decoding windows. */
  record Example(int[] feats, int[] gold) {}

  /** The three parts of the data. */
  record Split(List<NerCorpus.Labelled> train, List<NerCorpus.Labelled> select, List<NerCorpus.Labelled> report) {}

  /**
   * Reads the corpora under {@code dataDir} (the layout of {@code shared/data}), trains, writes the
   * model to {@code modelOut} (atomically) and, if {@code heldOutDir} is not null, the report parts
   * as {@code <folder>-heldout.jsonl}.
   *
   * @throws IOException if a corpus file is missing or unreadable
   */
  public Result train(Path dataDir, Path modelOut, Path heldOutDir) throws IOException {
    Split split = split(dataDir);
    log.accept("texts: train " + split.train().size() + ", selection " + split.select().size()
        + ", report " + split.report().size());
    SequenceModel model = train(split.train(), split.select());
    Path tmp = modelOut.resolveSibling(modelOut.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      model.write(out);
    }
    Files.move(tmp, modelOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    byte[] bytes = Files.readAllBytes(modelOut);
    List<String> heldOut = heldOutDir == null ? List.of() : writeHeldOut(dataDir, split.report(), heldOutDir);
    long tokens = 0;
    for (NerCorpus.Labelled l : split.train()) {
      tokens += new ModelTokens(l.text()).size;
    }
    return new Result(modelOut, sha256(bytes), bytes.length, split.train().size(), tokens, split.select().size(),
        List.copyOf(bestEpochs), bestF1, heldOut);
  }

  /**
   * Synthetic prompt-style texts added to the training part ({@link SyntheticPrompts}); one in
   * {@value SyntheticPrompts#GERMAN_SHARE} is German, so about 12,750 are English (16,000 at one in five before).
   */
  static final int SYNTHETIC = 17000;

  /**
   * How many times each GermEval training sentence is added to the training part. German news has only the
   * 1,100 sentences of half the GermEval dev split here (the 24k-sentence train split is not in shared/data),
   * against some 14,000 English tweets; the same texts twice weigh German news up without new data.
   */
  static final int GERMEVAL_COPIES = 2;

  static Split split(Path data) throws IOException {
    List<NerCorpus.Labelled> train = new ArrayList<>();
    List<NerCorpus.Labelled> select = new ArrayList<>();
    List<NerCorpus.Labelled> report = new ArrayList<>();
    train.addAll(SyntheticPrompts.generate(SYNTHETIC, 7L, data.resolve("gazetteers/world_cities/world-cities.csv"),
        SyntheticPrompts.NameLists.read(data.resolve("gazetteers"))));
    train.addAll(NerCorpus.conll(data.resolve("btc/btc.train"), "btc-train-", "en"));
    halves(NerCorpus.conll(data.resolve("btc/btc.dev"), "btc-dev-", "en"), select, report);
    train.addAll(NerCorpus.conll(data.resolve("wnut17/wnut17train.conll"), "wnut17-train-", "en"));
    halves(NerCorpus.conll(data.resolve("wnut17/emerging.dev.conll"), "wnut17-dev-", "en"), select, report);
    train.addAll(NerCorpus.brat(data.resolve("meddocan/brat/train"), "es"));
    halves(NerCorpus.brat(data.resolve("meddocan/brat/dev"), "es"), select, report);
    List<NerCorpus.Labelled> germ = NerCorpus.germEval(data.resolve("germeval2014/NER-de-dev.tsv"));
    for (int i = 0; i < germ.size(); i++) {
      if (i % 2 == 0) {
        for (int copy = 0; copy < GERMEVAL_COPIES; copy++) {
          train.add(germ.get(i));
        }
      } else {
        (i % 4 == 1 ? select : report).add(germ.get(i));
      }
    }
    for (String[] f : new String[][] {{"enp_FR.bnf.bio", "fr"}, {"enp_NL.kb.bio", "nl"}}) {
      List<NerCorpus.Labelled> enp = NerCorpus.europeana(data.resolve("europeana_fr_nl").resolve(f[0]), f[1]);
      for (int i = 0; i < enp.size(); i++) {
        (i % 10 < 8 ? train : i % 10 == 8 ? select : report).add(enp.get(i));
      }
    }
    return new Split(train, select, report);
  }

  private static void halves(List<NerCorpus.Labelled> dev, List<NerCorpus.Labelled> select,
      List<NerCorpus.Labelled> report) {
    for (int i = 0; i < dev.size(); i++) {
      (i % 2 == 0 ? select : report).add(dev.get(i));
    }
  }

  private double bestF1 = -1;
  private final List<Integer> bestEpochs = new ArrayList<>();

  /**
   * Trains on {@code train}, per seed keeping the epoch that does best on {@code select}; with several seeds
   * the kept weights are averaged.
   */
  SequenceModel train(List<NerCorpus.Labelled> train, List<NerCorpus.Labelled> select) {
    int bits = options.bits();
    List<Example> trainEx = examples(train, bits);
    List<Example> selectEx = examples(select, bits);
    log.accept("windows: train " + trainEx.size() + ", selection " + selectEx.size());
    bestEpochs.clear();
    float[][] kept = null;
    List<Long> seeds = options.seeds();
    for (long seed : seeds) {
      if (seeds.size() > 1) {
        log.accept("seed " + seed);
      }
      float[][] one = trainOne(trainEx, selectEx, seed);
      if (kept == null) {
        kept = one;
      } else {
        for (int a = 0; a < kept.length; a++) {
          for (int i = 0; i < kept[a].length; i++) {
            kept[a][i] += one[a][i];
          }
        }
      }
    }
    if (seeds.size() > 1) {
      for (float[] arr : kept) {
        for (int i = 0; i < arr.length; i++) {
          arr[i] /= seeds.size();
        }
      }
      bestF1 = f1(kept[0], kept[1], selectEx, new float[ModelNerEngine.MAX_WINDOW * SequenceModel.TAGS]);
      log.accept(String.format(java.util.Locale.ROOT, "average of %d seeds: selection span F1 %.4f",
          seeds.size(), bestF1));
    }
    SequenceModel model = SequenceModel.quantize(bits, kept[0], kept[1]);
    float[] stored = new float[model.weights.length];
    for (int i = 0; i < stored.length; i++) {
      stored[i] = model.weight(i);
    }
    bestF1 = f1(stored, model.transitions, selectEx, new float[ModelNerEngine.MAX_WINDOW * SequenceModel.TAGS]);
    log.accept(String.format(java.util.Locale.ROOT, "as stored (8-bit weights): selection span F1 %.4f", bestF1));
    return model;
  }

  /** One seed's training: the averaged weights of its best epoch on the selection part. */
  private float[][] trainOne(List<Example> trainEx, List<Example> selectEx, long seed) {
    int bits = options.bits();
    int tagCount = SequenceModel.TAGS;
    double seedBestF1 = -1;
    int seedBestEpoch = 0;
    float[] w = new float[(1 << bits) * tagCount];
    double[] acc = new double[w.length];
    float[] tw = new float[(tagCount + 1) * tagCount];
    double[] tacc = new double[tw.length];
    float[] best = null;
    float[] bestT = null;
    int[] order = new int[trainEx.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    double c = 1;
    float[] emissions = new float[ModelNerEngine.MAX_WINDOW * tagCount];
    int per = ModelFeatures.PER_TOKEN;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      long errors = 0;
      for (int idx : order) {
        Example ex = trainEx.get(idx);
        int n = ex.gold().length;
        int[] pred = decode(w, tw, ex.feats(), n, emissions);
        boolean same = true;
        for (int t = 0; t < n && same; t++) {
          same = pred[t] == ex.gold()[t];
        }
        if (!same) {
          errors++;
          for (int t = 0; t < n; t++) {
            int g = ex.gold()[t];
            int p = pred[t];
            if (g != p) {
              for (int k = 0; k < per; k++) {
                int at = ex.feats()[t * per + k] * tagCount;
                w[at + g] += 1;
                acc[at + g] += c;
                w[at + p] -= 1;
                acc[at + p] -= c;
              }
            }
            int gp = t == 0 ? tagCount : ex.gold()[t - 1];
            int pp = t == 0 ? tagCount : pred[t - 1];
            if (gp != pp || g != p) {
              tw[gp * tagCount + g] += 1;
              tacc[gp * tagCount + g] += c;
              tw[pp * tagCount + p] -= 1;
              tacc[pp * tagCount + p] -= c;
            }
          }
        }
        c++;
      }
      float[] avg = average(w, acc, c);
      float[] avgT = average(tw, tacc, c);
      double f1 = f1(avg, avgT, selectEx, emissions);
      log.accept(String.format(java.util.Locale.ROOT, "epoch %d: %d of %d windows wrong; selection span F1 %.4f",
          epoch, errors, order.length, f1));
      if (f1 > seedBestF1) {
        seedBestF1 = f1;
        seedBestEpoch = epoch;
        best = avg;
        bestT = avgT;
      }
    }
    log.accept("kept epoch " + seedBestEpoch);
    bestEpochs.add(seedBestEpoch);
    bestF1 = seedBestF1;
    return new float[][] {best, bestT};
  }

  private static float[] average(float[] w, double[] acc, double c) {
    float[] out = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = (float) (w[i] - acc[i] / c);
    }
    return out;
  }

  static int[] decode(float[] w, float[] tw, int[] feats, int n, float[] emissions) {
    int tagCount = SequenceModel.TAGS;
    int per = ModelFeatures.PER_TOKEN;
    for (int t = 0; t < n; t++) {
      for (int y = 0; y < tagCount; y++) {
        emissions[t * tagCount + y] = 0;
      }
      for (int k = 0; k < per; k++) {
        int at = feats[t * per + k] * tagCount;
        for (int y = 0; y < tagCount; y++) {
          emissions[t * tagCount + y] += w[at + y];
        }
      }
    }
    return SequenceModel.viterbi(emissions, n, tw);
  }

  /** Exact-span micro F1 over all types. */
  private static double f1(float[] w, float[] tw, List<Example> examples, float[] emissions) {
    long tp = 0;
    long predicted = 0;
    long gold = 0;
    for (Example ex : examples) {
      int[] pred = decode(w, tw, ex.feats(), ex.gold().length, emissions);
      Set<Long> g = spans(ex.gold());
      Set<Long> p = spans(pred);
      gold += g.size();
      predicted += p.size();
      for (Long s : p) {
        if (g.contains(s)) {
          tp++;
        }
      }
    }
    return tp == 0 ? 0 : 2.0 * tp / (predicted + gold);
  }

  private static Set<Long> spans(int[] tags) {
    Set<Long> out = new HashSet<>();
    int t = 0;
    while (t < tags.length) {
      if (tags[t] == 0) {
        t++;
        continue;
      }
      int type = (tags[t] - 1) / 2;
      int end = t + 1;
      while (end < tags.length && tags[end] == 2 + 2 * type) {
        end++;
      }
      out.add(((long) t << 32) | ((long) end << 4) | type);
      t = end;
    }
    return out;
  }

  /** Features and gold tags of each decoding window of each text. */
  static List<Example> examples(List<NerCorpus.Labelled> texts, int bits) {
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    List<Example> out = new ArrayList<>();
    for (NerCorpus.Labelled l : texts) {
      ModelTokens tk = new ModelTokens(l.text());
      if (tk.size == 0) {
        continue;
      }
      List<Finding> rules = GazetteerNerEngine.rules(l.text(), l.lang());
      ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, lexicon, rules, l.lang());
      int[] gold = goldTags(tk, l);
      int from = 0;
      while (from < tk.size) {
        int to = ModelNerEngine.windowEnd(tk, from);
        int[] feats = new int[(to - from) * ModelFeatures.PER_TOKEN];
        ModelFeatures.extract(facts, from, to, bits, feats);
        int[] g = java.util.Arrays.copyOfRange(gold, from, to);
        if (g.length > 0 && g[0] % 2 == 0 && g[0] != 0) {
          g[0] -= 1; // a window never starts inside an entity
        }
        out.add(new Example(feats, g));
        from = to;
      }
    }
    return out;
  }

  /** BIO tags of the tokens: a token overlapping a span is inside it; the first such token begins it. */
  static int[] goldTags(ModelTokens tk, NerCorpus.Labelled l) {
    int[] tags = new int[tk.size];
    int t = 0;
    for (int s = 0; s < l.starts().length; s++) {
      while (t > 0 && tk.ends[t - 1] > l.starts()[s]) {
        t--;
      }
      while (t < tk.size && tk.ends[t] <= l.starts()[s]) {
        t++;
      }
      boolean begin = true;
      for (int u = t; u < tk.size && tk.starts[u] < l.ends()[s]; u++) {
        if (tags[u] == 0) {
          tags[u] = 1 + 2 * l.types()[s] + (begin ? 0 : 1);
        }
        begin = false;
      }
    }
    return tags;
  }

  /**
   * Copies the lines of each folder's eval.jsonl whose text is a report-part text: the held-out
   * evaluation files (the eval copies keep their OTHER spans, which the scorer needs).
   */
  private List<String> writeHeldOut(Path data, List<NerCorpus.Labelled> report, Path dir) throws IOException {
    Files.createDirectories(dir);
    Set<String> texts = new HashSet<>();
    for (NerCorpus.Labelled l : report) {
      texts.add(l.text());
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> files = new ArrayList<>();
    for (String folder : List.of("btc", "wnut17", "meddocan", "germeval2014", "europeana_fr_nl")) {
      Path out = dir.resolve(folder + "-heldout.jsonl");
      int lines = 0;
      try (BufferedReader r = Files.newBufferedReader(data.resolve(folder).resolve("eval.jsonl"), StandardCharsets.UTF_8);
           BufferedWriter wr = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          String text = json.readTree(line).path("text").asText();
          if (texts.contains(text)) {
            wr.write(line);
            wr.write('\n');
            lines++;
          }
        }
      }
      log.accept("held-out " + out + ": " + lines + " texts");
      files.add(out.toString());
    }
    return files;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
