package io.veil.cli.eval;

/**
 * Counts for one entity type (or all types together). {@code tp} counts gold spans that were found,
 * {@code fn} gold spans that were not, {@code fp} predictions that match no gold span;
 * {@code matchedPredictions} counts predictions that match a gold span (with overlap matching one
 * gold span may be covered by several predictions, so precision is computed from predictions and
 * recall from gold spans). {@code leaked} counts gold spans whose text survives redaction.
 */
public record TypeScore(long tp, long fp, long fn, long matchedPredictions, long gold, long leaked) {
  static final TypeScore ZERO = new TypeScore(0, 0, 0, 0, 0, 0);

  TypeScore plus(TypeScore o) {
    return new TypeScore(tp + o.tp, fp + o.fp, fn + o.fn, matchedPredictions + o.matchedPredictions,
        gold + o.gold, leaked + o.leaked);
  }

  public double precision() {
    long predicted = matchedPredictions + fp;
    return predicted == 0 ? (gold == 0 ? 1.0 : 0.0) : (double) matchedPredictions / predicted;
  }

  public double recall() {
    return gold == 0 ? 1.0 : (double) tp / gold;
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }

  public double leakRate() {
    return gold == 0 ? 0.0 : (double) leaked / gold;
  }
}
