package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's calls to the gateway running on its data directory (H2 held by that gateway). */
class RunningGatewayTest {
  @TempDir
  Path dir;

  @Test
  void aResponseShowsStatusAndLengthOnly() {
    String body = "{\"id\":\"jane.doe@example.com\",\"secret\":\"vk_secret_0123\"}";
    assertThat(new RunningGateway.Response(200, body).toString()).doesNotContain("jane.doe").doesNotContain("vk_secret")
        .contains("200").contains(String.valueOf(body.length()));
  }

  /**
   * qa8: with {@code server.tls} (a self-signed certificate, as `openssl req -x509` makes) every governance command
   * failed while the gateway ran, "did not answer (SSLHandshakeException)": the CLI trusted only the JDK's CAs.
   * It now trusts exactly the configured certificate, and refuses a gateway presenting another one.
   */
  @Test
  void overTlsTheCommandsTrustTheConfiguredCertificateAndNoOther() throws Exception {
    Path data = dir.resolve("data");
    Path config = writeTlsConfig(dir.resolve("served"), data);
    try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--config", config.toString())) {
      assertThat(serve.url().getScheme()).isEqualTo("https");

      String[] run = veil("audit", "verify", "--config", config.toString());
      assertThat(run[0]).as(run[2]).isEqualTo("0");
      assertThat(run[1]).contains("intact").contains("via the running gateway");

      // a configuration naming another certificate: the gateway is not trusted, nothing is sent
      Path other = writeTlsConfig(dir.resolve("other"), data);
      String[] refused = veil("audit", "verify", "--config", other.toString());
      assertThat(refused[0]).isNotEqualTo("0");
      assertThat(refused[2]).contains("did not answer").contains("not present the certificate of server.tls.certificate");

      // no TLS in the CLI's configuration: the JDK's trust refuses the self-signed certificate, and the error says why
      String[] untrusted = veil("audit", "verify", "--data-dir", data.toString());
      assertThat(untrusted[0]).isNotEqualTo("0");
      assertThat(untrusted[2]).contains("it serves TLS").contains("--config");
    }
  }

  /**
   * qa9: after {@code kill -9} the gateway's {@code gateway.url} stays, and the CLI believed a gateway ran there
   * (doctor --remote: "did not answer"; privacy link: a dead URL). The file now names the process that wrote it.
   */
  @Test
  void aGatewayKilledWithKill9IsToldFromARunningOne() throws Exception {
    Path data = dir.resolve("data");
    ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--data-dir", data.toString());
    try {
      assertThat(RunningGateway.announced(data)).contains(serve.url());
      assertThat(RunningGateway.stale(data)).isEmpty();
      serve.kill();
    } finally {
      serve.close();
    }
    assertThat(data.resolve(RunningGateway.URL_FILE)).as("left behind by kill -9").exists();
    assertThat(RunningGateway.announced(data)).isEmpty();
    String[] doctor = veil("doctor", "--remote", "--data-dir", data.toString());
    assertThat(doctor[0]).isNotEqualTo("0");
    assertThat(doctor[2].strip()).contains("no longer runs").contains(RunningGateway.URL_FILE)
        .doesNotContain("did not answer").doesNotContain("\n");
    String[] verify = veil("audit", "verify", "--data-dir", data.toString());
    assertThat(verify[0]).as(verify[2]).isEqualTo("0");
    assertThat(verify[1]).contains("intact").doesNotContain("via the running gateway");
  }

  /** A file written by a process that is gone, or naming a process id reused by a later process: no gateway runs. */
  @Test
  void anAnnouncementOfAProcessThatIsGoneIsStaleAndAnEarlierReleasesFileIsTrusted() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    java.time.Instant started = gone.info().startInstant().orElse(java.time.Instant.now());
    Path file = dir.resolve(RunningGateway.URL_FILE);
    Files.writeString(file, "http://127.0.0.1:18080\npid " + gone.pid() + "\nstarted " + started + "\n");
    assertThat(RunningGateway.announced(dir)).isEmpty();
    assertThat(RunningGateway.stale(dir)).hasValueSatisfying(line -> assertThat(line)
        .contains("process " + gone.pid()).contains("no longer runs").doesNotContain("\n"));

    ProcessHandle self = ProcessHandle.current();
    java.time.Instant selfStarted = self.info().startInstant().orElseThrow();
    Files.writeString(file, "http://127.0.0.1:18080\npid " + self.pid() + "\nstarted " + selfStarted.minusSeconds(3600));
    assertThat(RunningGateway.announced(dir)).as("a reused process id").isEmpty();

    Files.writeString(file, RunningGateway.Announcement.of(java.net.URI.create("http://127.0.0.1:18080")));
    assertThat(RunningGateway.announced(dir)).contains(java.net.URI.create("http://127.0.0.1:18080"));
    assertThat(RunningGateway.stale(dir)).isEmpty();

    Files.writeString(file, "http://127.0.0.1:18080\n");
    assertThat(RunningGateway.announced(dir)).as("an earlier release's file").isPresent();
    Files.writeString(file, "http://192.0.2.1:18080\npid " + self.pid() + "\n");
    assertThat(RunningGateway.announced(dir)).as("not loopback").isEmpty();
  }

  /**
   * review12: with TLS configured, a plain {@code http} {@code gateway.url} (stale, or planted by whatever holds that
   * loopback port now) was trusted, and {@code doctor --remote} sent the admin token there in clear. It is refused
   * now, before anything is sent.
   */
  @Test
  void withTlsConfiguredAPlainHttpAnnouncementIsRefusedAndNothingIsSent() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path config = writeTlsConfig(dir.resolve("tls"), data);
    Files.writeString(data.resolve(io.veil.gateway.AdminToken.FILE), "admin-token-that-must-not-travel\n");
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Files.writeString(data.resolve(RunningGateway.URL_FILE),
          RunningGateway.Announcement.of(java.net.URI.create("http://127.0.0.1:" + listener.getLocalPort())));
      java.util.concurrent.CompletableFuture<String> received = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (java.net.Socket s = listener.accept()) {
          s.setSoTimeout(5000);
          byte[] buf = new byte[4096];
          int n = s.getInputStream().read(buf);
          return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
          return "";
        }
      });

      String[] run = veil("doctor", "--remote", "--config", config.toString());

      listener.close(); // ends a pending accept: nothing connected
      assertThat(received.get(10, java.util.concurrent.TimeUnit.SECONDS)).doesNotContain("admin-token-that-must-not-travel");
      assertThat(run[0]).isNotEqualTo("0");
      assertThat(run[2]).contains("serves TLS").contains(RunningGateway.URL_FILE).doesNotContain("must-not-travel");
    }
  }

  /**
   * review13: {@code veil privacy link} printed the Privacy Center at a plain {@code http} {@code gateway.url} with TLS
   * configured; a page served there reads the link from its URL. Refused before a link is minted.
   */
  @Test
  void withTlsConfiguredNoPrivacyLinkIsShownForAPlainHttpAnnouncement() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path config = writeTlsConfig(dir.resolve("tls"), data);
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    io.veil.core.files.OwnerOnlyFiles.createNew(data.resolve("gateway-secret"),
        java.util.Base64.getEncoder().encode(secret));
    Files.writeString(data.resolve(RunningGateway.URL_FILE),
        RunningGateway.Announcement.of(java.net.URI.create("http://127.0.0.1:9")));

    String[] run = veil("privacy", "link", "--tenant", "default", "--user", "erin", "--config", config.toString());

    assertThat(run[0]).isNotEqualTo("0");
    assertThat(run[1]).as("no link minted").isEmpty();
    assertThat(run[2]).contains("serves TLS").doesNotContain("#token=");
  }

  /** review12: an admin-token file that cannot be read made a running gateway look absent ("no running gateway"). */
  @Test
  void anUnreadableAdminTokenIsAnErrorNotNoGateway() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(data.resolve(io.veil.gateway.AdminToken.FILE)); // a directory: reading it fails, even as root
    Files.writeString(data.resolve(RunningGateway.URL_FILE),
        RunningGateway.Announcement.of(java.net.URI.create("http://127.0.0.1:9")));

    String[] run = veil("doctor", "--remote", "--data-dir", data.toString());

    assertThat(run[0]).isNotEqualTo("0");
    assertThat(run[2]).contains("admin token").contains("cannot be read").doesNotContain("no running gateway");
  }

  /**
   * ops16: a gateway given its admin token by configuration (VEIL_ADMIN_TOKEN[_FILE], admin.token) writes no
   * admin-token file; a command without the token read that as "no gateway" and reported the H2 lock. It now says a
   * gateway runs there and that this command lacks its token; and a token file left by an earlier start, which the
   * gateway no longer accepts, is named as refused (before: "the running gateway answered 401"). Never the token.
   */
  @Test
  void aGatewayWithAConfiguredAdminTokenIsNamedWhenThisCommandLacksIt() throws Exception {
    Path data = dir.resolve("data");
    String token = "configured-admin-token-0123456789";
    Path config = dir.resolve("veil.yaml");
    Files.writeString(config, "dataDir: " + data + "\nadmin:\n  token: " + token + "\n");
    try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--config", config.toString())) {
      assertThat(data.resolve(io.veil.gateway.AdminToken.FILE)).as("configured: no file").doesNotExist();

      String[] none = veil("keys", "list", "--data-dir", data.toString());
      assertThat(none[0]).isEqualTo("2");
      assertThat(none[2]).startsWith("veil: a gateway runs at " + serve.url()).contains("has no admin token")
          .contains("VEIL_ADMIN_TOKEN").doesNotContain("in use").doesNotContain(token);

      io.veil.core.files.OwnerOnlyFiles.createNew(data.resolve(io.veil.gateway.AdminToken.FILE),
          "stale-admin-token-of-an-earlier-start".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String[] stale = veil("keys", "list", "--data-dir", data.toString());
      assertThat(stale[0]).isEqualTo("2");
      assertThat(stale[2]).contains("refused this command's admin token").contains(io.veil.gateway.AdminToken.FILE)
          .contains("VEIL_ADMIN_TOKEN").doesNotContain("stale-admin-token").doesNotContain(token);

      String[] given = veil("keys", "list", "--json", "--config", config.toString());
      assertThat(given[0]).as(given[2]).isEqualTo("0");
    }
  }

  /**
   * ops16: a running gateway's error answer exited 1 ("veil: the running gateway answered 404: {…}") where the same
   * refusal on a stopped gateway exits 2. The same commands now exit alike on both paths, and the line carries the
   * API's message, not its JSON.
   */
  @Test
  void anErrorAnswerExitsAsTheSameRefusalOnAStoppedGateway() throws Exception {
    Path data = dir.resolve("data");
    String[][] commands = {
        {"dsr", "verify", "00000000-0000-4000-8000-000000000000", "--data-dir", data.toString()},
        {"dsr", "deny", "00000000-0000-4000-8000-000000000000", "--reason", "excessive", "--data-dir", data.toString()},
        {"keys", "revoke", "vk_none", "--data-dir", data.toString()},
    };
    java.util.List<String[]> remote = new java.util.ArrayList<>();
    try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--data-dir", data.toString())) {
      for (String[] c : commands) {
        remote.add(veil(c));
      }
    }
    for (int i = 0; i < commands.length; i++) {
      String[] local = veil(commands[i]);
      assertThat(local[2]).as("stopped: the store answers").doesNotContain("running gateway");
      assertThat(remote.get(i)[0]).as(String.join(" ", commands[i]) + ": through the gateway as on the store")
          .isEqualTo(local[0]).isNotEqualTo("0");
    }
    assertThat(remote).allSatisfy(r -> assertThat(r[2]).startsWith("veil: ").doesNotContain("{"));
  }

  /**
   * ops17: an error answer that is not the API's JSON (an HTML page of a proxy between the CLI and the gateway) was
   * printed as it came: markup, line breaks and terminal escapes on the operator's terminal. Now one line: the
   * status and a short reason read from it (the page's title, else its text), said not to be the gateway's own.
   */
  @Test
  void anErrorAnswerThatIsNotTheApisJsonIsOneCleanLine() {
    String[][] cases = {
        // body, the reason printed
        {"<html><head><title>502 Bad Gateway</title><style>h1{color:red}</style></head>\n<body><h1>502 Bad"
            + " Gateway</h1><hr><center>nginx</center></body></html>", "502 Bad Gateway"},
        {"<!DOCTYPE html><html><body>\r\n<script>alert('x<y')</script><p>Service\tUnavailable &amp; down</p>"
            + "</body></html>", "Service Unavailable & down"},
        {"<title>\u001b[31mred\u001b[0m \u202Eevil\u2028line</title>", "[31mred [0m evil line"},
        {"upstream connect error or disconnect/reset before headers\nreset reason: overflow",
            "upstream connect error or disconnect/reset before headers reset reason: overflow"},
        {"{\"detail\":\"Not Found\"}", "{\"detail\":\"Not Found\"}"},
        {"", "no body"},
        {"<html><body><br/>&nbsp;</body></html>", "no readable reason"},
        {"<p>" + "x".repeat(5000) + "</p>", "x".repeat(RunningGateway.MAX_REASON_CHARS) + "…"},
        {"<div>" + "<p>a</p>".repeat(200_000), "a a a a"},
    };
    for (String[] c : cases) {
      String[] printed = printError(502, c[0]);
      assertThat(printed[0]).as(c[0]).isEqualTo("1");
      assertThat(printed[1]).as(c[0]).startsWith("veil: the running gateway answered 502: " + c[1])
          .endsWith(" (not the gateway's own error answer: a proxy or another server answered)"
              + System.lineSeparator());
      String line = printed[1].strip();
      assertThat(line.lines().count()).as(c[0]).isEqualTo(1);
      assertThat(line).as(c[0]).doesNotContain("<").doesNotContain(">").doesNotContainPattern("[\\p{Cc}\\p{Cf}]")
          .hasSizeLessThan(300);
    }
    // the API's own error: its message, as before (4xx exits 2)
    String[] api = printError(404, "{\"error\":{\"message\":\"no such privacy\\nrequest\",\"type\":\"invalid_request_error\"}}");
    assertThat(api[0]).isEqualTo("2");
    assertThat(api[1]).isEqualTo("veil: the running gateway answered 404: no such privacy request" + System.lineSeparator());
  }

  /** Exit code and stderr of {@link RunningGateway#print} for an error answer. */
  private static String[] printError(int status, String body) {
    StringWriter err = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int code = RunningGateway.print(cl.getCommandSpec(), new RunningGateway.Response(status, body));
    return new String[] {String.valueOf(code), err.toString()};
  }

  /** ops17: whatever a foreign error body holds, its reason is one short printable line without markup. */
  @net.jqwik.api.Property(tries = 300)
  void aForeignBodysReasonIsAlwaysOneShortPrintableLine(@net.jqwik.api.ForAll("bodies") String body) {
    String reason = RunningGateway.foreignReason(body);
    assertThat(reason).isNotBlank().doesNotContain("<").doesNotContain(">")
        .doesNotContainPattern("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]").isEqualTo(reason.strip());
    assertThat(reason.length()).isLessThanOrEqualTo(RunningGateway.MAX_REASON_CHARS + 1);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> bodies() {
    net.jqwik.api.Arbitrary<String> pieces = net.jqwik.api.Arbitraries.oneOf(
        net.jqwik.api.Arbitraries.strings().ofMaxLength(40),
        net.jqwik.api.Arbitraries.of("<title>", "</title>", "<script>", "</script>", "<", ">", "&amp;", "&#x1b;",
            "\u001b[2J", "\u202E", "\r\n", "\u2028", "<p class=\"a\">", "</p>", "<!-- ", " -->", "\uD83D\uDE00"));
    return pieces.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  /**
   * review12: through a running gateway the erasure receipt was checked against the {@code public_keyset} of the same
   * answer, so any answer "verified". It is checked against the signing keyset this side reads: another keyset in
   * the data directory than the one the gateway signs with fails.
   */
  @Test
  void aRunningGatewaysReceiptIsCheckedAgainstTheSigningKeysetReadHereNotTheAnswers() throws Exception {
    Path data = dir.resolve("data");
    try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--data-dir", data.toString())) {
      String[] genuine = veil("dsr", "erase", "--tenant", "default", "--user", "frank", "--data-dir", data.toString());
      assertThat(genuine[0]).as(genuine[2]).isEqualTo("0");
      assertThat(genuine[2]).matches("erasure request \\S{36} completed; receipt signature verifies\\R");

      // the gateway keeps signing with the keyset it loaded at start; the one on disk here is now another
      Path signing = data.resolve("keys").resolve("signing.json");
      io.veil.store.KeyManager.openOrCreate(dir.resolve("other-keys"));
      Files.copy(dir.resolve("other-keys").resolve("signing.json"), signing,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      String[] foreign = veil("dsr", "erase", "--tenant", "default", "--user", "grace", "--data-dir", data.toString());
      assertThat(foreign[0]).as(foreign[2]).isEqualTo("0");
      assertThat(foreign[2]).contains("receipt signature DOES NOT VERIFY").doesNotContain("signature verifies");

    }
  }

  /** {exit code, stdout, stderr} of one in-process {@code veil} run. */
  private static String[] veil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  /** A fresh self-signed certificate and a YAML configuration serving it from {@code data}. */
  private static Path writeTlsConfig(Path where, Path data) throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned(where);
    Path config = where.resolve("veil.yaml");
    Files.writeString(config, "server:\n  tls:\n    certificate: " + pem.certificate() + "\n    privateKey: "
        + pem.privateKey() + "\ndataDir: " + data + "\n");
    return config;
  }
}
