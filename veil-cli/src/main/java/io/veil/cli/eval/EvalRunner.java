package io.veil.cli.eval;

import io.veil.cli.CliException;
import io.veil.core.Analyzer;
import io.veil.core.Recognizer;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads each dataset and scores it. */
public final class EvalRunner {
  private EvalRunner() {}

  /** The name a dataset read from standard input has in messages ({@code --data -}). */
  public static final String STDIN = "<stdin>";

  /** One labelled dataset, read: named by its path as given ({@code -} for standard input). */
  public static final class Dataset {
    private final String name;
    private final List<EvalExample> examples;

    Dataset(String name, List<EvalExample> examples) {
      this.name = name;
      this.examples = List.copyOf(examples);
    }

    public String name() {
      return name;
    }

    List<EvalExample> examples() {
      return examples;
    }

    @Override
    public String toString() {
      return "Dataset[" + name + ", " + examples.size() + " examples]";
    }
  }

  /**
   * @throws CliException for unreadable or malformed data files (message names file and line)
   */
  public static List<DatasetScore> run(Analyzer analyzer, List<Path> files, MatchMode mode, Set<String> types) {
    return run(analyzer, files, mode, types, List.of(TypeGroup.LOCATION_ADDRESS));
  }

  /**
   * Reads every dataset once: a path {@code -} is standard input (at most once: it can be read only once).
   *
   * @throws CliException for unreadable or malformed data (message names file or {@code <stdin>}, and line)
   */
  public static List<Dataset> load(List<Path> files, java.io.InputStream stdin) {
    List<Dataset> out = new ArrayList<>();
    boolean stdinRead = false;
    for (Path f : files) {
      if (f.toString().equals("-")) {
        if (stdinRead) {
          throw new CliException("--data -: standard input can be given only once");
        }
        stdinRead = true;
        out.add(new Dataset("-", readStdin(stdin)));
      } else {
        out.add(new Dataset(f.toString(), read(f)));
      }
    }
    return out;
  }

  /**
   * The same datasets with every example's language removed, so the engine guesses it per text as the gateway does
   * ({@code veil eval --language auto}); names, texts and spans unchanged.
   */
  public static List<Dataset> withoutLanguage(List<Dataset> datasets) {
    List<Dataset> out = new ArrayList<>(datasets.size());
    for (Dataset d : datasets) {
      out.add(new Dataset(d.name(), d.examples().stream()
          .map(e -> new EvalExample(e.id(), e.text(), null, e.spans())).toList()));
    }
    return out;
  }

  /** Scores each dataset, with these type groups scored as extra rows. */
  public static List<DatasetScore> score(Analyzer analyzer, List<Dataset> datasets, MatchMode mode, Set<String> types,
                                         List<TypeGroup> groups) {
    EvalScorer scorer = new EvalScorer(analyzer, mode, types, groups);
    List<DatasetScore> out = new ArrayList<>();
    for (Dataset d : datasets) {
      out.add(scorer.score(d.name(), d.examples()));
    }
    return out;
  }

  /**
   * As {@link #run(Analyzer, List, MatchMode, Set)}, with these type groups scored as extra rows.
   *
   * @throws CliException for unreadable or malformed data files (message names file and line)
   */
  public static List<DatasetScore> run(Analyzer analyzer, List<Path> files, MatchMode mode, Set<String> types,
                                       List<TypeGroup> groups) {
    EvalScorer scorer = new EvalScorer(analyzer, mode, types, groups);
    List<DatasetScore> out = new ArrayList<>();
    for (Path f : files) {
      out.add(scorer.score(f.toString(), read(f)));
    }
    return out;
  }

  /**
   * Throughput of one recognizer alone on one thread over the texts of {@code file}, in UTF-8 bytes per
   * second of wall time: one untimed pass over up to 300 texts to warm up, then one timed pass over all.
   */
  public static double throughput(Recognizer recognizer, Path file) {
    return throughput(recognizer, read(file));
  }

  /** As {@link #throughput(Recognizer, Path)} over a dataset already read. */
  public static double throughput(Recognizer recognizer, Dataset dataset) {
    return throughput(recognizer, dataset.examples());
  }

  private static double throughput(Recognizer recognizer, List<EvalExample> examples) {
    for (int i = 0; i < Math.min(300, examples.size()); i++) {
      recognizer.analyze(examples.get(i).text(), examples.get(i).language());
    }
    long bytes = 0;
    long t0 = System.nanoTime();
    for (EvalExample ex : examples) {
      bytes += recognizer.analyze(ex.text(), ex.language()).size() >= 0 ? ex.text().getBytes(StandardCharsets.UTF_8).length : 0;
    }
    return bytes / Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
  }

  private static List<EvalExample> readStdin(java.io.InputStream stdin) {
    try {
      return EvalDatasetReader.read(STDIN, "stdin", stdin);
    } catch (IOException e) {
      throw new CliException(STDIN + ": cannot read (" + e.getClass().getSimpleName() + ")");
    } catch (EvalDatasetReader.EvalDataException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static List<EvalExample> read(Path f) {
    if (!Files.isRegularFile(f)) {
      throw new CliException(f + ": no such file");
    }
    try {
      return EvalDatasetReader.read(f);
    } catch (NoSuchFileException e) {
      throw new CliException(f + ": no such file");
    } catch (IOException e) {
      throw new CliException(f + ": cannot read (" + e.getClass().getSimpleName() + ")");
    } catch (EvalDatasetReader.EvalDataException e) {
      throw new CliException(e.getMessage());
    }
  }
}
