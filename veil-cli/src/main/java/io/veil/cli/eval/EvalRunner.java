package io.veil.cli.eval;

import io.veil.cli.CliException;
import io.veil.core.Analyzer;
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
    EvalScorer scorer = new EvalScorer(analyzer, mode, types);
    List<DatasetScore> out = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CliException(f + ": no such file");
      }
      List<EvalExample> examples;
      try {
        examples = EvalDatasetReader.read(f);
      } catch (NoSuchFileException e) {
        throw new CliException(f + ": no such file");
      } catch (IOException e) {
        throw new CliException(f + ": cannot read (" + e.getClass().getSimpleName() + ")");
      } catch (EvalDatasetReader.EvalDataException e) {
        throw new CliException(e.getMessage());
      }
      out.add(scorer.score(f.toString(), examples));
    }
    return out;
  }
}
