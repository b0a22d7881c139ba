package io.veil.gateway;

import io.veil.gateway.keys.ClientKeyStorage;
import io.veil.store.DataClass;
import io.veil.store.RegulationProfile;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the gateway keeps its governance state (vault, consent, settings, audit chain,
 * privacy requests). Read by {@link ConfigLoader} from the {@code database}, {@code admin},
 * {@code retention} and {@code audit} sections.
 *
 * @param jdbcUrl the database, or null for the embedded H2 file {@code DATA_DIR/veil.mv.db}
 * @param dbUser database user (PostgreSQL), may be null
 * @param dbPassword database password, may be null; never logged ({@link #toString()} hides it)
 * @param adminToken the admin API token, or null to use (or create) {@code DATA_DIR/admin-token}
 * @param profile the regulation profile whose retention defaults apply
 * @param retention overrides of the profile's retention periods
 * @param checkpointEvery sign an audit checkpoint every this many records
 * @param checkpointInterval ... or this long after the last one (also the checkpoint timer)
 * @param purgeInterval how often the background retention purge runs
 * @param subjectStateTtl how long a consent decision or privacy setting read from the database is reused for
 *     the same end user (0: read on every request). This instance's own writes and erasures apply to the next
 *     request regardless. On PostgreSQL a write or erasure by <em>another</em> instance reaches this one's
 *     cache by LISTEN/NOTIFY when it commits (and the cache reads through while the listener is down), so the
 *     TTL is only a last bound; on H2 there is no other instance. 0 to {@value #MAX_SUBJECT_STATE_TTL_MILLIS}
 *     ms; default 2 s ({@link #DEFAULT_SUBJECT_STATE_TTL})
 * @param auditGroupWait the longest an audit group commit waits for the records of other requests in flight
 *     (only while at least 8 of them are): what it may add to a request's
 *     latency under load, traded for fewer commits. 0 to {@value #MAX_AUDIT_GROUP_WAIT_MILLIS} ms, 0 = never
 *     wait; default {@link #DEFAULT_AUDIT_GROUP_WAIT}
 * @param clientKeys where the gateway's client keys live ({@code database.clientKeys}): in this database
 *     (default, on H2 and PostgreSQL: every instance on the database shares them, a revocation applies
 *     everywhere at once) or in {@code DATA_DIR/keys.json} (the former store, for going back)
 * @param sharedRateLimits on PostgreSQL, whether the per-key rate-limit buckets live in the database
 *     ({@code database.rateLimits: database}, the default: a key gets its rate once across all instances, each
 *     decision costs one database transaction, and a database outage refuses rate-limited requests with 503) or
 *     in each instance's memory ({@code memory}: no database work, no refusal while the database is down, but N
 *     instances allow a key up to N times its rate). On H2 the buckets are always in memory.
 */
public record GovernanceConfig(String jdbcUrl, String dbUser, String dbPassword, String adminToken,
    RegulationProfile profile, Map<DataClass, Duration> retention, int checkpointEvery, Duration checkpointInterval,
    Duration purgeInterval, Duration subjectStateTtl, Duration auditGroupWait, ClientKeyStorage clientKeys,
    boolean sharedRateLimits) {

  /** The default of {@link #auditGroupWait()}. */
  public static final Duration DEFAULT_AUDIT_GROUP_WAIT = Duration.ofMillis(5);
  /** The largest {@link #auditGroupWait()}. */
  public static final long MAX_AUDIT_GROUP_WAIT_MILLIS = 50;
  /** The default of {@link #subjectStateTtl()}. */
  public static final Duration DEFAULT_SUBJECT_STATE_TTL = Duration.ofSeconds(2);
  /** The largest {@link #subjectStateTtl()}: a withdrawal on another instance must not go unseen for long. */
  public static final long MAX_SUBJECT_STATE_TTL_MILLIS = 60_000;

  /** Rate limits shared in the database where it is PostgreSQL ({@link #sharedRateLimits()}). */
  public GovernanceConfig(String jdbcUrl, String dbUser, String dbPassword, String adminToken,
      RegulationProfile profile, Map<DataClass, Duration> retention, int checkpointEvery, Duration checkpointInterval,
      Duration purgeInterval, Duration subjectStateTtl, Duration auditGroupWait, ClientKeyStorage clientKeys) {
    this(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery, checkpointInterval,
        purgeInterval, subjectStateTtl, auditGroupWait, clientKeys, true);
  }

  /** Client keys in the database ({@link ClientKeyStorage#DATABASE}). */
  public GovernanceConfig(String jdbcUrl, String dbUser, String dbPassword, String adminToken,
      RegulationProfile profile, Map<DataClass, Duration> retention, int checkpointEvery, Duration checkpointInterval,
      Duration purgeInterval, Duration subjectStateTtl, Duration auditGroupWait) {
    this(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery, checkpointInterval,
        purgeInterval, subjectStateTtl, auditGroupWait, ClientKeyStorage.DATABASE);
  }

  /** With the default {@link #subjectStateTtl()} and {@link #auditGroupWait()}. */
  public GovernanceConfig(String jdbcUrl, String dbUser, String dbPassword, String adminToken,
      RegulationProfile profile, Map<DataClass, Duration> retention, int checkpointEvery, Duration checkpointInterval,
      Duration purgeInterval) {
    this(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery, checkpointInterval,
        purgeInterval, DEFAULT_SUBJECT_STATE_TTL, DEFAULT_AUDIT_GROUP_WAIT);
  }

  public GovernanceConfig {
    Objects.requireNonNull(profile, "profile");
    retention = Map.copyOf(retention);
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(purgeInterval, "purgeInterval");
    if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("database.url must start with jdbc:postgresql: or jdbc:h2:");
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("audit.checkpointEvery must be >= 1");
    }
    if (checkpointInterval.toSeconds() < 1 || purgeInterval.toSeconds() < 1) {
      throw new IllegalArgumentException("audit.checkpointSeconds and retention.purgeMinutes must be positive");
    }
    Objects.requireNonNull(subjectStateTtl, "subjectStateTtl");
    if (subjectStateTtl.isNegative() || subjectStateTtl.toMillis() > MAX_SUBJECT_STATE_TTL_MILLIS) {
      throw new IllegalArgumentException("database.subjectStateCacheMillis must be 0-" + MAX_SUBJECT_STATE_TTL_MILLIS);
    }
    Objects.requireNonNull(auditGroupWait, "auditGroupWait");
    if (auditGroupWait.isNegative() || auditGroupWait.toMillis() > MAX_AUDIT_GROUP_WAIT_MILLIS) {
      throw new IllegalArgumentException("audit.groupWaitMillis must be 0-" + MAX_AUDIT_GROUP_WAIT_MILLIS);
    }
    Objects.requireNonNull(clientKeys, "clientKeys");
  }

  /** Embedded H2 in the data directory, GDPR retention, checkpoints every 1000 records or 5 minutes, hourly purge. */
  public static GovernanceConfig defaults() {
    return new GovernanceConfig(null, null, null, null, RegulationProfile.GDPR, new EnumMap<>(DataClass.class),
        1000, Duration.ofMinutes(5), Duration.ofHours(1));
  }

  public GovernanceConfig withDatabase(String url, String user, String password) {
    return new GovernanceConfig(url, user, password, adminToken, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, subjectStateTtl, auditGroupWait, clientKeys, sharedRateLimits);
  }

  public GovernanceConfig withAdminToken(String token) {
    return new GovernanceConfig(jdbcUrl, dbUser, dbPassword, token, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, subjectStateTtl, auditGroupWait, clientKeys, sharedRateLimits);
  }

  public GovernanceConfig withSubjectStateTtl(Duration ttl) {
    return new GovernanceConfig(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, ttl, auditGroupWait, clientKeys, sharedRateLimits);
  }

  public GovernanceConfig withAuditGroupWait(Duration wait) {
    return new GovernanceConfig(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, subjectStateTtl, wait, clientKeys, sharedRateLimits);
  }

  public GovernanceConfig withClientKeys(ClientKeyStorage storage) {
    return new GovernanceConfig(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, subjectStateTtl, auditGroupWait, storage, sharedRateLimits);
  }

  public GovernanceConfig withSharedRateLimits(boolean shared) {
    return new GovernanceConfig(jdbcUrl, dbUser, dbPassword, adminToken, profile, retention, checkpointEvery,
        checkpointInterval, purgeInterval, subjectStateTtl, auditGroupWait, clientKeys, shared);
  }

  @Override
  public String toString() {
    return "GovernanceConfig[db=" + (jdbcUrl == null ? "h2 (data dir)" : jdbcUrl.replaceAll("\\?.*", "?…"))
        + ", profile=" + profile.wireName() + ", clientKeys=" + clientKeys.wireName()
        + ", rateLimits=" + (sharedRateLimits ? "database" : "memory") + ", adminToken=" + (adminToken == null ? "file" : "<set>") + "]";
  }
}
