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

  /**
   * @throws CliException for unreadable or malformed data files (message names file and line)
   */
  public static List<DatasetScore> run(Analyzer analyzer, List<Path> files, MatchMode mode, Set<String> types) {
    return run(analyzer, files, mode, types, List.of(TypeGroup.LOCATION_ADDRESS));
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
    List<EvalExample> examples = read(file);
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
