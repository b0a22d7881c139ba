package io.veil.cli.eval;

import java.util.Map;

/** The score of one analyzer on one dataset. */
public record DatasetScore(String name, int examples, MatchMode match, TypeScore micro,
                           Map<String, TypeScore> entities, double bytesPerSecond) {}
