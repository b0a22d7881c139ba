package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir
  Path dir;

  private CommandLine cli(Object command, StringWriter out, StringWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void firstStartCreatesTheDevKeyOnceAndServesHealth() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of());
    CommandLine cl = cli(serve, out, err);
    cl.parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1");
    Path devKey = dir.resolve("dev-key");
    try (ServeCommand.Running running = serve.start()) {
      assertThat(Files.readString(devKey)).startsWith("sk-veil-");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(devKey))).isEqualTo("rw-------");
      assertThat(out.toString()).contains(Files.readString(devKey)).contains("curl -s http://127.0.0.1:");
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.gateway().port() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
    String key = Files.readString(devKey);
    StringWriter out2 = new StringWriter();
    ServeCommand again = new ServeCommand(Map.of());
    cli(again, out2, new StringWriter()).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1");
    try (ServeCommand.Running ignored = again.start()) {
      assertThat(out2.toString()).doesNotContain(key);
    }
  }

  /**
   * qa8: the banner's curl line read {@code $(cat DATA_DIR/dev-key)} also where there is no such file: a second
   * instance on a shared database (the first made the key), or a data directory whose dev-key was deleted as veil
   * doctor advises; the line then sent an empty key (401). It now reads the key from OPENAI_API_KEY there
   * (where the OpenAI SDKs read it; a VEIL_ name would be warned about as unknown to Veil).
   */
  @Test
  void withoutTheDevKeyFileTheBannersCurlLineDoesNotReadIt() throws Exception {
    ServeCommand first = new ServeCommand(Map.of());
    cli(first, new StringWriter(), new StringWriter()).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running ignored = first.start()) {
      assertThat(dir.resolve("dev-key")).exists();
    }
    Files.delete(dir.resolve("dev-key"));
    StringWriter out = new StringWriter();
    ServeCommand again = new ServeCommand(Map.of());
    cli(again, out, new StringWriter()).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running ignored = again.start()) {
      assertThat(out.toString()).doesNotContain("dev-key)").contains("Authorization: Bearer $OPENAI_API_KEY")
          .contains("veil keys create --tenant default");
    }
  }

  /** qa8: the banner printed {@code Data directory: /run/dir/./state} for {@code --data-dir ./state}: paths are normalised. */
  @Test
  void theBannerPrintsTheDataDirectoryNormalised() throws Exception {
    StringWriter out = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of());
    cli(serve, out, new StringWriter()).parseArgs("--data-dir", dir + "/./state/../state", "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running ignored = serve.start()) {
      Path state = dir.toAbsolutePath().normalize().resolve("state");
      assertThat(out.toString()).contains("Data directory: " + state + System.lineSeparator())
          .contains("Bearer $(cat " + state.resolve("dev-key") + ")").contains("H2 " + state.resolve("veil.mv.db"))
          .contains("token in " + state.resolve("admin-token")).doesNotContain("/./").doesNotContain("/../");
    }
  }

  /**
   * review12: the banner's curl line put the dev-key path into {@code $(cat …)} unquoted, so a data directory with a
   * space (or a {@code $}) gave a line that failed when copied. The line's bearer part, run by a shell, reads the key.
   */
  @Test
  void theBannersCurlLineWorksForADataDirectoryWithSpacesAndDollars() throws Exception {
    StringWriter out = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of());
    Path state = dir.resolve("my state $HOME 'x'");
    cli(serve, out, new StringWriter()).parseArgs("--data-dir", state.toString(), "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running ignored = serve.start()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Bearer (\\$\\(cat .*\\))\" -H").matcher(out.toString());
      assertThat(m.find()).as(out.toString()).isTrue();
      Process sh = new ProcessBuilder("bash", "-c", "printf %s \"" + m.group(1) + "\"").redirectErrorStream(true).start();
      String printed = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(sh.waitFor()).as(printed).isZero();
      assertThat(printed).isEqualTo(java.nio.file.Files.readString(state.resolve("dev-key")).strip());
    }
  }

  @Test
  void shellWordsQuoteOnlyWhatAShellWouldRead() {
    assertThat(ServeCommand.shellWord("/var/lib/veil/dev-key")).isEqualTo("/var/lib/veil/dev-key");
    assertThat(ServeCommand.shellWord("/a b/dev-key")).isEqualTo("'/a b/dev-key'");
    assertThat(ServeCommand.shellWord("/it's/$x")).isEqualTo("'/it'\\''s/$x'");
  }

  /**
   * qa8: with a self-signed certificate (openssl req -x509, as a first try of TLS makes) the banner's curl line
   * failed silently (curl -s, exit 60: certificate not trusted); it now names the certificate with --cacert.
   */
  @Test
  void aSelfSignedCertificateIsNamedInTheBannersCurlLine() throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned(dir.resolve("tls"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of("VEIL_TLS_CERT", pem.certificate().toString(),
        "VEIL_TLS_KEY", pem.privateKey().toString()));
    cli(serve, out, err).parseArgs("--data-dir", dir.resolve("data").toString(), "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running running = serve.start()) {
      assertThat(running).as(err.toString()).isNotNull();
      assertThat(out.toString()).contains("curl -s --cacert " + pem.certificate() + " https://127.0.0.1:"
          + running.gateway().port() + "/v1/chat/completions");
    }
  }

  /**
   * {@code --upstream} replaces the configured upstream (read once, with the rest of the file). Before, the
   * file was loaded whole first, so its upstream URL, about to be replaced, still stopped the start.
   */
  @Test
  void theUpstreamOptionWinsOverTheConfiguredUpstream() throws Exception {
    Path config = Files.writeString(dir.resolve("veil.yaml"), "upstream:\n  url: http://provider.example/v1\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of());
    cli(serve, out, err).parseArgs("--config", config.toString(), "--data-dir", dir.toString(), "--port", "0",
        "--upstream", "http://127.0.0.1:9/v1");
    try (ServeCommand.Running running = serve.start()) {
      assertThat(running).as(err.toString()).isNotNull();
      assertThat(out.toString()).contains("Upstream: http://127.0.0.1:9/v1");
    }
    StringWriter out2 = new StringWriter();
    ServeCommand mock = new ServeCommand(Map.of("VEIL_UPSTREAM_URL", "https://api.example.com/v1",
        "VEIL_UPSTREAM_API_KEY", "sk-proj-NOT-USED-0123456789"));
    cli(mock, out2, new StringWriter()).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "mock");
    try (ServeCommand.Running running = mock.start()) {
      assertThat(out2.toString()).contains("Upstream: the built-in mock LLM").doesNotContain("api.example.com");
    }
  }

  /** Before: only "JacksonYAMLParseException (line 3, column 1)"; now the parser's problem too, never the line. */
  @Test
  void aBrokenYamlFileIsReportedWithTheParsersProblemButNotItsContent() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "upstream:\n  apiKey: [sk-proj-SECRET123\nserver:\n  port: 1\n");
    StringWriter err = new StringWriter();
    int code = cli(new ServeCommand(Map.of()), new StringWriter(), err)
        .execute("--data-dir", dir.resolve("data").toString(), "--config", bad.toString());
    assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(err.toString()).contains("bad.yaml").contains("(line ").contains("while parsing a flow sequence")
        .contains("expected ',' or ']'").doesNotContain("SECRET123").doesNotContain("apiKey");
    assertThat(dir.resolve("data")).as("nothing created").doesNotExist();
  }

  /**
   * Secrets from files (Docker/Kubernetes secrets): the provider key and admin token are read from the
   * files VEIL_*_FILE name; neither appears in the banner, /health or /ready.
   */
  @Test
  void secretsFromFilesAreUsedAndNeverShown() throws Exception {
    Path providerKey = Files.writeString(dir.resolve("provider-key"), "sk-proj-FROMFILE-0123456789\n");
    Path adminToken = Files.writeString(dir.resolve("admin"), "admin-FROMFILE-0123456789abcdef0123456789\n");
    StringWriter out = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of("VEIL_UPSTREAM_API_KEY_FILE", providerKey.toString(),
        "VEIL_ADMIN_TOKEN_FILE", adminToken.toString()));
    cli(serve, out, new StringWriter()).parseArgs("--data-dir", dir.resolve("data").toString(), "--port", "0",
        "--upstream", "http://127.0.0.1:9/v1");
    try (ServeCommand.Running running = serve.start()) {
      assertThat(out.toString()).contains("(provider key configured)").doesNotContain("FROMFILE");
      HttpClient http = HttpClient.newHttpClient();
      for (String probe : new String[] {"/health", "/ready"}) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + running.gateway().port() + probe)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(probe).isEqualTo(200);
        assertThat(r.body()).doesNotContain("FROMFILE");
      }
      HttpResponse<String> admin = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + running.gateway().port() + "/admin/audit/verify"))
          .header("Authorization", "Bearer admin-FROMFILE-0123456789abcdef0123456789").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).as("the admin token from the file is the one in force").isEqualTo(200);
    }
  }

  @Test
  void anUnknownLogFormatIsAUsageErrorAndHelpListsTheEnvironment() throws Exception {
    StringWriter err = new StringWriter();
    int code = cli(new ServeCommand(Map.of("VEIL_LOG_FORMAT", "JSON")), new StringWriter(), err)
        .execute("--data-dir", dir.resolve("data").toString());
    assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(err.toString()).contains("VEIL_LOG_FORMAT must be text or json");
    StringWriter help = new StringWriter();
    cli(new ServeCommand(Map.of()), help, new StringWriter()).execute("--help");
    assertThat(help.toString()).contains("VEIL_UPSTREAM_API_KEY[_FILE]", "VEIL_LOG_FORMAT", "GET /ready");
  }

  /**
   * qa8: serve --help, the list of environment variables a first reader has, lacked ten that serve reads (the
   * detection cache's, VEIL_RATE_LIMITS, VEIL_HEADER_TIMEOUT_SECONDS, VEIL_MIN_BODY_BYTES_PER_SECOND, the keysets
   * the multi-instance error names, VEIL_PLUGINS, ...), and its lines wrapped mid-phrase at 80 columns.
   */
  @Test
  void helpNamesEveryVariableVeilServeReadsInLinesThatDoNotWrap() {
    StringWriter help = new StringWriter();
    cli(new ServeCommand(Map.of()), help, new StringWriter()).execute("--help");
    String text = help.toString().replace("[_FILE]", " _FILE");
    for (io.veil.gateway.KnownEnvironment.Variable v : io.veil.gateway.KnownEnvironment.variables()) {
      if (v.reader() == io.veil.gateway.KnownEnvironment.Reader.SCRIPTS) {
        continue; // developer scripts, not the product
      }
      String name = v.name().endsWith("_FILE") ? v.name().substring(0, v.name().length() - "_FILE".length()) : v.name();
      assertThat(text).as(v.name()).containsPattern("\\b" + name + "\\b");
    }
    String footer = text.substring(text.indexOf("Precedence:"));
    assertThat(footer.lines()).as("footer lines fit 80 columns, so picocli does not break them")
        .allSatisfy(line -> assertThat(line.length()).isLessThan(80));
  }

  @Test
  void plainHttpToARemoteUpstreamIsAUsageError() throws Exception {
    StringWriter err = new StringWriter();
    int code = cli(new ServeCommand(Map.of()), new StringWriter(), err)
        .execute("--data-dir", dir.toString(), "--upstream", "http://api.example.com/v1");
    assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(err.toString()).contains("HTTPS only");
  }

  /** Before: "veil: internal error (IllegalArgumentException)", exit 1, after the dev key and database were made. */
  @Test
  void missingOrUnreadableTlsFilesAreAUsageErrorNamingTheFileBeforeAnythingIsCreated() throws Exception {
    Path missing = dir.resolve("no-such-cert.pem");
    Path notPem = dir.resolve("not-a-key.pem");
    Files.writeString(notPem, "hello\n");
    Path data = dir.resolve("data");

    StringWriter err = new StringWriter();
    int code = cli(new ServeCommand(Map.of("VEIL_TLS_CERT", missing.toString(), "VEIL_TLS_KEY", notPem.toString())),
        new StringWriter(), err).execute("--data-dir", data.toString(), "--port", "0", "--upstream", "mock");
    assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(err.toString()).contains("TLS certificate").contains(missing.toString()).doesNotContain("internal error");
    assertThat(data.resolve("dev-key")).doesNotExist();

    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    StringWriter err2 = new StringWriter();
    int code2 = cli(new ServeCommand(Map.of("VEIL_TLS_CERT", cert.toString(), "VEIL_TLS_KEY", notPem.toString())),
        new StringWriter(), err2).execute("--data-dir", data.toString(), "--port", "0", "--upstream", "mock");
    assertThat(code2).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(err2.toString()).contains("TLS").doesNotContain("internal error");
    assertThat(data.resolve("dev-key")).doesNotExist();
  }

  /**
   * An existing data directory others could enter was left open (review9): one of this user's is tightened with a
   * line that says so; one of another user's refuses the start before anything is written into it.
   */
  @Test
  void anOpenDataDirectoryIsTightenedOrRefusesTheStart() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    StringWriter err = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of());
    cli(serve, new StringWriter(), err).parseArgs("--data-dir", data.toString(), "--port", "0", "--upstream",
        "http://127.0.0.1:9/v1");
    try (ServeCommand.Running ignored = serve.start()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(err.toString()).contains("was open to other users").contains("owner-only");
    }

    Path theirs = Files.createDirectories(dir.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Files.setAttribute(theirs, "unix:uid", 65534); // only root may give a directory away
    } catch (java.io.IOException e) {
      return;
    }
    StringWriter err2 = new StringWriter();
    int code = cli(new ServeCommand(Map.of()), new StringWriter(), err2).execute("--data-dir", theirs.toString(),
        "--port", "0", "--upstream", "http://127.0.0.1:9/v1");
    assertThat(code).isNotZero();
    assertThat(err2.toString()).contains("belongs to another user").doesNotContain("internal error");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(theirs))).isEqualTo("rwxr-xr-x");
    try (var files = Files.list(theirs)) {
      assertThat(files).isEmpty();
    }
  }

  /**
   * review11: a data directory whose gateway-secret is not the database's (another instance's own, a restore
   * without it) refuses the start with one line naming the file; {@code --adopt-gateway-secret} replaces it on
   * purpose, after which the previous secret is the one refused.
   */
  @Test
  void anotherGatewaySecretIsRefusedInOneLineUntilAdopted() throws Exception {
    String[] args = {"--data-dir", dir.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1"};
    ServeCommand first = new ServeCommand(Map.of());
    cli(first, new StringWriter(), new StringWriter()).parseArgs(args);
    try (ServeCommand.Running ignored = first.start()) {
      assertThat(dir.resolve("gateway-secret")).exists();
    }
    Path secret = dir.resolve("gateway-secret");
    byte[] original = Files.readAllBytes(secret);
    Files.delete(secret);

    StringWriter err = new StringWriter();
    assertThat(startOrClose(err, args)).as("refused (veil serve exits 2)").isFalse();
    assertThat(err.toString().strip()).doesNotContain("\n").startsWith("veil: ")
        .contains(secret.toAbsolutePath().normalize().toString()).contains("--adopt-gateway-secret")
        .doesNotContain(Files.readString(secret).strip()).doesNotContain(new String(original).strip())
        .doesNotContain("internal error");
    assertThat(dir.resolve(RunningGateway.URL_FILE)).doesNotExist();

    StringWriter adoptErr = new StringWriter();
    ServeCommand adopt = new ServeCommand(Map.of());
    cli(adopt, new StringWriter(), adoptErr).parseArgs(java.util.stream.Stream.concat(
        java.util.Arrays.stream(args), java.util.stream.Stream.of("--adopt-gateway-secret")).toArray(String[]::new));
    try (ServeCommand.Running ignored = adopt.start()) {
      assertThat(adoptErr.toString()).contains("now expects this data directory's gateway-secret");
    }
    Files.write(secret, original);
    StringWriter err2 = new StringWriter();
    assertThat(startOrClose(err2, args)).isFalse();
    assertThat(err2.toString()).contains("gateway-secret");
  }

  /** review11: a link planted at the gateway secret's path refuses the start in one line; it is not followed. */
  @Test
  void aLinkPlantedAtTheGatewaySecretRefusesTheStartInOneLine() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    Path chosen = Files.writeString(dir.resolve("chosen"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
    Files.setPosixFilePermissions(chosen, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(data.resolve("gateway-secret"), chosen);
    StringWriter err = new StringWriter();
    assertThat(startOrClose(err, "--data-dir", data.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1"))
        .isFalse();
    assertThat(err.toString().strip()).startsWith("veil: ").contains("gateway-secret").contains("symbolic link")
        .doesNotContain("\n").doesNotContain("internal error");
  }

  /**
   * secretenv: the gateway secret given as VEIL_GATEWAY_SECRET_FILE (a Kubernetes Secret: a link to a 0644 file)
   * starts serve without writing DATA_DIR/gateway-secret; another value is refused in one line naming the variable
   * (never a value) until adopted on purpose; a value that is not a secret is a usage error before anything starts.
   */
  @Test
  void aGatewaySecretFromTheEnvironmentIsUsedNeverWrittenAndCheckedAgainstTheDatabase() throws Exception {
    String[] args = {"--data-dir", dir.resolve("data").toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1"};
    String value = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
    Path mounted = Files.writeString(dir.resolve("secret-data"), value + "\n");
    Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("secret"), mounted);
    StringWriter err = new StringWriter();
    ServeCommand first = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET_FILE", link.toString()));
    cli(first, new StringWriter(), err).parseArgs(args);
    try (ServeCommand.Running running = first.start()) {
      assertThat(running).as("started: " + err).isNotNull();
    }
    assertThat(dir.resolve("data/gateway-secret")).doesNotExist();

    String another = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
    StringWriter refused = new StringWriter();
    ServeCommand wrong = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET", another));
    cli(wrong, new StringWriter(), refused).parseArgs(args);
    try (ServeCommand.Running running = wrong.start()) {
      assertThat(running).as("refused").isNull();
    }
    assertThat(refused.toString().strip()).startsWith("veil: ").doesNotContain("\n")
        .contains("the gateway secret VEIL_GATEWAY_SECRET is not the one").contains("--adopt-gateway-secret")
        .doesNotContain(value).doesNotContain(another).doesNotContain("internal error");

    StringWriter adoptErr = new StringWriter();
    ServeCommand adopt = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET", another));
    cli(adopt, new StringWriter(), adoptErr).parseArgs(java.util.stream.Stream.concat(
        java.util.Arrays.stream(args), java.util.stream.Stream.of("--adopt-gateway-secret")).toArray(String[]::new));
    try (ServeCommand.Running running = adopt.start()) {
      assertThat(running).isNotNull();
      assertThat(adoptErr.toString()).contains("now expects the gateway secret of VEIL_GATEWAY_SECRET")
          .doesNotContain(another);
    }
    assertThat(dir.resolve("data/gateway-secret")).doesNotExist();

    StringWriter usage = new StringWriter();
    int code = cli(new ServeCommand(Map.of("VEIL_GATEWAY_SECRET", "not a secret")), new StringWriter(), usage)
        .execute(args);
    assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(usage.toString()).contains("VEIL_GATEWAY_SECRET is not base64").doesNotContain("not a secret");
  }

  /**
   * ops17: after {@code --adopt-gateway-secret} with VEIL_GATEWAY_SECRET the data directory's {@code gateway-secret}
   * stayed, holding the previous secret (unused, but the key of the user hashes sent upstream before, and what a
   * command run without the variable signs privacy links with). The adoption deletes it and says so (never a value);
   * a start without {@code --adopt-gateway-secret} leaves it, and a VEIL_GATEWAY_SECRET_FILE naming that very file
   * keeps it.
   */
  @Test
  void adoptingTheEnvironmentsGatewaySecretDeletesTheDataDirectorysPreviousOne() throws Exception {
    Path data = dir.resolve("data");
    String[] args = {"--data-dir", data.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1"};
    String[] adopting = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--adopt-gateway-secret")).toArray(String[]::new);
    Path file = data.resolve("gateway-secret");
    StringWriter first = new StringWriter();
    assertThat(startOrClose(first, args)).as(first.toString()).isTrue();
    String previous = Files.readString(file).strip();

    String value = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
    StringWriter plain = new StringWriter();
    ServeCommand withoutAdopting = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET", value));
    cli(withoutAdopting, new StringWriter(), plain).parseArgs(args);
    try (ServeCommand.Running running = withoutAdopting.start()) {
      assertThat(running).as("another secret, not adopted: refused").isNull();
    }
    assertThat(file).as("nothing adopted, nothing deleted").exists();

    StringWriter adoptErr = new StringWriter();
    ServeCommand adopt = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET", value));
    cli(adopt, new StringWriter(), adoptErr).parseArgs(adopting);
    try (ServeCommand.Running running = adopt.start()) {
      assertThat(running).as(adoptErr.toString()).isNotNull();
    }
    assertThat(file).doesNotExist();
    assertThat(adoptErr.toString()).contains("deleted " + file.toAbsolutePath().normalize()
        + ", no longer used: the gateway secret is VEIL_GATEWAY_SECRET's now").doesNotContain(value)
        .doesNotContain(previous);

    // the variable naming the data directory's own file: that file is the secret in use, and stays
    io.veil.core.files.OwnerOnlyFiles.createNew(file, value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringWriter named = new StringWriter();
    ServeCommand namingIt = new ServeCommand(Map.of("VEIL_GATEWAY_SECRET_FILE", file.toString()));
    cli(namingIt, new StringWriter(), named).parseArgs(adopting);
    try (ServeCommand.Running running = namingIt.start()) {
      assertThat(running).as(named.toString()).isNotNull();
    }
    assertThat(file).as("the secret in use").exists();
    assertThat(named.toString()).doesNotContain("deleted");
  }

  /** Starts veil serve with {@code args}; true (and stopped again) if it started, false if it refused. */
  private boolean startOrClose(StringWriter err, String... args) throws Exception {
    ServeCommand serve = new ServeCommand(Map.of());
    cli(serve, new StringWriter(), err).parseArgs(args);
    try (ServeCommand.Running running = serve.start()) {
      return running != null;
    }
  }

  /** Before: "veil: internal error (JavalinBindException)" and exit 1. */
  @Test
  void aPortInUseIsAClearUsageError() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      int code = cli(new ServeCommand(Map.of()), new StringWriter(), err).execute("--data-dir", dir.toString(),
          "--port", String.valueOf(taken.getLocalPort()), "--upstream", "http://127.0.0.1:9/v1");
      assertThat(code).isEqualTo(VeilCli.EXIT_USAGE);
      assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("in use")
          .doesNotContain("internal error");
    }
  }

  /**
   * ops16: a {@code server.host} that is not an address of this machine was reported after a Javalin ERROR line as
   * "the port is in use or the address is not available". It is now one line naming the key (and VEIL_HOST when that
   * gave it), exit 2, before the store is opened or a listener tried.
   */
  @Test
  void aHostThatIsNotAnAddressOfThisMachineIsOneClearLine() throws Exception {
    String[][] cases = {
        {"192.0.2.1", "", "server.host 192.0.2.1 is not an address of this machine"},
        {"192.0.2.1", "VEIL_HOST", "server.host (VEIL_HOST) 192.0.2.1 is not an address of this machine"},
        {"no-such-host.invalid", "", "server.host no-such-host.invalid cannot be resolved"},
    };
    for (String[] c : cases) {
      Path data = Files.createTempDirectory(dir, "data");
      Path config = dir.resolve("veil.yaml");
      Files.writeString(config, "server:\n  host: " + c[0] + "\n");
      StringWriter err = new StringWriter();
      Map<String, String> env = c[1].isEmpty() ? Map.of() : Map.of(c[1], c[0]);
      int code = cli(new ServeCommand(env), new StringWriter(), err).execute(
          c[1].isEmpty() ? new String[] {"--config", config.toString(), "--data-dir", data.toString(), "--port", "0",
              "--upstream", "mock"}
              : new String[] {"--data-dir", data.toString(), "--port", "0", "--upstream", "mock"});
      assertThat(code).as(c[0]).isEqualTo(VeilCli.EXIT_USAGE);
      assertThat(err.toString()).as(c[0]).startsWith("veil: " + c[2]).doesNotContain("in use").hasLineCount(1);
      assertThat(data.resolve(StoreLocation.H2_FILE)).as("nothing opened").doesNotExist();
    }
    // loopback (127.0.0.1, the default) starts in every other test of this class
  }

  @Test
  void keysCreateListRevoke() {
    CliRun.withStore(dir);
    StringWriter out = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cl.execute("keys", "create", "--data-dir", dir.toString(), "--tenant", "acme", "--rate", "60/min")).isZero();
    String created = out.toString();
    String id = created.lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).strip();
    String secret = created.lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).strip();
    assertThat(cl.execute("keys", "list", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains(id).contains("60/min").contains("active");
    assertThat(out.toString().replace(created, "")).doesNotContain(secret);
    assertThat(cl.execute("keys", "revoke", "--data-dir", dir.toString(), id)).isZero();
    assertThat(cl.execute("keys", "revoke", "--data-dir", dir.toString(), "vk_none")).isEqualTo(1);
    assertThat(cl.execute("keys", "create", "--data-dir", dir.toString(), "--tenant", "acme", "--policy", "nope")).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(cl.execute("keys", "create", "--data-dir", dir.toString(), "--tenant", "acme", "--rate", "fast")).isEqualTo(VeilCli.EXIT_USAGE);
  }
  /** veil serve starts anyway and says once, on stderr, which VEIL_* variables it ignores: names, never values. */
  @Test
  void unknownVeilVariablesGiveOneWarningLineAtStartWithoutValues() throws Exception {
    String secret = "sk-proj-SERVE-ENV-SECRET-0123456789abcdef";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ServeCommand serve = new ServeCommand(Map.of("VEIL_UPSTREAM_APIKEY", secret, "VEIL_PROT", "8443",
        "VEIL_LOG_LEVEL", "INFO"));
    cli(serve, out, err).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1");
    try (ServeCommand.Running running = serve.start()) {
      assertThat(running).as("started despite the unknown variables").isNotNull();
      assertThat(err.toString().lines().filter(l -> l.contains("VEIL_")).toList()).containsExactly(
          "veil: warning: ignoring unknown environment variables (not read by Veil): VEIL_PROT (did you mean"
              + " VEIL_PORT?), VEIL_UPSTREAM_APIKEY (did you mean VEIL_UPSTREAM_API_KEY?)");
      assertThat(out.toString() + err).doesNotContain(secret).doesNotContain("8443");
    }
    StringWriter quiet = new StringWriter();
    ServeCommand clean = new ServeCommand(Map.of("VEIL_LOG_LEVEL", "INFO"));
    cli(clean, new StringWriter(), quiet).parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream",
        "http://127.0.0.1:9/v1");
    try (ServeCommand.Running ignored = clean.start()) {
      assertThat(quiet.toString()).doesNotContain("warning");
    }
  }
}
