package io.veil.gateway;

import io.veil.core.EntityType;
import io.veil.core.Policy;
import io.veil.core.Veil;
import io.veil.gateway.keys.ClientKey;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.store.AuditVerification;
import io.veil.store.DataClass;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.RetentionPolicy;
import io.veil.store.StoreException;
import io.veil.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code veil doctor}: a self-audit of a gateway configuration, the same {@link GatewayConfig}
 * {@code veil serve} runs on. Used by the CLI and by {@code GET /admin/doctor}.
 *
 * <pre>{@code
 * DoctorReport r = Doctor.of(config).env(System.getenv()).configFile(path).veil(veil)
 *     .keys(keyStore).governance(governance).examine();
 * }</pre>
 *
 * <p>Checks (ids are stable): {@code tls.listener}, {@code upstream.transport}, {@code upstream.credentials},
 * {@code admin.token}, {@code credentials.defaults}, {@code files.permissions}, {@code config.file},
 * {@code environment.variables} (names only, see {@link KnownEnvironment}),
 * {@code database.connection}, {@code database.reachable}, {@code retention.periods},
 * {@code consent.enforcement}, {@code minimization}, {@code detection.coverage}, {@code keys.clients},
 * {@code audit.chain}, {@code audit.checkpoints}. Each is {@code ok}, {@code warn} (weaker than it
 * should be, or not checkable here) or {@code fail} (unsafe). Inputs that are not given (no store, no
 * key store, no configuration file) make the checks that need them {@code warn} with "not checked".
 *
 * <p>Thread safety: configure from one thread; once configured, {@link #examine()} may run repeatedly
 * and concurrently (it only reads).
 * Failure: never throws for a bad deployment — a problem is a finding, including an unreachable
 * database.
 *
 * <p><b>Security:</b> the report names settings, files and counts, never a secret value (tokens,
 * passwords, provider keys) or personal data; it reads secret files only to judge them. Reading the
 * report still tells an attacker where the weak spots are: serve it only behind the admin token.
 */
public final class Doctor {
  /** Well-known default or placeholder secrets (lower case) that must never be in production. */
  static final Set<String> WEAK_SECRETS = Set.of("", "admin", "administrator", "changeme", "change-me", "change_me",
      "changeit", "password", "passw0rd", "secret", "postgres", "veil", "root", "default", "test", "123456",
      "12345678", "1234567890", "qwerty", "letmein", "token", "admin-token", "veil-admin", "veiladmin",
      "adminadminadminadmin", "changemechangeme", "passwordpassword", "secretsecretsecret");
  private static final long MAX_SANE_BODY = 8L << 20;
  private static final Duration MAX_UPSTREAM_TIMEOUT = Duration.ofMinutes(5);

  private final GatewayConfig config;
  private Map<String, String> env = Map.of();
  private Path configFile;
  private Policy detection;
  private Set<EntityType> detectable;
  private ClientKeyStore keys;
  private List<ClientKey> keysToImport = List.of();
  private boolean beforeFirstStart;
  private Governance governance;
  private Supplier<AuditVerification> remoteAudit;
  private Clock clock = Clock.systemUTC();

  private Doctor(GatewayConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** A doctor for this configuration. */
  public static Doctor of(GatewayConfig config) {
    return new Doctor(config);
  }

  /** The environment the configuration was loaded with (tells secrets from the environment from those in the file). */
  public Doctor env(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    return this;
  }

  /** The YAML file the configuration came from, if any (its permissions are checked). */
  public Doctor configFile(Path file) {
    this.configFile = file;
    return this;
  }

  /** The detection engine and policy the gateway runs (default: {@link Policy#defaults()}, types not checked). */
  public Doctor veil(Veil veil) {
    this.detection = veil.policy();
    this.detectable = veil.analyzer().entityTypes();
    return this;
  }

  /** The client key store (for the key checks). */
  public Doctor keys(ClientKeyStore keys) {
    this.keys = keys;
    return this;
  }

  /**
   * Keys that {@code veil serve} will import from {@code keys.json} into the database on its next start
   * ({@link io.veil.gateway.keys.ClientKeyStores#notYetImported}): the key checks count them as the
   * gateway will, and say so. With no {@link #keys} store given (the database does not exist yet), these
   * are all the keys the gateway will start with.
   */
  public Doctor keysToImport(List<ClientKey> pending) {
    this.keysToImport = List.copyOf(Objects.requireNonNull(pending, "pending"));
    return this;
  }

  /**
   * The store does not exist yet (first start ahead): {@code veil serve} will create it, import
   * {@link #keysToImport} and, if that leaves no key, create the first client key.
   */
  public Doctor beforeFirstStart() {
    this.beforeFirstStart = true;
    return this;
  }

  /** The open governance store (database and audit checks). */
  public Doctor governance(Governance governance) {
    this.governance = governance;
    return this;
  }

  Doctor clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Runs every check. */
  public DoctorReport examine() {
    List<DoctorCheck> out = new ArrayList<>();
    out.add(tlsListener());
    out.add(upstreamTransport());
    out.add(upstreamCredentials());
    out.add(adminToken());
    out.add(gatewaySecret());
    out.add(defaultCredentials());
    out.add(filePermissions());
    out.add(configFileCheck());
    out.add(environmentVariables());
    out.add(databaseConnection());
    out.add(databaseReachable());
    out.add(retention());
    out.add(consent());
    out.add(minimization());
    out.add(detectionCoverage());
    out.add(clientKeys());
    out.add(auditChain());
    out.add(auditCheckpoints());
    return DoctorReport.of(out);
  }

  // ------------------------------------------------------------------ listener and upstream

  private DoctorCheck tlsListener() {
    String id = "tls.listener";
    String title = "TLS on the gateway's listener";
    String host = config.host();
    boolean loopback = UpstreamUrls.isLoopback(host);
    TlsConfig tls = config.tls();
    if (tls == null) {
      if (loopback) {
        return DoctorCheck.ok(id, title, "plain HTTP on loopback (" + host + ") only: nothing leaves this host unencrypted");
      }
      return DoctorCheck.fail(id, title, "the gateway listens on " + host + " without TLS: prompts full of personal"
          + " data and client keys cross the network in clear text",
          "set server.tls.certificate and server.tls.privateKey (VEIL_TLS_CERT/VEIL_TLS_KEY), or listen on 127.0.0.1"
              + " behind a TLS-terminating proxy on the same host");
    }
    List<String> problems = new ArrayList<>();
    DoctorStatus s = DoctorStatus.OK;
    String certNote = "";
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Instant end = cert.getNotAfter().toInstant();
      Instant now = clock.instant();
      if (end.isBefore(now)) {
        s = DoctorStatus.FAIL;
        problems.add("the certificate expired on " + end);
      } else if (end.isBefore(now.plus(Duration.ofDays(30)))) {
        s = s.worst(DoctorStatus.WARN);
        problems.add("the certificate expires on " + end + " (within 30 days)");
      } else if (cert.getNotBefore().toInstant().isAfter(now)) {
        s = s.worst(DoctorStatus.WARN);
        problems.add("the certificate is not valid before " + cert.getNotBefore().toInstant());
      }
      certNote = "certificate valid until " + end;
    } catch (java.nio.file.NoSuchFileException e) {
      s = DoctorStatus.FAIL;
      problems.add("the certificate file " + TlsConfig.located(tls.certificate()) + " does not exist");
    } catch (IOException | CertificateException | ClassCastException e) {
      s = DoctorStatus.FAIL;
      problems.add("the certificate file " + tls.certificate() + " cannot be read as a PEM X.509 certificate");
    }
    Set<PosixFilePermission> perms = perms(tls.privateKey());
    if (perms == null && !Files.exists(tls.privateKey())) {
      s = DoctorStatus.FAIL;
      problems.add("the private key file " + TlsConfig.located(tls.privateKey()) + " does not exist");
    } else if (perms != null && exposed(perms)) {
      s = DoctorStatus.FAIL;
      problems.add("the private key file " + tls.privateKey() + " is readable by group or others ("
          + modeOf(perms) + ")");
    }
    if (problems.isEmpty()) {
      return DoctorCheck.ok(id, title, "TLS is on (" + certNote + "; private key readable by its owner only)");
    }
    return new DoctorCheck(id, s, title, String.join("; ", problems),
        "renew or replace the certificate; chmod 600 the private key file");
  }

  private DoctorCheck upstreamTransport() {
    String id = "upstream.transport";
    String title = "HTTPS to the provider";
    UpstreamConfig up = config.upstream();
    if (up == null) {
      return DoctorCheck.warn(id, title, "the upstream is the built-in mock LLM: nothing reaches a real provider"
          + " (fine for trying Veil, not for production)",
          "set upstream.url (or upstream.apiKey for OpenAI) to the provider");
    }
    URI u = up.baseUrl();
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String where = scheme + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    if (u.getUserInfo() != null || u.getRawQuery() != null) {
      return DoctorCheck.fail(id, title, "the upstream URL carries credentials or a query",
          "remove them from upstream.url; use upstream.apiKey and upstream.apiVersion");
    }
    List<String> notes = new ArrayList<>();
    DoctorStatus s = DoctorStatus.OK;
    if (scheme.equals("https")) {
      notes.add("HTTPS to " + where + " with certificate validation (always on)");
    } else if (scheme.equals("http") && u.getHost() != null && UpstreamUrls.isLoopback(u.getHost())) {
      s = DoctorStatus.WARN;
      notes.add("plain HTTP to " + where + " (a loopback sidecar); make sure it is not a tunnel to another host");
    } else {
      return DoctorCheck.fail(id, title, "the upstream " + where + " is not HTTPS", "use an https:// provider URL");
    }
    if (up.timeout().compareTo(MAX_UPSTREAM_TIMEOUT) > 0) {
      s = s.worst(DoctorStatus.WARN);
      notes.add("upstream.timeoutSeconds is " + up.timeout().toSeconds() + " s (stalled providers hold requests that long)");
    }
    return new DoctorCheck(id, s, title, String.join("; ", notes),
        s == DoctorStatus.OK ? "" : "use HTTPS to the provider; keep upstream.timeoutSeconds at 300 or below");
  }

  private DoctorCheck upstreamCredentials() {
    String id = "upstream.credentials";
    String title = "Provider key handling";
    UpstreamConfig up = config.upstream();
    if (up == null) {
      return DoctorCheck.ok(id, title, "no provider key (mock upstream)");
    }
    if (!up.hasApiKey()) {
      boolean loopback = up.baseUrl().getHost() != null && UpstreamUrls.isLoopback(up.baseUrl().getHost());
      return loopback ? DoctorCheck.ok(id, title, "no provider key sent (loopback sidecar)")
          : DoctorCheck.warn(id, title, "no provider key is configured for a remote provider",
              "set VEIL_UPSTREAM_API_KEY");
    }
    if (fromFile("VEIL_UPSTREAM_API_KEY")) {
      return DoctorCheck.warn(id, title, "the provider key is written in the configuration file",
          "move it to the VEIL_UPSTREAM_API_KEY environment variable (or a secret store that sets it)");
    }
    return DoctorCheck.ok(id, title, "the provider key comes from the environment and stays inside Veil");
  }

  // ------------------------------------------------------------------ secrets

  /** Which gateway secret the instances use (never the value; the source was validated when the config loaded). */
  private DoctorCheck gatewaySecret() {
    String id = "gateway.secret";
    String title = "Gateway secret source";
    GatewaySecretSource source = config.gatewaySecret();
    Path file = config.dataDir().resolve(GatewaySecret.FILE);
    boolean fileThere = Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (!source.inDataDirectory()) {
      return DoctorCheck.ok(id, title, "from " + source.describe(config.dataDir()) + " (the environment); "
          + (fileThere ? file + " is not used" : "none is written to the data directory")
          + "; every instance on one database needs the same");
    }
    return DoctorCheck.ok(id, title, "from " + source.describe(config.dataDir())
        + (fileThere ? "" : " (veil serve creates it on its first start)")
        + "; every instance on one database needs the same file (or set VEIL_GATEWAY_SECRET[_FILE])");
  }

  private DoctorCheck adminToken() {
    String id = "admin.token";
    String title = "Admin token strength";
    String configured = config.governance().adminToken();
    String token;
    String source;
    if (configured != null && !configured.isBlank()) {
      token = configured.strip();
      source = fromFile("VEIL_ADMIN_TOKEN") ? "admin.token in the configuration file" : "VEIL_ADMIN_TOKEN";
    } else {
      Path f = config.dataDir().resolve(AdminToken.FILE);
      if (!Files.exists(f)) {
        return DoctorCheck.ok(id, title, "no admin token yet; the first start generates 256 random bits in "
            + f + " (mode 0600)");
      }
      try {
        token = Files.readString(f, StandardCharsets.US_ASCII).strip();
      } catch (IOException e) {
        return DoctorCheck.warn(id, title, "the admin token file " + f + " cannot be read here", "run doctor as the gateway's user");
      }
      source = f.toString();
    }
    double bits = estimatedBits(token);
    String fix = "use a random token of at least 32 characters, e.g. `openssl rand -base64 32`, or delete the"
        + " admin.token setting and let Veil generate DATA_DIR/admin-token";
    if (WEAK_SECRETS.contains(token.toLowerCase(Locale.ROOT)) || token.length() < 16) {
      return DoctorCheck.fail(id, title, "the admin token (" + source + ") is a well-known default or shorter than"
          + " 16 characters", fix);
    }
    if (bits < 64) {
      return DoctorCheck.fail(id, title, "the admin token (" + source + ") has about " + (int) bits
          + " bits of entropy; it can be guessed", fix);
    }
    if (bits < 128) {
      return DoctorCheck.warn(id, title, "the admin token (" + source + ") has about " + (int) bits
          + " bits of entropy (128 or more recommended)", fix);
    }
    if (source.startsWith("admin.token in the configuration")) {
      return DoctorCheck.warn(id, title, "the admin token is strong but written in the configuration file",
          "set VEIL_ADMIN_TOKEN from a secret store instead, or use DATA_DIR/admin-token (0600)");
    }
    return DoctorCheck.ok(id, title, "strong admin token (about " + (int) bits + " bits) from " + source);
  }

  /**
   * A rough upper bound of a token's entropy: length × log2(alphabet of the character classes it
   * uses), capped by the number of distinct characters (a repeated pattern is not random).
   */
  static double estimatedBits(String token) {
    int alphabet = 0;
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    alphabet += lower ? 26 : 0;
    alphabet += upper ? 26 : 0;
    alphabet += digit ? 10 : 0;
    alphabet += other ? 32 : 0;
    long distinct = token.chars().distinct().count();
    if (alphabet <= 1 || distinct <= 1) {
      return 0;
    }
    double perChar = Math.log(Math.min(alphabet, Math.max(2, distinct * 2))) / Math.log(2);
    return token.length() * perChar;
  }

  private DoctorCheck defaultCredentials() {
    String id = "credentials.defaults";
    String title = "Default credentials";
    List<String> found = new ArrayList<>();
    DoctorStatus s = DoctorStatus.OK;
    Path dev = config.dataDir().resolve("dev-key");
    if (Files.exists(dev)) {
      if (keys == null) {
        s = DoctorStatus.WARN;
        found.add("the first-run client key file " + dev + " exists (not checked whether that key is active)");
      } else {
        try {
          // not through a link planted there, nor a key file others can read (each reported below)
          String secret = new String(io.veil.core.files.OwnerOnlyFiles.readSecret(dev, 4096),
              StandardCharsets.US_ASCII).strip();
          if (keys.authenticate(secret).isPresent()) {
            s = DoctorStatus.WARN;
            found.add("the first-run client key in " + dev + " is still active (tenant 'default')");
          }
        } catch (IOException e) {
          s = DoctorStatus.WARN;
          found.add("the first-run client key file " + dev + " exists but cannot be read here"
              + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? " (" + f.getReason() + ")"
                  : ""));
        }
      }
    }
    // pgjdbc also takes the password from the URL (?password=...); a password given there is checked like any other
    String pw = config.governance().dbPassword() != null ? config.governance().dbPassword()
        : urlParameter(config.governance().jdbcUrl(), "password");
    if (config.governance().jdbcUrl() != null && config.governance().jdbcUrl().startsWith("jdbc:postgresql:")
        && (pw == null || WEAK_SECRETS.contains(pw.strip().toLowerCase(Locale.ROOT)))) {
      s = DoctorStatus.FAIL;
      found.add("the database password is empty or a well-known default");
    }
    String admin = config.governance().adminToken();
    if (admin != null && WEAK_SECRETS.contains(admin.strip().toLowerCase(Locale.ROOT))) {
      s = DoctorStatus.FAIL;
      found.add("the admin token is a well-known default");
    }
    if (found.isEmpty()) {
      return DoctorCheck.ok(id, title, "no default or first-run credentials in use");
    }
    return new DoctorCheck(id, s, title, String.join("; ", found),
        "revoke the first-run key (veil keys revoke ID) and issue one key per application (veil keys create);"
            + " delete DATA_DIR/dev-key; give the database and admin API random secrets");
  }

  private DoctorCheck filePermissions() {
    String id = "files.permissions";
    String title = "Key and secret file permissions";
    Path dir = config.dataDir();
    List<String> bad = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    boolean envKeys = notBlank(env.get("VEIL_MASTER_KEYSET"));
    Path keyDir = dir.resolve("keys");
    if (!envKeys) {
      Set<PosixFilePermission> p = perms(keyDir);
      if (p != null) {
        checked.add("keys/");
        if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
            || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)
            || p.contains(PosixFilePermission.GROUP_EXECUTE) || p.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          bad.add(keyDir + " is " + modeOf(p) + " (want 700)");
        }
      }
    }
    List<Path> secrets = new ArrayList<>(List.of(dir.resolve("gateway-secret"), dir.resolve(AdminToken.FILE),
        dir.resolve("keys.json"), dir.resolve("dev-key")));
    if (!envKeys) {
      secrets.add(keyDir.resolve("master.json"));
      secrets.add(keyDir.resolve("signing.json"));
    }
    for (Path f : secrets) {
      Set<PosixFilePermission> p = perms(f);
      if (p == null) {
        continue;
      }
      checked.add(dir.relativize(f).toString());
      if (exposed(p)) {
        bad.add(f + " is " + modeOf(p) + " (want 600)");
      }
    }
    Set<PosixFilePermission> dp = perms(dir);
    if (dp != null && dp.contains(PosixFilePermission.OTHERS_WRITE)) {
      bad.add(dir + " is writable by others (" + modeOf(dp) + ")");
    }
    if (!bad.isEmpty()) {
      return DoctorCheck.fail(id, title, String.join("; ", bad),
          "chmod 700 " + keyDir + "; chmod 600 the files named; chmod o-w " + dir
              + " (the keysets decrypt the vault; the gateway secret signs privacy links)");
    }
    // the H2 file holds encrypted vault values and pseudonymous metadata (tenants, times, counts):
    // not secret on its own, but nobody else's business
    Path db = dir.resolve("veil.mv.db");
    Set<PosixFilePermission> dbp = perms(db);
    boolean dirOpen = dp != null && (dp.contains(PosixFilePermission.OTHERS_EXECUTE)
        || dp.contains(PosixFilePermission.GROUP_EXECUTE));
    if (dbp != null && exposed(dbp) && dirOpen) {
      return DoctorCheck.warn(id, title, checked.size() + " key and secret files are owner-only, but the database "
          + db + " is " + modeOf(dbp) + " in a directory others can enter (" + modeOf(dp) + "): its metadata"
          + " (tenants, times, entity counts) is readable by other users", "chmod 700 " + dir);
    }
    if (checked.isEmpty()) {
      return DoctorCheck.ok(id, title, "no key or secret files yet in " + dir + (envKeys ? " (keysets from the environment)" : "")
          + "; the first start creates them with mode 0600");
    }
    return DoctorCheck.ok(id, title, checked.size() + " key and secret files readable by their owner only"
        + (envKeys ? "; master and signing keysets come from the environment" : ""));
  }

  /** {@code VEIL_*} variables that are set but read by nothing (misspelt, or from another version): names only. */
  private DoctorCheck environmentVariables() {
    String id = "environment.variables";
    String title = "VEIL_* environment variables";
    List<KnownEnvironment.Unknown> unknown = KnownEnvironment.unknown(env);
    if (unknown.isEmpty()) {
      return DoctorCheck.ok(id, title, "every VEIL_* variable set is one Veil reads");
    }
    return DoctorCheck.warn(id, title, unknown.size() + " VEIL_* variable" + (unknown.size() == 1 ? " is" : "s are")
        + " set but not read by Veil, so " + (unknown.size() == 1 ? "it has" : "they have") + " no effect: "
        + KnownEnvironment.list(unknown),
        "rename each misspelt variable to the name suggested, or unset it (veil serve --help lists the gateway's variables)");
  }

  private DoctorCheck configFileCheck() {
    String id = "config.file";
    String title = "Configuration file";
    if (configFile == null) {
      return DoctorCheck.ok(id, title, "no configuration file given to the doctor (embedded defaults and VEIL_*"
          + " variables; a running gateway does not know its file: run veil doctor --config FILE to check it)");
    }
    Set<PosixFilePermission> p = perms(configFile);
    if (p == null) {
      return Files.exists(configFile) ? DoctorCheck.ok(id, title, configFile + " (no POSIX permissions to check)")
          : DoctorCheck.fail(id, title, configFile + " does not exist", "pass the file veil serve uses");
    }
    boolean secrets = fromFile("VEIL_UPSTREAM_API_KEY") && config.upstream() != null && config.upstream().hasApiKey()
        || fromFile("VEIL_ADMIN_TOKEN") && notBlank(config.governance().adminToken())
        || fromFile("VEIL_DATABASE_PASSWORD") && notBlank(config.governance().dbPassword());
    if (p.contains(PosixFilePermission.OTHERS_WRITE) || p.contains(PosixFilePermission.GROUP_WRITE)) {
      return DoctorCheck.fail(id, title, configFile + " is writable by group or others (" + modeOf(p)
          + "): anyone who can write it can redirect traffic or weaken the policies", "chmod 600 " + configFile);
    }
    if (secrets && exposed(p)) {
      return DoctorCheck.fail(id, title, configFile + " holds secrets and is readable by group or others ("
          + modeOf(p) + ")", "chmod 600 " + configFile + ", better: move the secrets to VEIL_* environment variables");
    }
    return DoctorCheck.ok(id, title, configFile + " (" + modeOf(p) + ")" + (secrets ? "; holds secrets, owner-only" : ""));
  }

  // ------------------------------------------------------------------ database

  private DoctorCheck databaseConnection() {
    String id = "database.connection";
    String title = "Database connection";
    GovernanceConfig g = config.governance();
    String url = g.jdbcUrl();
    if (url == null || url.startsWith("jdbc:h2:")) {
      if (url != null && (url.contains(";AUTO_SERVER=TRUE") || url.toLowerCase(Locale.ROOT).contains("auto_server=true")
          || url.startsWith("jdbc:h2:tcp:"))) {
        return DoctorCheck.warn(id, title, "H2 over TCP or with AUTO_SERVER: the database listens on the network",
            "use the embedded H2 file (no database.url) or PostgreSQL");
      }
      return DoctorCheck.ok(id, title, "embedded H2 file in the data directory (no network listener)");
    }
    List<String> notes = new ArrayList<>();
    DoctorStatus s = DoctorStatus.OK;
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.contains("password=")) {
      s = DoctorStatus.WARN;
      notes.add("the JDBC URL carries a password");
    }
    if ("postgres".equals(g.dbUser())) {
      s = s.worst(DoctorStatus.WARN);
      notes.add("connects as the superuser 'postgres'");
    }
    String host = pgHost(url);
    boolean tls = lower.matches(".*[?&]sslmode=(require|verify-ca|verify-full).*") || lower.matches(".*[?&]ssl=true.*");
    if (host != null && !UpstreamUrls.isLoopback(host) && !tls) {
      s = s.worst(DoctorStatus.WARN);
      notes.add("the connection to " + host + " is not required to use TLS");
    }
    if (fromFile("VEIL_DATABASE_PASSWORD") && notBlank(g.dbPassword())) {
      s = s.worst(DoctorStatus.WARN);
      notes.add("the database password is written in the configuration file");
    }
    if (notes.isEmpty()) {
      return DoctorCheck.ok(id, title, "PostgreSQL at " + (host == null ? "?" : host) + (tls ? " over TLS" : " (loopback)"));
    }
    return new DoctorCheck(id, s, title, String.join("; ", notes),
        "add sslmode=verify-full; use a dedicated role owning only Veil's database; set VEIL_DATABASE_PASSWORD"
            + " from a secret store, not the URL or the file");
  }

  private static String pgHost(String url) {
    try {
      return URI.create(url.substring("jdbc:".length())).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private DoctorCheck databaseReachable() {
    String id = "database.reachable";
    String title = "Database reachable";
    if (governance == null) {
      return DoctorCheck.warn(id, title, "not checked: the store was not opened here", "run veil doctor where the store can be opened, or against the running gateway (--remote)");
    }
    try {
      governance.database().ping();
      return DoctorCheck.ok(id, title, "the database answers");
    } catch (StoreException e) {
      return DoctorCheck.fail(id, title, "the database does not answer: requests are refused with 503 until it does",
          "start the database or fix database.url; the gateway recovers by itself");
    }
  }

  // ------------------------------------------------------------------ governance settings

  private DoctorCheck retention() {
    String id = "retention.periods";
    String title = "Retention versus regulation profile";
    RegulationProfile global = config.governance().profile();
    RetentionPolicy actual = RetentionPolicy.defaults(global);
    for (Map.Entry<DataClass, Duration> e : config.governance().retention().entrySet()) {
      actual = actual.with(e.getKey(), e.getValue());
    }
    Set<RegulationProfile> profiles = EnumSet.of(global);
    config.policies().values().forEach(p -> profiles.add(p.profile()));
    List<String> notes = new ArrayList<>();
    DoctorStatus s = DoctorStatus.OK;
    Duration vault = actual.periodOf(DataClass.VAULT_ENTRIES);
    Duration vaultDefault = RetentionPolicy.defaults(global).periodOf(DataClass.VAULT_ENTRIES);
    if (vault.compareTo(Duration.ofDays(30)) > 0) {
      s = DoctorStatus.FAIL;
      notes.add("vault entries (original values) are kept " + days(vault) + ", far beyond the " + days(vaultDefault)
          + " a conversation needs (storage limitation)");
    } else if (vault.compareTo(vaultDefault) > 0) {
      s = DoctorStatus.WARN;
      notes.add("vault entries are kept " + days(vault) + ", longer than the profile's " + days(vaultDefault));
    }
    for (RegulationProfile p : profiles) {
      RetentionPolicy want = RetentionPolicy.defaults(p);
      Duration audit = actual.periodOf(DataClass.AUDIT_RECORDS);
      if (audit.compareTo(want.periodOf(DataClass.AUDIT_RECORDS)) < 0) {
        s = s.worst(DoctorStatus.WARN);
        notes.add("audit records are kept " + days(audit) + ", less than the " + days(want.periodOf(DataClass.AUDIT_RECORDS))
            + " the " + p.wireName() + " profile expects" + (p != global ? " (a policy uses " + p.wireName()
                + " while retention follows " + global.wireName() + ")" : ""));
      }
      Duration req = actual.periodOf(DataClass.PRIVACY_REQUESTS);
      if (p == RegulationProfile.CCPA && req.compareTo(Duration.ofDays(730)) < 0) {
        s = DoctorStatus.FAIL;
        notes.add("closed privacy requests are kept " + days(req) + "; CCPA (11 CCR 7101) requires 24 months");
      } else if (req.compareTo(want.periodOf(DataClass.PRIVACY_REQUESTS)) < 0) {
        s = s.worst(DoctorStatus.WARN);
        notes.add("closed privacy requests are kept " + days(req) + " (proof of handling; default "
            + days(want.periodOf(DataClass.PRIVACY_REQUESTS)) + ")");
      }
      Duration consent = actual.periodOf(DataClass.CONSENT_HISTORY);
      if (consent.compareTo(want.periodOf(DataClass.CONSENT_HISTORY)) < 0) {
        s = s.worst(DoctorStatus.WARN);
        notes.add("superseded consent decisions are kept " + days(consent)
            + " (proof of consent for past processing; default " + days(want.periodOf(DataClass.CONSENT_HISTORY)) + ")");
      }
    }
    if (config.governance().purgeInterval().compareTo(Duration.ofDays(1)) > 0) {
      s = s.worst(DoctorStatus.WARN);
      notes.add("the purge runs only every " + days(config.governance().purgeInterval()));
    }
    if (notes.isEmpty()) {
      return DoctorCheck.ok(id, title, "profile " + global.wireName() + ": vault " + days(vault) + ", audit "
          + days(actual.periodOf(DataClass.AUDIT_RECORDS)) + ", consent history "
          + days(actual.periodOf(DataClass.CONSENT_HISTORY)) + ", privacy requests "
          + days(actual.periodOf(DataClass.PRIVACY_REQUESTS)));
    }
    return new DoctorCheck(id, s, title, String.join("; ", new TreeSet<>(notes)),
        "remove the retention overrides or bring them to the profile's periods (docs/notes/store.md); set"
            + " profile: ccpa at the top level when policies use it");
  }

  private static String days(Duration d) {
    return d.toHours() < 48 ? d.toHours() + " h" : d.toDays() + " d";
  }

  private DoctorCheck consent() {
    String id = "consent.enforcement";
    String title = "Consent enforcement";
    List<String> none = new ArrayList<>();
    List<String> noLlm = new ArrayList<>();
    List<String> anonymous = new ArrayList<>();
    for (GatewayPolicy p : new java.util.TreeMap<>(config.policies()).values()) {
      if (p.requiredPurposes().isEmpty()) {
        none.add(p.name());
      } else if (!p.requiredPurposes().contains(Purpose.LLM_PROCESSING)) {
        noLlm.add(p.name());
      }
      if (!p.requireIdentity()) {
        anonymous.add(p.name());
      }
    }
    if (!none.isEmpty() || !noLlm.isEmpty()) {
      List<String> m = new ArrayList<>();
      if (!none.isEmpty()) {
        m.add("policies " + none + " require no consent at all");
      }
      if (!noLlm.isEmpty()) {
        m.add("policies " + noLlm + " do not require consent to llm-processing");
      }
      return DoctorCheck.fail(id, title, String.join("; ", m),
          "set policies.NAME.requiredPurposes: [llm-processing] (the default)");
    }
    if (!anonymous.isEmpty()) {
      return DoctorCheck.warn(id, title, "consent is required, but policies " + anonymous
          + " process requests that name no end user without any consent check",
          "set policies.NAME.requireIdentity: true once your apps send X-Veil-User (or the user field)");
    }
    return DoctorCheck.ok(id, title, "every policy requires an identified end user and consent to llm-processing");
  }

  private DoctorCheck minimization() {
    String id = "minimization";
    String title = "Data minimization";
    List<String> notes = new ArrayList<>();
    for (GatewayPolicy p : new java.util.TreeMap<>(config.policies()).values()) {
      if (!p.forceStoreFalse()) {
        notes.add("policy '" + p.name() + "' lets the provider store conversations (forceStoreFalse: false)");
      }
      if (p.maxBodyBytes() > MAX_SANE_BODY) {
        notes.add("policy '" + p.name() + "' accepts bodies of " + (p.maxBodyBytes() >> 20) + " MiB");
      }
    }
    if (notes.isEmpty()) {
      return DoctorCheck.ok(id, title, "store:false forced and body limits at most 8 MiB in every policy");
    }
    return DoctorCheck.warn(id, title, String.join("; ", notes),
        "set forceStoreFalse: true and maxBodyBytes of a few MiB at most");
  }

  private DoctorCheck detectionCoverage() {
    String id = "detection.coverage";
    String title = "Entity types handled by the detection policy";
    Policy policy = detection == null ? Policy.defaults() : detection;
    List<String> fails = new ArrayList<>();
    List<String> warns = new ArrayList<>();
    Set<EntityType> enabled = policy.enabledTypes();
    Set<EntityType> disabled = new TreeSet<>();
    if (enabled != null) {
      for (EntityType t : EntityType.builtIn()) {
        if (!enabled.contains(t)) {
          disabled.add(t);
        }
      }
    }
    Set<EntityType> critical = Set.of(EntityType.EMAIL, EntityType.PHONE, EntityType.CREDIT_CARD, EntityType.IBAN,
        EntityType.US_SSN, EntityType.API_KEY, EntityType.PASSWORD, EntityType.PERSON, EntityType.NATIONAL_ID);
    Set<EntityType> criticalOff = new TreeSet<>(disabled);
    criticalOff.retainAll(critical);
    if (!criticalOff.isEmpty()) {
      fails.add("enabled_types leaves " + names(criticalOff) + " undetected");
    }
    Set<EntityType> otherOff = new TreeSet<>(disabled);
    otherOff.removeAll(critical);
    if (!otherOff.isEmpty()) {
      warns.add("enabled_types leaves " + names(otherOff) + " undetected");
    }
    Set<EntityType> kept = new TreeSet<>();
    Set<EntityType> secretsReversible = new TreeSet<>();
    Set<EntityType> all = new TreeSet<>(EntityType.builtIn());
    all.addAll(policy.operators().keySet());
    for (EntityType t : all) {
      if (disabled.contains(t)) {
        continue;
      }
      String op = policy.operatorSpec(t).name();
      if (op.equals("keep")) {
        kept.add(t);
      } else if ((t.equals(EntityType.API_KEY) || t.equals(EntityType.PASSWORD))
          && !(op.equals("redact") || op.equals("hash") || op.equals("mask"))) {
        secretsReversible.add(t);
      }
    }
    if (!kept.isEmpty()) {
      Set<EntityType> keptCritical = new TreeSet<>(kept);
      keptCritical.retainAll(critical);
      (keptCritical.isEmpty() ? warns : fails).add("operator 'keep' forwards " + names(kept) + " unchanged");
    }
    if (!secretsReversible.isEmpty()) {
      warns.add(names(secretsReversible) + " are replaced reversibly (the secret enters the vault) instead of redacted");
    }
    Set<EntityType> lax = new TreeSet<>();
    for (EntityType t : all) {
      if (!disabled.contains(t) && policy.threshold(t) > 0.9) {
        lax.add(t);
      }
    }
    if (!lax.isEmpty()) {
      warns.add("thresholds above 0.9 for " + names(lax) + " let most findings through");
    }
    if (detectable != null) {
      Set<EntityType> noRecognizer = new TreeSet<>();
      for (EntityType t : EntityType.builtIn()) {
        if (!disabled.contains(t) && !detectable.contains(t)) {
          noRecognizer.add(t);
        }
      }
      if (!noRecognizer.isEmpty()) {
        warns.add("no recognizer or NER engine finds " + names(noRecognizer));
      }
    }
    String fix = "remove enabled_types (every type is detected by default); use placeholder/surrogate/hash instead"
        + " of keep; redact secrets; keep thresholds near 0.5";
    if (!fails.isEmpty()) {
      fails.addAll(warns);
      return DoctorCheck.fail(id, title, String.join("; ", fails), fix);
    }
    if (!warns.isEmpty()) {
      return DoctorCheck.warn(id, title, String.join("; ", warns), fix);
    }
    return DoctorCheck.ok(id, title, "policy '" + policy.version() + "': every built-in type is detected and replaced"
        + " (default operator " + policy.defaultOperator().name() + ", secrets redacted)");
  }

  private static String names(Set<EntityType> types) {
    List<String> n = new ArrayList<>();
    types.forEach(t -> n.add(t.name()));
    return String.join(", ", n);
  }

  private DoctorCheck clientKeys() {
    String id = "keys.clients";
    String title = "Client keys";
    if (keys == null && keysToImport.isEmpty()) {
      if (beforeFirstStart) {
        return DoctorCheck.warn(id, title, "no keys yet: the store does not exist; veil serve creates it on its"
            + " first start, with one client key for tenant 'default' (printed once and written to "
            + config.dataDir().resolve("dev-key") + ")", "start veil serve, then create keys per application:"
            + " veil keys create --tenant T");
      }
      return DoctorCheck.warn(id, title, "not checked: no key store given", "run veil doctor with the gateway's data directory");
    }
    // what the gateway will hold after its next start: the database's keys and those it imports from keys.json
    List<ClientKey> all = new ArrayList<>(keys == null ? List.of() : keys.list());
    all.addAll(keysToImport);
    List<ClientKey> active = all.stream().filter(k -> !k.revoked() && !k.expiredAt(clock.instant())).toList();
    Set<String> unknownPolicy = new TreeSet<>();
    long unlimited = 0;
    long noExpiry = 0;
    for (ClientKey k : active) {
      if (!config.policies().containsKey(k.policy())) {
        unknownPolicy.add(k.id());
      }
      if (k.ratePerMinute() == 0) {
        unlimited++;
      }
      if (k.expiresAt() == null) {
        noExpiry++;
      }
    }
    String summary = active.size() + " active of " + all.size() + " keys (" + unlimited + " without a rate limit, "
        + noExpiry + " without an expiry)" + (keysToImport.isEmpty() ? "" : ", " + keysToImport.size()
        + " of them still only in " + config.dataDir().resolve("keys.json") + ": veil serve imports them into the"
        + " database on its next start" + (keys == null ? " (which creates the database)" : ""));
    if (!unknownPolicy.isEmpty()) {
      return DoctorCheck.fail(id, title, summary + "; keys " + unknownPolicy + " are bound to policies the"
          + " configuration lacks (their requests are refused)", "add the policies or revoke those keys");
    }
    if (active.isEmpty()) {
      return DoctorCheck.warn(id, title, summary + "; no client can call the gateway",
          "veil keys create --tenant T");
    }
    return DoctorCheck.ok(id, title, summary);
  }

  // ------------------------------------------------------------------ audit

  private DoctorCheck auditChain() {
    String id = "audit.chain";
    String title = "Audit chain verification";
    AuditVerification v;
    try {
      if (governance != null) {
        v = governance.verifier().verify();
      } else if (remoteAudit != null) {
        v = remoteAudit.get();
      } else {
        return DoctorCheck.warn(id, title, "not checked: the store was not opened here",
            "run veil doctor where the store can be opened, or against the running gateway (--remote)");
      }
    } catch (StoreUnavailableException e) {
      return DoctorCheck.fail(id, title, "not checked: the database does not answer", "bring the database back");
    } catch (StoreException e) {
      return DoctorCheck.fail(id, title, "the audit chain could not be read (" + e.getClass().getSimpleName() + ")",
          "inspect the database; veil audit verify");
    }
    if (!v.valid()) {
      return DoctorCheck.fail(id, title, "the audit chain does NOT verify: first bad record #"
          + (v.firstBadSeq().isPresent() ? v.firstBadSeq().getAsLong() : -1) + ": " + v.problem(),
          "treat as a security incident: preserve the database, compare with exported checkpoints (veil audit export)");
    }
    if (v.recordsChecked() > 0 && v.lastSignedSeq() == 0) {
      return DoctorCheck.warn(id, title, "intact: " + v.recordsChecked() + " records, but none is covered by a signed"
          + " checkpoint yet", "wait for the checkpoint timer or lower audit.checkpointSeconds");
    }
    return DoctorCheck.ok(id, title, "intact: " + v.recordsChecked() + " records, " + v.checkpointsChecked()
        + " signed checkpoints (records up to #" + v.lastSignedSeq() + " signed)");
  }

  /** For the CLI: the audit verification answered by a running gateway, when the store is not opened here. */
  public Doctor remoteAudit(Supplier<AuditVerification> source) {
    this.remoteAudit = source;
    return this;
  }

  private DoctorCheck auditCheckpoints() {
    String id = "audit.checkpoints";
    String title = "Audit checkpoint frequency";
    GovernanceConfig g = config.governance();
    List<String> notes = new ArrayList<>();
    if (g.checkpointEvery() > 10_000) {
      notes.add("a checkpoint is signed only every " + g.checkpointEvery() + " records");
    }
    if (g.checkpointInterval().compareTo(Duration.ofHours(1)) > 0) {
      notes.add("or every " + days(g.checkpointInterval()));
    }
    if (notes.isEmpty()) {
      return DoctorCheck.ok(id, title, "signed every " + g.checkpointEvery() + " records or "
          + g.checkpointInterval().toSeconds() + " s");
    }
    return DoctorCheck.warn(id, title, String.join(" ", notes)
        + ": records after the last checkpoint are protected by the hash chain only",
        "keep audit.checkpointEvery at 10000 or below and audit.checkpointSeconds at 3600 or below");
  }

  // ------------------------------------------------------------------ helpers

  /** True when the setting with this environment variable came from the file (the variable is unset). */
  /**
   * Whether the secret that {@code envVar} would carry is written in the configuration file: a file was
   * given and the secret comes neither from {@code envVar}, nor from the file {@code envVar_FILE} names,
   * nor from the file the YAML's {@code ...File} key names.
   */
  private boolean fromFile(String envVar) {
    if (configFile == null || notBlank(env.get(envVar)) || notBlank(env.get(envVar + "_FILE"))) {
      return false;
    }
    String fileKey = switch (envVar) {
      case "VEIL_UPSTREAM_API_KEY" -> "/upstream/apiKeyFile";
      case "VEIL_ADMIN_TOKEN" -> "/admin/tokenFile";
      case "VEIL_DATABASE_PASSWORD" -> "/database/passwordFile";
      default -> null;
    };
    return fileKey == null || !yamlHas(fileKey);
  }

  /** Whether the configuration file sets the key at this JSON pointer (false when it cannot be read). */
  private boolean yamlHas(String pointer) {
    try {
      com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(configFile.toFile());
      return root != null && !root.at(pointer).isMissingNode() && !root.at(pointer).isNull();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** A JDBC URL's query parameter ({@code ?user=…&password=…}), decoded, or null (no URL or no such parameter). */
  static String urlParameter(String jdbcUrl, String name) {
    int q = jdbcUrl == null ? -1 : jdbcUrl.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : jdbcUrl.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        try {
          return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return pair.substring(eq + 1);
        }
      }
    }
    return null;
  }

  /** POSIX permissions of a path, or null where it does not exist or the file system has none. */
  static Set<PosixFilePermission> perms(Path p) {
    try {
      return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static boolean exposed(Set<PosixFilePermission> p) {
    return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
        || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
  }

  static String modeOf(Set<PosixFilePermission> p) {
    int mode = 0;
    for (PosixFilePermission x : p) {
      mode |= 1 << (8 - x.ordinal());
    }
    return String.format(Locale.ROOT, "%03o", mode);
  }
}
