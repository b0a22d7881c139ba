package io.veil.cli;

import io.veil.core.ner.NerModelTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil ner}: the trained NER model. */
@Command(
    name = "ner",
    mixinStandardHelpOptions = true,
    description = "The trained NER model of the 'model' engine.",
    subcommands = {NerCommand.Train.class})
public final class NerCommand extends CommandGroup {
  /** {@code veil ner train}: rebuilds the model from the shared data, deterministically. */
  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = "Trains the NER model (averaged structured perceptron, one thread) from the corpora of a"
          + " shared/data folder, in their original formats: the BTC, WNUT-17 and MEDDOCAN train splits, half of"
          + " GermEval dev, 80%% of Europeana FR/NL, plus synthetic prompt-style texts. Dev parts pick the epoch;"
          + " the rest is held out and, with --held-out, written as eval files. Same data, options and JDK give"
          + " the same bytes. See veil-core/src/main/resources/io/veil/core/ner/TRAINING.md.")
  static final class Train implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The shared/data folder.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model (.bin.gz).")
    Path out;

    @Option(names = "--held-out", paramLabel = "DIR",
        description = "Write the held-out parts here as <folder>-heldout.jsonl, for veil eval.")
    Path heldOut;

    @Option(names = "--epochs", defaultValue = "15", description = "Passes over the data (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--bits", defaultValue = "18", description = "log2 of the hashed feature buckets (default ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--seed", defaultValue = "20261126", split = ",", paramLabel = "SEED[,SEED...]",
        description = "Shuffling seed (default ${DEFAULT-VALUE}). Several seeds (comma-separated, up to 8) train one "
            + "model each and average their weights into the model written.")
    List<Long> seeds;

    @Override
    public Integer call() {
      if (!Files.isDirectory(data)) {
        throw new CliException(data + ": not a directory");
      }
      NerModelTrainer.Options options;
      try {
        options = new NerModelTrainer.Options(epochs, bits, seeds);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter outw = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      NerModelTrainer.Result r;
      try {
        r = new NerModelTrainer(options, line -> {
          err.printf("[%4.0f s] %s%n", (System.nanoTime() - t0) / 1e9, line);
          err.flush();
        }).train(data, out, heldOut);
      } catch (IOException e) {
        throw new CliException("cannot train: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()));
      }
      outw.printf("model %s: %d bytes, sha256 %s%n", r.model(), r.bytes(), r.sha256());
      outw.printf("trained on %d texts (%d tokens); %s %s kept (selection span F1 %.4f on %d texts)%n",
          r.trainTexts(), r.trainTokens(), r.bestEpochs().size() == 1 ? "epoch" : "epochs",
          r.bestEpochs().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")),
          r.selectF1(), r.selectTexts());
      for (String f : r.heldOutFiles()) {
        outw.println("held-out: " + f);
      }
      outw.flush();
      return 0;
    }
  }
}
