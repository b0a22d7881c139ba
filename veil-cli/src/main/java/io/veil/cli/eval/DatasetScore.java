package io.veil.cli.eval;

import java.util.Map;

/**
 * The score of one analyzer on one dataset; {@code groups} holds the {@link TypeGroup} rows (by group name)
 * of the groups with two or more labelled types in this dataset.
 */
public record DatasetScore(String name, int examples, MatchMode match, TypeScore micro,
                           Map<String, TypeScore> entities, Map<String, TypeScore> groups, double bytesPerSecond) {}
