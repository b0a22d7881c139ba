package io.veil.gateway;

import io.veil.store.AuditAction;
import io.veil.store.AuditLog;
import io.veil.store.AuditRecord;
import io.veil.store.AuditVerifier;
import io.veil.store.ClientKeyTable;
import io.veil.store.ConsentStore;
import io.veil.store.DataClass;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.Pseudonym;
import io.veil.store.PrivacyRequestStore;
import io.veil.store.PrivacySettingsStore;
import io.veil.store.RetentionPolicy;
import io.veil.store.RetentionPurger;
import io.veil.store.StoreException;
import io.veil.store.Subject;
import io.veil.store.SubjectEraser;
import io.veil.store.SubjectExporter;
import io.veil.store.SubjectKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's governance state, opened once per process: the database (H2 file in the data
 * directory, or PostgreSQL), the key manager, the persistent vault, the audit log, consent,
 * settings, privacy requests and retention; plus the background checkpoint and purge timers
 * ({@link #startTimers()}).
 *
 * <p>The vault's values are owned by the end user of the request being processed: the gateway
 * binds the identified subject to the request's thread with {@link #bindSubject} while the request is
 * pseudonymized; without one, each conversation is its own subject.
 *
 * <p>Thread safety: thread-safe. Failure: opening throws {@link StoreException}; the components fail
 * with {@link io.veil.store.StoreUnavailableException} when the database goes away, which the gateway
 * turns into 503 (fail closed).
 *
 * <p><b>Security:</b> the key files live in {@code DATA_DIR/keys} (0600) unless
 * {@code VEIL_MASTER_KEYSET}/{@code VEIL_SIGNING_KEYSET} are set.
 */
public final class Governance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Governance.class);
  private static final ThreadLocal<Subject> CURRENT_SUBJECT = new ThreadLocal<>();
  /** The name of the gateway secret's verifier in the database. */
  private static final String GATEWAY_SECRET_CHECK = "gateway-secret";

  private final GovernanceConfig config;
  private final Database db;
  private final KeyManager keyManager;
  private final SubjectKeys subjectKeys;
  private final RetentionPolicy retention;
  private final JdbcTokenVault vault;
  private final AuditLog audit;
  private final ConsentStore consent;
  private final PrivacySettingsStore settings;
  private final PrivacyRequestStore requests;
  private final ClientKeyTable clientKeys;
  private ScheduledExecutorService timers;
  private final java.util.List<java.util.function.Consumer<io.veil.store.Pseudonym>> erasureListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong subjectKeysPurged = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong retentionRowsPurged = new java.util.concurrent.atomic.AtomicLong();

  /** Where an audited admin or privacy action came from: the value of the record's policy-version field. */
  public enum ActionSource {
    /** The gateway's admin or privacy HTTP API. */
    API("privacy-api"),
    /** The {@code veil} command acting on the store directly (gateway stopped, or PostgreSQL). */
    CLI("cli"),
    /** A Global Privacy Control signal ({@code Sec-GPC: 1}) on an identified user's request under CCPA. */
    GPC("gpc");

    private final String recorded;

    ActionSource(String recorded) {
      this.recorded = recorded;
    }

    /** The value written into the audit record. */
    public String recorded() {
      return recorded;
    }
  }

  private Governance(GovernanceConfig config, Database db, KeyManager keyManager) {
    this.config = config;
    this.db = db;
    this.keyManager = keyManager;
    this.subjectKeys = new SubjectKeys(db, keyManager);
    RetentionPolicy r = RetentionPolicy.defaults(config.profile());
    for (Map.Entry<DataClass, Duration> e : config.retention().entrySet()) {
      r = r.with(e.getKey(), e.getValue());
    }
    this.retention = r;
    this.vault = new JdbcTokenVault(db, subjectKeys, retention.periodOf(DataClass.VAULT_ENTRIES), scope -> {
      Subject s = CURRENT_SUBJECT.get();
      return s != null && s.tenant().equals(scope.tenant()) ? s
          : new Subject(scope.tenant(), "conversation:" + scope.conversation());
    });
    this.audit = new AuditLog(db, keyManager, config.checkpointEvery(), config.checkpointInterval());
    // consent and settings are read on every identified request: cached per subject for up to
    // config.subjectStateTtl() (0 turns the cache off), invalidated at once by this process's own writes and
    // erasures and, on PostgreSQL, by the NOTIFY of every write or erasure another instance commits; while
    // this instance's change listener is down the caches read through (Database.changeFeedStatus())
    this.consent = new ConsentStore(db, subjectKeys, config.subjectStateTtl());
    this.settings = new PrivacySettingsStore(db, subjectKeys, config.subjectStateTtl());
    this.requests = new PrivacyRequestStore(db, subjectKeys);
    // client keys are looked up on every request: cached per secret hash for the same bound, emptied at once
    // by this process's key changes and, on PostgreSQL, by the NOTIFY of another instance's (see ClientKeyTable)
    this.clientKeys = new ClientKeyTable(db, config.subjectStateTtl());
  }

  /**
   * The public half of the signing keyset that {@link #open} loads for this data directory and environment, read
   * only (nothing is created, no database is opened): for checking what a running gateway signed against the keys
   * on this side.
   *
   * @return empty when no signing keyset exists there yet
   * @throws StoreException if it exists but cannot be read (see {@link KeyManager#existingSigningPublicKeyset})
   */
  public static java.util.Optional<String> signingPublicKeyset(Path dataDir, Map<String, String> env) {
    return KeyManager.existingSigningPublicKeyset(dataDir.resolve("keys"),
        keysFromEnvironment(env) ? java.util.Objects.requireNonNullElse(env.get(KeyManager.SIGNING_ENV), "") : null);
  }

  /** Whether {@link #open} takes the keysets from the environment rather than from {@code dataDir/keys}. */
  private static boolean keysFromEnvironment(Map<String, String> env) {
    return env.get(KeyManager.MASTER_ENV) != null && !env.get(KeyManager.MASTER_ENV).isBlank();
  }

  /**
   * Opens the database named by the configuration (the H2 file {@code dataDir/veil} by default) and
   * the keys ({@code VEIL_MASTER_KEYSET}/{@code VEIL_SIGNING_KEYSET} from {@code env} when set, else
   * {@code dataDir/keys}).
   *
   * @throws StoreException if the database cannot be opened, or if the master keyset does not unwrap the
   *     database's keys (instances sharing a database must load the same keysets): the start is refused
   */
  public static Governance open(GovernanceConfig config, Path dataDir, Map<String, String> env) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(dataDir, "dataDir");
    KeyManager km = keysFromEnvironment(env) ? KeyManager.fromEnvironment(env) : KeyManager.openOrCreate(dataDir.resolve("keys"));
    DatabaseConfig dbc = config.jdbcUrl() == null ? DatabaseConfig.h2(dataDir)
        : config.jdbcUrl().startsWith("jdbc:h2:")
            ? new DatabaseConfig(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 10, Duration.ofSeconds(10),
                java.time.Clock.systemUTC())
            : DatabaseConfig.postgres(config.jdbcUrl(), config.dbUser(), config.dbPassword());
    // a request must not wait 10 s for a dead database: fail fast, answer 503
    dbc = dbc.withPool(dbc.maxPoolSize(), Duration.ofSeconds(3));
    Governance g = new Governance(config, Database.open(dbc), km);
    try {
      g.subjectKeys.requireMasterKeysetOfDatabase(); // a wrong keyset stops the start, not every later request
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
    return g;
  }

  /**
   * Checks that the gateway secret ({@code secret}, opened from {@code source}: the environment's, or
   * {@code dataDir/gateway-secret}; {@code source} names it in the error) is the secret of every other instance on this database: the first instance records a verifier of it
   * (a one-way value, never the secret), every later start compares. {@link Gateway#start} calls it; an instance
   * with another secret would otherwise start and split every conversation that uses the fallback scope, send
   * other {@code user} hashes upstream and refuse the others' privacy links.
   *
   * @throws StoreException if the secret differs (the message names the file or the variable, never a value; the
   *     start is refused) or the check cannot be made
   */
  void requireGatewaySecret(GatewaySecretSource source, GatewaySecret secret, Path dataDir) {
    try {
      io.veil.store.SharedSecretCheck.requireSame(db, GATEWAY_SECRET_CHECK, secret.verifier());
    } catch (io.veil.store.SharedSecretCheck.Mismatch e) {
      throw new StoreException("the gateway secret " + source.describe(dataDir)
          + " is not the one this database's instances use: every instance on one database needs the same"
          + (source.inDataDirectory() ? " gateway-secret file (copy it from another instance)"
              : " gateway secret (give this instance the others' value)")
          + "; to replace it for all of them on purpose, stop them all and start one with veil serve"
          + " --adopt-gateway-secret", e);
    }
  }

  /**
   * Rotation of the gateway secret: records {@code dataDir/gateway-secret} (created if missing) as the one every
   * instance on this database must use from now on. Instances holding the previous secret then refuse to start
   * until they are given this file. What changes with the secret: privacy links issued before stop working,
   * conversations that rely on the fallback scope (no {@code X-Veil-Conversation}) start new scopes, and the
   * {@code user} hashes sent upstream change. An explicit operator action ({@code veil serve
   * --adopt-gateway-secret}), never done on a mismatch by itself.
   *
   * @return true if the database held another verifier (the secret was really replaced)
   */
  public boolean adoptGatewaySecret(Path dataDir) {
    return adoptGatewaySecret(GatewaySecretSource.dataDirectory(), dataDir);
  }

  /**
   * {@link #adoptGatewaySecret(Path)} for the secret of {@code source}: the environment's
   * ({@code VEIL_GATEWAY_SECRET[_FILE]}) when one is set, else the data directory's file.
   */
  public boolean adoptGatewaySecret(GatewaySecretSource source, Path dataDir) {
    byte[] verifier = source.open(dataDir).verifier();
    try {
      io.veil.store.SharedSecretCheck.requireSame(db, GATEWAY_SECRET_CHECK, verifier);
      return false;
    } catch (io.veil.store.SharedSecretCheck.Mismatch e) {
      io.veil.store.SharedSecretCheck.replace(db, GATEWAY_SECRET_CHECK, verifier);
      return true;
    }
  }

  /** Starts the audit checkpoint timer and the retention purge (daemon threads). Idempotent. */
  public synchronized Governance startTimers() {
    if (timers != null) {
      return this;
    }
    timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-governance-timer");
      t.setDaemon(true);
      return t;
    });
    long cp = config.checkpointInterval().toMillis();
    timers.scheduleWithFixedDelay(this::checkpointQuietly, cp, cp, TimeUnit.MILLISECONDS);
    long purge = config.purgeInterval().toMillis();
    timers.scheduleWithFixedDelay(this::purgeQuietly, Math.min(purge, 60_000), purge, TimeUnit.MILLISECONDS);
    return this;
  }

  private void checkpointQuietly() {
    try {
      audit.checkpoint();
    } catch (RuntimeException e) {
      LOG.warn("audit checkpoint failed: {}", e.getClass().getSimpleName());
    }
  }

  private void purgeQuietly() {
    try {
      RetentionPurger.Report report = runRetention();
      if (report.total() > 0 || report.subjectKeysPurged() > 0) {
        LOG.info("retention purge deleted {} and {} idle subject keys", report.deleted(), report.subjectKeysPurged());
      }
    } catch (RuntimeException e) {
      LOG.warn("retention purge failed: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * One retention purge now (the timer, {@code POST /admin/retention/run} and {@code veil retention run}
   * all come here), counted in {@link #subjectKeysPurged()} and {@link #retentionRowsPurged()}.
   */
  public RetentionPurger.Report runRetention() {
    RetentionPurger.Report report = purger().run();
    subjectKeysPurged.addAndGet(report.subjectKeysPurged());
    retentionRowsPurged.addAndGet(report.total());
    return report;
  }

  /** Idle subject keys this process's retention runs deleted since it started (a metric). */
  public long subjectKeysPurged() {
    return subjectKeysPurged.get();
  }

  /** Rows of the retention data classes this process's retention runs deleted since it started (a metric). */
  public long retentionRowsPurged() {
    return retentionRowsPurged.get();
  }

  /**
   * Appends the audit record of one successful admin or privacy action: tenant, the subject's pseudonym
   * (or null when the action concerns no one subject), the action's route name (the API's path, also for
   * the CLI, so both paths read the same in the trail), the action and where it came from. The one way
   * both the admin API and the CLI record what an operator did.
   *
   * @throws io.veil.store.StoreException when the record cannot be written (the API logs it, the CLI fails)
   */
  public void auditAction(String tenant, Pseudonym subject, String endpoint, AuditAction action, ActionSource source) {
    Objects.requireNonNull(source, "source");
    audit.append(new AuditRecord(tenant, subject, endpoint, null, new java.util.TreeMap<>(), action,
        source.recorded(), 200, 0));
  }

  /** Runs {@code work} with {@code subject} as the owner of every value the vault stores meanwhile. */
  static <T> T withSubject(Subject subject, java.util.function.Supplier<T> work) {
    if (subject == null) {
      return work.get();
    }
    Subject before = CURRENT_SUBJECT.get();
    CURRENT_SUBJECT.set(subject);
    try {
      return work.get();
    } finally {
      if (before == null) {
        CURRENT_SUBJECT.remove();
      } else {
        CURRENT_SUBJECT.set(before);
      }
    }
  }

  public GovernanceConfig config() {
    return config;
  }

  public Database database() {
    return db;
  }

  public KeyManager keyManager() {
    return keyManager;
  }

  public SubjectKeys subjectKeys() {
    return subjectKeys;
  }

  public RetentionPolicy retention() {
    return retention;
  }

  /** The persistent vault; give it to {@code Veil.builder().vault(...)}. */
  public JdbcTokenVault vault() {
    return vault;
  }

  public AuditLog audit() {
    return audit;
  }

  public ConsentStore consent() {
    return consent;
  }

  public PrivacySettingsStore settings() {
    return settings;
  }

  public PrivacyRequestStore requests() {
    return requests;
  }

  public AuditVerifier verifier() {
    return new AuditVerifier(db, keyManager);
  }

  public SubjectExporter exporter() {
    return new SubjectExporter(db, subjectKeys);
  }

  /**
   * The store's eraser. In a process that serves requests, erase through {@link #erase}: it also tells this
   * process's erasure listeners (the gateway's caches), which the change feed does not tell again.
   */
  public SubjectEraser eraser() {
    return new SubjectEraser(db, subjectKeys, keyManager);
  }

  /**
   * Answers an erasure request ({@link SubjectEraser#erase}), then tells this process's in-memory caches
   * that hold derived state of the subject (the detection cache) to drop it at once. A listener that fails
   * is logged by exception class and does not undo or fail the erasure.
   */
  public io.veil.store.ErasureReceipt erase(Subject subject) {
    io.veil.store.Pseudonym ref = subjectKeys.pseudonymOf(subject);
    io.veil.store.ErasureReceipt receipt = eraser().erase(subject);
    for (java.util.function.Consumer<io.veil.store.Pseudonym> l : erasureListeners) {
      try {
        l.accept(ref);
      } catch (RuntimeException e) {
        LOG.warn("an erasure listener failed: {}", e.getClass().getName());
      }
    }
    return receipt;
  }

  /** Called with the erased subject's pseudonym after each {@link #erase} of this process. */
  void onErasure(java.util.function.Consumer<io.veil.store.Pseudonym> listener) {
    erasureListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The client keys in this database (the {@code client_keys} table); the gateway's key store when
   * {@link GovernanceConfig#clientKeys()} is {@code database} ({@link io.veil.gateway.keys.ClientKeyStores}).
   */
  public ClientKeyTable clientKeyTable() {
    return clientKeys;
  }

  public RetentionPurger purger() {
    return new RetentionPurger(db, retention);
  }

  /** Stops the timers, writes a final checkpoint (best effort) and closes the database. */
  @Override
  public synchronized void close() {
    if (timers != null) {
      timers.shutdownNow();
      timers = null;
    }
    checkpointQuietly();
    db.close();
  }

  @Override
  public String toString() {
    return "Governance[" + config + "]";
  }
}
