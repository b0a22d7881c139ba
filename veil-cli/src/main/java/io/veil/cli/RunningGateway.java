package io.veil.cli;

import io.veil.gateway.AdminToken;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.PrivacyLinks;
import io.veil.store.Subject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway running on a data directory, reached through its admin API (admin token) and privacy
 * API (a privacy link minted here from the data directory's gateway secret). The governance commands
 * use it when the embedded H2 file is held by that gateway. {@code veil serve} writes its base URL
 * to {@code DATA_DIR/gateway.url} while it runs.
 *
 * <p><b>Security:</b> the URL file is trusted only to point at a loopback address; the admin token is
 * never sent anywhere else.
 */
final class RunningGateway {
  static final String URL_FILE = "gateway.url";
  /** What to do when this command lacks the running gateway's admin token. */
  private static final String NO_TOKEN_HINT = "VEIL_ADMIN_TOKEN or VEIL_ADMIN_TOKEN_FILE (or admin.token in --config)"
      + " as the gateway has it";
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * An answer: status and body text. <b>Security:</b> the body may be a subject's exported data or a new key's
   * secret; {@link #toString()} prints the status and the body's length only.
   */
  record Response(int status, String body) {
    boolean ok() {
      return status / 100 == 2;
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", body=" + (body == null ? 0 : body.length()) + " chars]";
    }
  }

  private final URI base;
  private final String adminToken;
  /** Where the admin token came from, for the refusal's message ("configured", "read from FILE"); never the token. */
  private final String tokenFrom;
  private final Path dataDir;
  /** Its privacy links: the gateway secret of the configuration (the environment's, or the data directory's). */
  private final GatewayConfig config;
  /** Whether an HTTPS gateway's certificate is pinned to the configured one (else the JDK's default trust). */
  private final boolean pinned;
  private final HttpClient http;

  private RunningGateway(URI base, String adminToken, String tokenFrom, Path dataDir, GatewayConfig cfg) {
    this.base = base;
    this.adminToken = adminToken;
    this.tokenFrom = tokenFrom;
    this.dataDir = dataDir;
    this.config = cfg;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    this.pinned = "https".equalsIgnoreCase(base.getScheme()) && cfg.tls() != null;
    if (pinned) {
      b.sslContext(PinnedServerCertificate.context(cfg.tls().certificate()));
    }
    this.http = b.build();
  }

  /**
   * The gateway that announced itself in the data directory, if any (loopback only). Over TLS it must present
   * the certificate of this configuration's {@code server.tls.certificate} ({@link PinnedServerCertificate}).
   *
   * When the configuration has a TLS listener only an {@code https} announcement is trusted: a plain {@code http}
   * one is a stale or planted file, and the admin token and privacy links would travel in clear to whatever
   * holds that loopback port now.
   *
   * @throws CliException when the configured certificate file cannot be read, when the announcement is plain
   *     {@code http} while the configuration has TLS, or when this command has no admin token (none configured and
   *     no admin-token file: the gateway has its token from the environment or its configuration) or cannot read
   *     the file (a gateway runs there, so "no gateway" would be wrong)
   */
  static Optional<RunningGateway> find(GatewayConfig cfg) {
    Optional<URI> announced = announcedFor(cfg);
    if (announced.isEmpty()) {
      return Optional.empty();
    }
    URI u = announced.get();
    String token = cfg.governance().adminToken();
    String tokenFrom = "configured";
    if (token == null) {
      Path file = cfg.dataDir().toAbsolutePath().normalize().resolve(AdminToken.FILE);
      if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // a gateway given its token by VEIL_ADMIN_TOKEN[_FILE] or admin.token[File] writes no file (ops16: this read
        // as "no gateway", and the command went on to report the H2 lock)
        throw new CliException("a gateway runs at " + u + ", but this command has no admin token (none configured,"
            + " and no " + file + "): set " + NO_TOKEN_HINT);
      }
      try {
        token = Files.readString(file, StandardCharsets.US_ASCII).strip();
      } catch (IOException e) {
        throw new CliException("a gateway runs at " + u + " but its admin token " + file + " cannot be read ("
            + e.getClass().getSimpleName() + "); run this command as the gateway's user, or set VEIL_ADMIN_TOKEN");
      }
      tokenFrom = "read from " + file;
    }
    try {
      return Optional.of(new RunningGateway(u, token, tokenFrom, cfg.dataDir(), cfg));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The base URL a gateway running on this data directory announced in {@link #URL_FILE}, if it is a loopback
   * address and the process that wrote it still runs (the one place that decides whether a gateway runs there).
   * A file left by a gateway that was killed ({@code kill -9}, a crash: no shutdown removed it) names a process
   * that is gone, or a process id now used by another process (another start instant): no gateway runs there.
   */
  static Optional<URI> announced(Path dataDir) {
    return read(dataDir).filter(a -> !a.writerGone()).map(Announcement::url);
  }

  /**
   * {@link #announced}, and trusted for this configuration: with a TLS listener configured only an {@code https}
   * announcement (a plain {@code http} one is stale or planted; a token or privacy link sent or shown for it would
   * reach whatever holds that loopback port now).
   *
   * @throws CliException when the announcement is plain {@code http} while the configuration has TLS
   */
  static Optional<URI> announcedFor(GatewayConfig cfg) {
    Optional<URI> announced = announced(cfg.dataDir());
    if (cfg.tls() != null && announced.isPresent() && !"https".equalsIgnoreCase(announced.get().getScheme())) {
      throw new CliException(cfg.dataDir().toAbsolutePath().normalize().resolve(URL_FILE) + " announces "
          + announced.get() + ", but this configuration serves TLS (server.tls): refusing to send the admin token or"
          + " a privacy link in clear; stop whatever listens there, or remove the file if no gateway runs on this"
          + " data directory");
    }
    return announced;
  }

  /**
   * One line saying that {@link #URL_FILE} names a gateway that no longer runs, if it does (empty when no file,
   * or a running gateway's).
   */
  static Optional<String> stale(Path dataDir) {
    return read(dataDir).filter(Announcement::writerGone).map(a -> dataDir.toAbsolutePath().normalize()
        .resolve(URL_FILE) + " names a gateway that no longer runs (process " + a.pid()
        + " is gone: stopped with kill -9 or crashed); veil serve replaces the file when it starts");
  }

  /**
   * What {@link #URL_FILE} says: the gateway's base URL, and the process that wrote it with its start instant
   * (both absent in a file of an earlier release: then the writer counts as running, as before).
   */
  record Announcement(URI url, long pid, java.time.Instant started) {
    /** The file text for this process's gateway at {@code url}: the URL, then {@code pid N} and {@code started T}. */
    static String of(URI url) {
      ProcessHandle self = ProcessHandle.current();
      return url + "\npid " + self.pid() + self.info().startInstant().map(t -> "\nstarted " + t).orElse("") + "\n";
    }

    /** True if the writing process is known and is gone (or its id now belongs to a process started later). */
    boolean writerGone() {
      if (pid <= 0) {
        return false; // an earlier release's file: cannot tell
      }
      Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      if (p.isEmpty()) {
        return true;
      }
      Optional<java.time.Instant> now = p.get().info().startInstant();
      // the same process reads the same start instant; a reused id belongs to a process started after the file
      return started != null && now.isPresent() && Duration.between(started, now.get()).abs().toSeconds() > 1;
    }
  }

  private static Optional<Announcement> read(Path dataDir) {
    Path f = dataDir.resolve(URL_FILE);
    try {
      if (!Files.exists(f)) {
        return Optional.empty();
      }
      java.util.List<String> lines = Files.readString(f, StandardCharsets.US_ASCII).strip().lines().toList();
      URI u = URI.create(lines.get(0).strip());
      String host = u.getHost();
      if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"))) {
        return Optional.empty();
      }
      long pid = 0;
      java.time.Instant started = null;
      for (String line : lines.subList(1, lines.size())) {
        if (line.startsWith("pid ")) {
          pid = Long.parseLong(line.substring(4).strip());
        } else if (line.startsWith("started ")) {
          started = java.time.Instant.parse(line.substring(8).strip());
        }
      }
      return Optional.of(new Announcement(u, pid, started));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Prints a JSON answer on stdout (0) or the error on stderr: {@code veil: the running gateway answered N: MESSAGE}
   * (the API's {@code error.message}, else a short reason from the body, {@link #errorMessage}: one line), with the exit code the same refusal has on a stopped gateway
   * ({@link #exitCode}).
   */
  static int print(picocli.CommandLine.Model.CommandSpec spec, Response r) {
    if (r.ok()) {
      spec.commandLine().getOut().println(r.body());
      spec.commandLine().getOut().flush();
      return 0;
    }
    spec.commandLine().getErr().println("veil: the running gateway answered " + r.status() + ": " + errorMessage(r));
    spec.commandLine().getErr().flush();
    return exitCode(r.status());
  }

  /**
   * The exit code of an error answer, as the command exits when the store refuses the same thing locally: a refusal
   * (4xx: no such request, a conflict, input the API rejects) is {@link VeilCli#EXIT_USAGE}, as the local path's
   * {@link CliException}; a failure of the gateway itself (5xx) is 1, as a local internal error (ops16: every error
   * answer exited 1, so a script told the two paths apart by exit code).
   */
  static int exitCode(int status) {
    return status >= 400 && status < 500 ? VeilCli.EXIT_USAGE : 1;
  }

  /**
   * The API's {@code error.message} on one line; for any other body (an HTML page of a proxy in between, plain text)
   * a short reason read from it ({@link #foreignReason}), said to be that. Never the body as it came (ops17: a
   * proxy's page was printed whole, markup, line breaks and terminal escapes included).
   */
  static String errorMessage(Response r) {
    try {
      com.fasterxml.jackson.databind.JsonNode m = MAPPER.readTree(r.body()).path("error").path("message");
      if (m.isTextual() && !m.asText().isBlank()) {
        return oneLine(m.asText());
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      // not the API's error object
    }
    return foreignReason(r.body()) + " (not the gateway's own error answer: a proxy or another server answered)";
  }

  /** Longest reason taken from a body that is not the API's error. */
  static final int MAX_REASON_CHARS = 120;
  /** How much of such a body is read for it (a page may be large; the title is near the top; bounds the regexes). */
  private static final int MAX_REASON_SCAN = 16 * 1024;
  private static final java.util.regex.Pattern TITLE = java.util.regex.Pattern.compile("(?is)<title[^>]*>(.*?)</title");
  private static final java.util.regex.Pattern HIDDEN =
      java.util.regex.Pattern.compile("(?is)<(script|style|head)\\b[^>]*>.*?</\\1\\s*>");

  /**
   * A short, printable reason from a body that is not the API's error: an HTML page's title, else its text without
   * markup (scripts and styles dropped), else "no body"; entities and anything left of a tag ({@code <}, {@code >})
   * removed, {@link #oneLine}, at most {@link #MAX_REASON_CHARS} characters. Reads the first 16 KiB only.
   */
  static String foreignReason(String body) {
    if (body == null || body.isBlank()) {
      return "no body";
    }
    String head = body.length() > MAX_REASON_SCAN ? body.substring(0, MAX_REASON_SCAN) : body;
    java.util.regex.Matcher title = TITLE.matcher(head);
    String text = title.find() ? title.group(1) : HIDDEN.matcher(head).replaceAll(" ");
    text = oneLine(text.replaceAll("<[^>]*>?", " ").replace("&nbsp;", " ").replace("&amp;", "&")
        .replaceAll("&#?[A-Za-z0-9]{1,10};", " ").replaceAll("[<>]", " "));
    if (text.isEmpty()) {
      return "no readable reason";
    }
    return text.length() <= MAX_REASON_CHARS ? text
        : text.substring(0, Character.isHighSurrogate(text.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1
            : MAX_REASON_CHARS) + "…";
  }

  /**
   * {@code s} on one printable line: control and format characters (terminal escapes, bidirectional overrides) and
   * line or paragraph separators become spaces, runs of white space one space, stripped.
   */
  static String oneLine(String s) {
    return s.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
  }

  /** The body of a successful answer as JSON. */
  static com.fasterxml.jackson.databind.JsonNode json(Response r) {
    try {
      return MAPPER.readTree(r.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("the running gateway answered " + r.status() + " with a body that is not JSON");
    }
  }

  URI base() {
    return base;
  }

  /**
   * Calls the admin API with this command's admin token.
   *
   * @throws CliException when the gateway refuses the token (401): it has another one, typically given by
   *     {@code VEIL_ADMIN_TOKEN[_FILE]} while an earlier start's {@code admin-token} file is still in the data directory
   */
  Response admin(String method, String path, String body) {
    Response r = send(method, path, body, "Authorization", "Bearer " + adminToken);
    if (r.status() == 401) {
      throw new CliException("the running gateway at " + base + " refused this command's admin token (" + tokenFrom
          + "): it has another; set " + NO_TOKEN_HINT);
    }
    return r;
  }

  /** Calls the privacy API as the subject, through a one-minute privacy link. */
  Response privacy(String method, String path, Subject subject, String body) {
    String link = PrivacyLinks.open(config).mint(subject, Duration.ofMinutes(1));
    return send(method, path, body, "X-Veil-Privacy-Link", link);
  }

  private Response send(String method, String path, String body, String header, String value) {
    HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header(header, value).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (javax.net.ssl.SSLException e) {
      throw new CliException("the running gateway at " + base + " did not answer (" + e.getClass().getSimpleName() + "): "
          + (pinned ? "it does not present the certificate of server.tls.certificate (replaced since it started?"
              + " the gateway reads it at start only)"
              : "it serves TLS; give this command the gateway's configuration (--config FILE or VEIL_TLS_CERT)"
              + " so that it trusts the gateway's certificate"));
    } catch (IOException e) {
      throw new CliException("the running gateway at " + base + " did not answer (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
