package io.veil.gateway;

import io.veil.store.KeyManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.DamerauLevenshteinDistance;

/**
 * The one list of {@code VEIL_*} environment variables Veil reads: the gateway's configuration
 * ({@link ConfigLoader}), the store's keys, the CLI's logging, the {@code ./veil} launcher and the
 * project's scripts. A variable that is set but not on this list does nothing; {@link #unknown(Map)}
 * finds those (a misspelt {@code VEIL_UPSTREAM_APIKEY} would otherwise leave the provider key unset
 * without a word) and names the closest known variable. {@code veil doctor} reports them
 * ({@code environment.variables}) and {@code veil serve} prints one warning line at start.
 *
 * <p>Code that reads a new {@code VEIL_*} variable adds it here; {@code KnownEnvironmentTest} scans
 * the sources and fails otherwise.
 *
 * <p>Thread safety: stateless; every method may be called concurrently. Failure: never throws for
 * what an environment holds (names are untrusted input and are only compared and sanitized).
 *
 * <p><b>Security:</b> only variable NAMES are ever looked at or reported, never values (several
 * variables hold secrets: {@code VEIL_UPSTREAM_API_KEY}, {@code VEIL_ADMIN_TOKEN}, the keysets). A
 * reported name is cut to {@value #MAX_NAME} characters and anything but letters, digits and
 * {@code _} is replaced by {@code ?}, so a crafted name cannot forge log lines or terminal output.
 */
public final class KnownEnvironment {
  /** Who reads a variable. */
  public enum Reader {
    /** The gateway's configuration ({@link ConfigLoader}); {@code veil serve}, {@code veil doctor} and the admin commands. */
    GATEWAY,
    /** The governance store's key management ({@link KeyManager}). */
    STORE,
    /** The CLI process itself (logging: {@code logback.xml}, {@code veil serve}). */
    CLI,
    /** The {@code ./veil} launcher script, before the JVM starts. */
    LAUNCHER,
    /** The project's developer scripts ({@code scripts/run-tests}, {@code scripts/bench}). */
    SCRIPTS
  }

  /**
   * One known variable.
   *
   * @param name the exact name ({@code VEIL_PORT})
   * @param reader who reads it
   * @param purpose what it sets, in a few words (never an example value)
   */
  public record Variable(String name, Reader reader, String purpose) {
    public Variable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reader, "reader");
      Objects.requireNonNull(purpose, "purpose");
      if (!name.matches("VEIL_[A-Z0-9]+(_[A-Z0-9]+)*")) {
        throw new IllegalArgumentException("not a VEIL_* name: " + name);
      }
    }
  }

  /**
   * A {@code VEIL_*} variable that is set but that Veil does not read.
   *
   * @param name the name, sanitized (see the class comment)
   * @param suggestion the closest known name, when one is close enough to be a likely misspelling
   */
  public record Unknown(String name, Optional<String> suggestion) {
    public Unknown {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(suggestion, "suggestion");
    }

    /** {@code VEIL_PROT (did you mean VEIL_PORT?)} or just the name. */
    public String describe() {
      return suggestion.map(s -> name + " (did you mean " + s + "?)").orElse(name);
    }
  }

  /** Longest name reported (longer ones are cut and end in "…"). */
  static final int MAX_NAME = 64;
  /** Most unknown names reported; the rest are counted. */
  static final int MAX_REPORTED = 20;
  private static final String PREFIX = "VEIL_";
  /** Most edits between a misspelling and the name suggested for it. */
  private static final int MAX_EDITS = 2;

  private static final Map<String, Variable> VARIABLES = index(List.of(
      // gateway: ConfigLoader (server, upstream, policies, governance, detection cache)
      gateway("VEIL_HOST", "listen address (server.host)"),
      gateway("VEIL_PORT", "listen port (server.port)"),
      gateway("VEIL_DATA_DIR", "state directory (dataDir)"),
      gateway("VEIL_TLS_CERT", "TLS certificate chain, PEM (server.tls.certificate)"),
      gateway("VEIL_TLS_KEY", "TLS private key, PEM PKCS#8 (server.tls.privateKey)"),
      gateway("VEIL_SHUTDOWN_TIMEOUT_SECONDS", "graceful stop deadline (server.shutdownTimeoutSeconds)"),
      gateway("VEIL_MAX_CONNECTIONS", "open client connections at once (server.maxConnections)"),
      gateway("VEIL_DRAIN_DELAY_SECONDS", "/ready answers 503 this long before the listener closes"),
      gateway("VEIL_HEADER_TIMEOUT_SECONDS", "a request's line and headers must arrive this fast (server.headerTimeoutSeconds)"),
      gateway("VEIL_MIN_BODY_BYTES_PER_SECOND", "a request body's minimum rate (server.minBodyBytesPerSecond)"),
      gateway("VEIL_UPSTREAM_URL", "provider base URL, or mock (upstream.url)"),
      gateway("VEIL_UPSTREAM_API_KEY", "provider key (upstream.apiKey)"),
      gateway("VEIL_UPSTREAM_API_KEY_FILE", "file holding the provider key (upstream.apiKeyFile)"),
      gateway("VEIL_UPSTREAM_API_VERSION", "Azure API version (upstream.apiVersion)"),
      gateway("VEIL_UPSTREAM_AUTH_HEADER", "bearer or api-key (upstream.authHeader)"),
      gateway("VEIL_MAX_BODY_BYTES", "largest request body of the default policy"),
      gateway("VEIL_PROFILE", "regulation profile: retention and consent defaults (profile)"),
      gateway("VEIL_DATABASE_URL", "JDBC URL of the store (database.url)"),
      gateway("VEIL_DATABASE_USER", "database user (database.user)"),
      gateway("VEIL_DATABASE_PASSWORD", "database password (database.password)"),
      gateway("VEIL_DATABASE_PASSWORD_FILE", "file holding the database password (database.passwordFile)"),
      gateway("VEIL_CLIENT_KEYS", "where client keys live: database or file (database.clientKeys)"),
      gateway("VEIL_RATE_LIMITS", "where rate-limit buckets live on PostgreSQL: database or memory (database.rateLimits)"),
      gateway("VEIL_SUBJECT_STATE_CACHE_MILLIS", "cache time of a user's consent state (database.subjectStateCacheMillis)"),
      gateway("VEIL_ADMIN_TOKEN", "admin API bearer token (admin.token)"),
      gateway("VEIL_ADMIN_TOKEN_FILE", "file holding the admin token (admin.tokenFile)"),
      gateway(GatewaySecretSource.VARIABLE, "gateway secret, base64, instead of DATA_DIR/gateway-secret"),
      gateway(GatewaySecretSource.FILE_VARIABLE, "file holding the gateway secret (a mounted Secret)"),
      gateway("VEIL_AUDIT_GROUP_WAIT_MILLIS", "audit write batching under load (audit.groupWaitMillis)"),
      gateway("VEIL_DETECTION_CACHE_ENABLED", "detection result cache on/off (detection.cache.enabled)"),
      gateway("VEIL_DETECTION_CACHE_MAX_ENTRIES", "detection cache entries (detection.cache.maxEntries)"),
      gateway("VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES", "detection cache heap (detection.cache.maxWeightBytes)"),
      gateway("VEIL_DETECTION_CACHE_EXPIRE_SECONDS", "detection cache entry lifetime (detection.cache.expireSeconds)"),
      gateway("VEIL_DETECTION_CACHE_MIN_CHARS", "shortest cached text (detection.cache.minChars)"),
      gateway("VEIL_DETECTION_CACHE_SHARING", "conversation or tenant (detection.cache.sharing)"),
      gateway("VEIL_PROTOCOL_EXTRA_WORDS", "protocol words OpenAI added, per field (protocol.extraWords)"),
      // store: KeyManager
      new Variable(KeyManager.MASTER_ENV, Reader.STORE, "Tink keyset for vault encryption (JSON)"),
      new Variable(KeyManager.SIGNING_ENV, Reader.STORE, "Tink keyset signing audit checkpoints (JSON)"),
      // CLI: logback.xml and ServeCommand
      new Variable("VEIL_LOG_LEVEL", Reader.CLI, "root log level"),
      new Variable("VEIL_ACCESS_LOG_LEVEL", Reader.CLI, "access log level (logger veil.access)"),
      new Variable("VEIL_LOG_FORMAT", Reader.CLI, "text or json log lines on stderr"),
      // launcher: ./veil
      new Variable("VEIL_JAVA_OPTS", Reader.LAUNCHER, "extra JVM options (e.g. -Xmx)"),
      new Variable("VEIL_PLUGINS", Reader.LAUNCHER, "jars or folders of optional engines added to the class path"),
      // developer scripts
      new Variable("VEIL_CHROMIUM", Reader.SCRIPTS, "Chromium for the browser tests (scripts/run-tests)"),
      new Variable("VEIL_DATA", Reader.SCRIPTS, "evaluation data folder for scripts/bench"),
      new Variable("VEIL_BENCH_ORDER", Reader.SCRIPTS, "shuffled (default) or file: the order scripts/bench reads texts in")));

  private KnownEnvironment() {}

  private static Variable gateway(String name, String purpose) {
    return new Variable(name, Reader.GATEWAY, purpose);
  }

  private static Map<String, Variable> index(List<Variable> list) {
    Map<String, Variable> m = new LinkedHashMap<>();
    for (Variable v : list) {
      if (m.put(v.name(), v) != null) {
        throw new IllegalStateException("listed twice: " + v.name());
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Every known variable, grouped by reader, in a stable order. */
  public static List<Variable> variables() {
    return List.copyOf(VARIABLES.values());
  }

  /** Whether Veil reads a variable of exactly this name. */
  public static boolean isKnown(String name) {
    return VARIABLES.containsKey(name);
  }

  /**
   * The {@code VEIL_*} variables in {@code env} that Veil does not read, sorted by name, each with the
   * closest known name when it is a likely misspelling. A name counts as {@code VEIL_*} in any letter
   * case ({@code veil_port} is reported, with {@code VEIL_PORT} suggested: names are case-sensitive).
   * Only the keys of {@code env} are read.
   */
  public static List<Unknown> unknown(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    List<Unknown> out = new ArrayList<>();
    for (String name : env.keySet()) {
      if (name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) && !isKnown(name)) {
        String clean = sanitize(name);
        out.add(new Unknown(clean, closest(clean)));
      }
    }
    out.sort(Comparator.comparing(Unknown::name));
    return List.copyOf(out);
  }

  /**
   * The known name closest to {@code name} by edit distance (Damerau-Levenshtein: a swap of two
   * neighbouring letters is one edit; letter case ignored), when it is at most a third of the part
   * after {@code VEIL_} away, at least 1 and at most {@value #MAX_EDITS} edits (further away, a guess is
   * more often wrong than helpful: {@code VEIL_UPSTREAM_KEY} is 3 edits from {@code VEIL_UPSTREAM_URL});
   * ties go to the name first in alphabetical order. Empty for a known name.
   */
  static Optional<String> closest(String name) {
    if (isKnown(name)) {
      return Optional.empty();
    }
    String upper = name.toUpperCase(Locale.ROOT);
    int rest = Math.max(0, upper.length() - PREFIX.length());
    int allowed = Math.max(1, Math.min(MAX_EDITS, rest / 3));
    DamerauLevenshteinDistance distance = new DamerauLevenshteinDistance();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : VARIABLES.keySet().stream().sorted().toList()) {
      int d = distance.apply(upper, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /**
   * One line naming the unknown variables ({@code "ignoring unknown environment variables: VEIL_PROT
   * (did you mean VEIL_PORT?), VEIL_X"}), at most {@value #MAX_REPORTED} of them and a count of the
   * rest; empty when there are none.
   */
  public static Optional<String> warning(List<Unknown> unknown) {
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("ignoring unknown environment variable" + (unknown.size() == 1 ? "" : "s") + " (not read by"
        + " Veil): " + list(unknown));
  }

  /** The names (with suggestions), comma-separated, at most {@value #MAX_REPORTED} and a count of the rest. */
  static String list(List<Unknown> unknown) {
    String shown = unknown.stream().limit(MAX_REPORTED).map(Unknown::describe).collect(Collectors.joining(", "));
    return unknown.size() > MAX_REPORTED ? shown + " and " + (unknown.size() - MAX_REPORTED) + " more" : shown;
  }

  /** Letters, digits and '_' kept, anything else '?'; cut to {@value #MAX_NAME} characters. */
  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(Math.min(name.length(), MAX_NAME + 1));
    for (int i = 0; i < name.length() && i < MAX_NAME; i++) {
      char c = name.charAt(i);
      b.append((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '?');
    }
    if (name.length() > MAX_NAME) {
      b.append('…');
    }
    return b.toString();
  }
}
