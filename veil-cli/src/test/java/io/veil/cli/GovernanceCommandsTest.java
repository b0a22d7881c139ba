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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The governance commands on the data directory of a real {@code veil serve} (embedded H2), after
 * real traffic: consent, audit verify (and tampering caught), DSR export and erase, retention, master
 * key rotation, privacy links.
 */
class GovernanceCommandsTest {
  static final String EMAIL = "jane.doe@example.com";
  /** What {@code veil retention run} and {@code veil keys rotate} print, with the gateway stopped or running. */
  static final String RETENTION_ROW = "(?m)^vault_entries +kept \\d+d +deleted 0$";
  static final String RETENTION_IDLE_KEYS = "(?m)^idle_subject_keys +deleted \\d+$";
  static final String ROTATED = "master key rotated: 2 keys in the keyset, \\d+ wrapped keys re-wrapped with the new primary\\R";

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private Run veil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data-dir";
    all[args.length + 1] = dir.toString();
    int code = cl.execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  private HttpResponse<String> chat(ServeCommand.Running running, String user) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.gateway().port()
            + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + Files.readString(dir.resolve("dev-key")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Mail " + EMAIL + " now\"}]}"));
    if (user != null) {
      b.header("X-Veil-User", user);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private ServeCommand.Running serve() throws Exception {
    ServeCommand serve = new ServeCommand(Map.of());
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    cl.parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "mock");
    return serve.start();
  }

  @Test
  void privacyOperationsOnTheDataDirectoryOfAGateway() throws Exception {
    try (ServeCommand.Running running = serve()) {
      assertThat(chat(running, null).statusCode()).as("first run: no user id, processed").isEqualTo(200);
      assertThat(chat(running, "bob").statusCode()).as("GDPR: no consent yet").isEqualTo(403);
    }
    Run grant = veil("consent", "grant", "--tenant", "default", "--user", "bob", "--notice-version", "v1");
    assertThat(grant.exit()).as(grant.err()).isZero();
    try (ServeCommand.Running running = serve()) {
      HttpResponse<String> ok = chat(running, "bob");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains(EMAIL);
    }
    Run verify = veil("audit", "verify");
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    // three chat requests and the consent the CLI recorded on the store (PRIVACY_CHANGE, as the API records it)
    assertThat(verify.out()).contains("intact").contains("4 records");

    Path exportFile = dir.resolve("bob.json");
    assertThat(veil("dsr", "export", "--tenant", "default", "--user", "bob", "--out", exportFile.toString()).exit()).isZero();
    assertThat(Files.readString(exportFile)).contains(EMAIL).contains("\"llm-processing\"");
    assertOwnerOnly(exportFile);

    Run erase = veil("dsr", "erase", "--tenant", "default", "--user", "bob");
    assertThat(erase.exit()).isZero();
    assertThat(erase.out()).contains("\"vault_entries_deleted\":1").contains("\"subject_key_destroyed\":true");
    assertThat(erase.err()).contains("verifies");
    assertThat(veil("dsr", "export", "--tenant", "default", "--user", "bob", "--out", exportFile.toString()).exit()).isZero();
    assertThat(Files.readString(exportFile)).doesNotContain(EMAIL).contains("\"vault_entries\":[]");
    assertThat(veil("audit", "verify").exit()).as("still verifies after erasure").isZero();
    assertThat(veil("dsr", "list", "--tenant", "default", "--all").out()).contains("erasure").contains("completed");

    Run localGrant = veil("consent", "grant", "--tenant", "default", "--user", "carol");
    assertThat(localGrant.exit()).isZero();
    assertThat(localGrant.out()).matches("llm-processing granted at \\d{4}-\\d\\d-\\d\\dT\\S+Z\\R");
    Run rotate = veil("keys", "rotate");
    assertThat(rotate.exit()).as(rotate.err()).isZero();
    assertThat(rotate.out()).matches(ROTATED);
    Run show = veil("consent", "show", "--tenant", "default", "--user", "carol");
    assertThat(show.out()).contains("llm-processing  granted").contains(" via cli (notice cli)");
    assertThat(veil("retention", "run").out()).containsPattern(RETENTION_ROW).containsPattern(RETENTION_IDLE_KEYS);
    assertThat(veil("privacy", "link", "--tenant", "default", "--user", "carol").out()).startsWith("v2.")
        .doesNotContain("carol");

    Path auditFile = dir.resolve("audit.jsonl");
    assertThat(veil("audit", "export", "--out", auditFile.toString()).exit()).isZero();
    assertThat(Files.readString(auditFile)).contains("\"seq\":1").doesNotContain(EMAIL).doesNotContain("bob");
    // ops16: --json gives the same records as one {"data":[…]} document, as the other admin commands' --json
    Path auditJson = dir.resolve("audit.json");
    assertThat(veil("audit", "export", "--json", "--out", auditJson.toString()).exit()).isZero();
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(auditFile)) {
      lines.add(mapper.readTree(line));
    }
    java.util.List<com.fasterxml.jackson.databind.JsonNode> data = new java.util.ArrayList<>();
    mapper.readTree(Files.readString(auditJson)).path("data").forEach(data::add);
    assertThat(data).hasSizeGreaterThan(3).isEqualTo(lines);

    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("veil"), "veil", "");
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_records SET status = 299 WHERE seq = 2");
    }
    Run tampered = veil("audit", "verify");
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.out()).contains("TAMPERED").contains("#2");
  }

  @Test
  void onARunningGatewaysH2FileTheCommandsGoThroughItsApis() throws Exception {
    try (ServeProcess ignored = ServeProcess.start(dir, dir.resolve("serve.log"), "--data-dir", dir.toString())) {
      // consent through the running gateway: recorded with source "cli", printed as on the local path
      Run grant = veil("consent", "grant", "--tenant", "default", "--user", "dora");
      assertThat(grant.exit()).as(grant.err()).isZero();
      assertThat(grant.out()).matches("llm-processing granted at \\d{4}-\\d\\d-\\d\\dT\\S+Z\\R");
      Run withdraw = veil("consent", "withdraw", "--tenant", "default", "--user", "dora", "--purpose", "analytics",
          "--notice-version", "2026-11");
      assertThat(withdraw.exit()).as(withdraw.err()).isZero();
      assertThat(withdraw.out()).matches("analytics withdrawn at \\S+Z\\R");
      Run shown = veil("consent", "show", "--tenant", "default", "--user", "dora");
      assertThat(shown.exit()).as(shown.err()).isZero();
      assertThat(shown.out()).contains("llm-processing  granted at").contains("via cli (notice cli)")
          .contains("analytics       withdrawn at").contains("via cli (notice 2026-11)")
          .contains("history:").doesNotContain("privacy-link").doesNotContain("{");
      Run badPurpose = veil("consent", "grant", "--tenant", "default", "--user", "dora", "--purpose", "nope");
      assertThat(badPurpose.exit()).isNotZero();
      Run verify = veil("audit", "verify");
      assertThat(verify.exit()).as(verify.err()).isZero();
      assertThat(verify.out()).contains("intact").contains("via the running gateway");
      assertThat(veil("dsr", "export", "--tenant", "default", "--user", "dora").out()).contains("\"llm-processing\"");
      // review7: through the running gateway the export file was created with the umask (rw-r--r--), readable by
      // every local user, while the local path made it owner-only
      Path remoteExport = dir.resolve("dora.json");
      Files.writeString(remoteExport, "old"); // an existing file is replaced, its permissions with it
      Run remoteExported = veil("dsr", "export", "--tenant", "default", "--user", "dora", "--out", remoteExport.toString());
      assertThat(remoteExported.exit()).isZero();
      assertThat(remoteExported.err()).contains("access request completed");
      assertThat(Files.readString(remoteExport)).contains("\"llm-processing\"");
      assertOwnerOnly(remoteExport);
      Path remoteAudit = dir.resolve("audit-remote.jsonl");
      assertThat(veil("audit", "export", "--out", remoteAudit.toString()).exit()).isZero();
      assertThat(Files.readString(remoteAudit)).isNotEmpty();
      assertOwnerOnly(remoteAudit);
      // qa8: these printed the API's JSON here and a table or a sentence on a stopped gateway; now the same
      // output either way (the local path's, asserted in privacyOperationsOnTheDataDirectoryOfAGateway)
      Run list = veil("dsr", "list", "--tenant", "default", "--all");
      assertThat(list.out()).as(list.err()).startsWith("ID ").containsPattern("\\R\\S{36} +default +access +gdpr +completed ")
          .doesNotContain("{");
      Run retention = veil("retention", "run");
      assertThat(retention.out()).as(retention.err()).containsPattern(RETENTION_ROW)
          .containsPattern(RETENTION_IDLE_KEYS).doesNotContain("{");
      Run rotate = veil("keys", "rotate");
      assertThat(rotate.out()).as(rotate.err())
          .matches(ROTATED);
      Run erase = veil("dsr", "erase", "--tenant", "default", "--user", "dora");
      // two decisions (grant, withdraw): two consent events plus two current-state rows
      assertThat(erase.out()).as(erase.err()).startsWith("{\"receipt_id\":").contains("\"consent_records_deleted\":4")
          .doesNotContain("\"request\"").doesNotContain("public_keyset");
      assertThat(erase.err()).matches("erasure request \\S{36} completed; receipt signature verifies\\R");
      assertThat(veil("audit", "verify").exit()).isZero();
    }
    assertThat(dir.resolve("gateway.url")).as("removed on shutdown").doesNotExist();
    assertThat(veil("audit", "verify").out()).as("and the local path works again").contains("intact").doesNotContain("via");
  }

  /**
   * qa8: on a stopped gateway, {@code veil privacy link} printed the Privacy Center at the configured port (8080)
   * as if it were the gateway's, also when it had been started with {@code --port}. While a gateway runs the link
   * names the URL it announced (as the other commands find it); once it stopped, the line says that the address
   * is the configured listener's and that {@code --port} moves it.
   */
  @Test
  void thePrivacyLinkNamesTheRunningGatewaysUrlElseSaysItIsTheConfiguredListener() throws Exception {
    String center;
    try (ServeCommand.Running running = serve()) {
      Run link = veil("privacy", "link", "--tenant", "default", "--user", "erin");
      assertThat(link.exit()).as(link.err()).isZero();
      center = "http://127.0.0.1:" + running.gateway().port() + "/ui/privacy/#token=" + link.out().strip();
      assertThat(link.err()).contains("Privacy Center: " + center + System.lineSeparator());
    }
    Run stopped = veil("privacy", "link", "--tenant", "default", "--user", "erin");
    assertThat(stopped.exit()).as(stopped.err()).isZero();
    assertThat(stopped.err()).doesNotContain("Privacy Center: http")
        .contains("Privacy Center (no gateway runs on this data directory now; this is the configured listener,"
            + " another port if the gateway is started with --port): http://127.0.0.1:8080/ui/privacy/#token="
            + stopped.out().strip());
  }

  /**
   * ops16: {@code veil privacy link} had no {@code --json}, unlike the other admin commands. With it, one line: the
   * admin API's answer to {@code POST /admin/privacy-links} (the same field names, the same writer), and the token
   * opens the subject's privacy API.
   */
  @Test
  void privacyLinkJsonIsTheAdminApisDocumentAndItsTokenWorks() throws Exception {
    try (ServeCommand.Running running = serve()) {
      Run link = veil("privacy", "link", "--tenant", "default", "--user", "erin", "--ttl", "30", "--json");
      assertThat(link.exit()).as(link.err()).isZero();
      assertThat(link.out().lines().count()).isEqualTo(1);
      com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(link.out());
      String token = doc.path("token").asText();
      assertThat(token).startsWith("v2.");
      assertThat(doc.path("expires_in").asLong()).isEqualTo(1800);
      assertThat(doc.path("center_path").asText()).endsWith("#token=" + token);
      assertThat(link.out()).doesNotContain("erin");

      String base = "http://127.0.0.1:" + running.gateway().port();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/privacy-links"))
          .header("Authorization", "Bearer " + Files.readString(dir.resolve(io.veil.gateway.AdminToken.FILE)).strip())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"default\",\"user\":\"erin\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).isEqualTo(201);
      java.util.List<String> apiFields = new java.util.ArrayList<>();
      new com.fasterxml.jackson.databind.ObjectMapper().readTree(api.body()).fieldNames().forEachRemaining(apiFields::add);
      java.util.List<String> cliFields = new java.util.ArrayList<>();
      doc.fieldNames().forEachRemaining(cliFields::add);
      assertThat(cliFields).isEqualTo(apiFields);

      HttpResponse<String> consent = http.send(HttpRequest.newBuilder(URI.create(base + "/privacy/consent"))
          .header("X-Veil-Privacy-Link", token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    }
  }

  /**
   * ops17: {@code veil privacy link} minted the link itself on both paths and wrote no audit record, while the admin
   * API's {@code POST /admin/privacy-links} records every link it issues (a link is a credential to the subject's
   * export and erasure). Now it is recorded either way, as that route records it: through the running gateway (source
   * {@code privacy-api}), and on the stopped gateway's store (source {@code cli}); the subject as its pseudonym only,
   * and the trail still verifies.
   */
  @Test
  void aPrivacyLinkIsAuditedThroughTheRunningGatewayAndOnTheStore() throws Exception {
    // another process, as in production: it holds the H2 file, so the command goes through its admin API
    try (ServeProcess running = ServeProcess.start(dir, dir.resolve("serve.log"), "--data-dir", dir.toString())) {
      Run link = veil("privacy", "link", "--tenant", "default", "--user", "erin");
      assertThat(link.exit()).as(link.err()).isZero();
      assertThat(link.out()).startsWith("v2.");
      assertThat(link.err()).contains("Privacy Center: " + running.url());
      // and the link it printed is one the gateway accepts
      HttpResponse<String> consent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          running.url().resolve("/privacy/consent"))
          .header("X-Veil-Privacy-Link", link.out().strip()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    }
    assertThat(linkRecords()).as("through the running gateway").containsExactly("privacy-api");
    Run local = veil("privacy", "link", "--tenant", "default", "--user", "frank", "--json");
    assertThat(local.exit()).as(local.err()).isZero();
    assertThat(local.out()).contains("\"token\":\"v2.");
    assertThat(linkRecords()).as("on the store, gateway stopped").containsExactly("privacy-api", "cli");
    Run verify = veil("audit", "verify");
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    assertThat(Files.readString(dir.resolve("links-audit.jsonl"))).doesNotContain("erin").doesNotContain("frank");

    // an out-of-range lifetime is refused before anything is minted or recorded
    Run tooLong = veil("privacy", "link", "--tenant", "default", "--user", "frank", "--ttl", "10081");
    assertThat(tooLong.exit()).isEqualTo(2);
    assertThat(tooLong.err()).contains("--ttl must be 1-10080 minutes");
    assertThat(linkRecords()).hasSize(2);
  }

  /** The policy_version (the source) of every audit record of a privacy link, in order; each names a subject. */
  private java.util.List<String> linkRecords() throws Exception {
    Path file = dir.resolve("links-audit.jsonl");
    Run export = veil("audit", "export", "--out", file.toString());
    assertThat(export.exit()).as(export.err()).isZero();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.List<String> sources = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      com.fasterxml.jackson.databind.JsonNode r = json.readTree(line);
      if ("/admin/privacy-links".equals(r.path("endpoint").asText())) {
        assertThat(r.path("action").asText()).isEqualTo("ADMIN");
        assertThat(r.path("subject").asText()).as("the subject's pseudonym").isNotBlank();
        sources.add(r.path("policy_version").asText());
      }
    }
    return sources;
  }

  /** The file is readable and writable by its owner only (POSIX file systems). */
  private static void assertOwnerOnly(Path file) throws Exception {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as("permissions of %s", file.getFileName()).isEqualTo("rw-------");
    }
  }
}
