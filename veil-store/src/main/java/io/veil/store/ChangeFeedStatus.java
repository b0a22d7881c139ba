package io.veil.store;

/**
 * The state of the database's change feed, for health checks and metrics ({@link Database#changeFeedStatus()}).
 *
 * @param shared true on PostgreSQL (several processes may share the database and are told about each
 *     other's consent, settings and erasure changes); false on H2 (one process, nothing to listen to)
 * @param listening true while this process's listener connection is up and subscribed ({@code LISTEN});
 *     always true when not {@code shared}
 * @param trusted true while the per-subject caches may serve what they hold; false while the listener is
 *     down or has not confirmed its connection recently (the caches then read the database every time)
 * @param connections how many times the listener has (re)subscribed since the database was opened (1 after
 *     a clean start; each further one follows a lost connection); 0 when not {@code shared}
 */
public record ChangeFeedStatus(boolean shared, boolean listening, boolean trusted, long connections) {}
