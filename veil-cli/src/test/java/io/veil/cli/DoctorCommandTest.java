package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.EntityType;
import io.veil.gateway.GovernanceConfig;
import io.veil.gateway.Governance;
import io.veil.store.AuditAction;
import io.veil.store.AuditRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil doctor}: output forms, exit codes, no state created, the audit chain checked. */
class DoctorCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void freshDataDirectoryWarnsAndCreatesNothing() throws Exception {
    Path dir = tmp.resolve("veil-data");
    CliRun.Result r = CliRun.cli().run("doctor", "--data-dir", dir.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("WARN").contains("upstream.transport").contains("veil doctor: warn");
    assertThat(dir).as("doctor creates no state").doesNotExist();

    CliRun.Result j = CliRun.cli().run("doctor", "--json", "--data-dir", dir.toString());
    assertThat(j.exit()).isEqualTo(1);
    JsonNode n = JSON.readTree(j.out());
    assertThat(n.get("status").asText()).isEqualTo("warn");
    assertThat(n.get("checks").size()).isGreaterThanOrEqualTo(15);
    for (JsonNode c : n.get("checks")) {
      assertThat(c.has("id") && c.has("status") && c.has("title") && c.has("message") && c.has("fix")).isTrue();
    }
  }

  @Test
  void plainHttpOnAllInterfacesFailsWithExitCode2() throws Exception {
    Path cfg = tmp.resolve("veil.yaml");
    Files.writeString(cfg, "server:\n  host: 0.0.0.0\ndataDir: " + tmp.resolve("d") + "\n");
    CliRun.Result r = CliRun.cli().run("doctor", "--json", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(2);
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("status").asText()).isEqualTo("fail");
    boolean found = false;
    for (JsonNode c : n.get("checks")) {
      if (c.get("id").asText().equals("tls.listener")) {
        found = true;
        assertThat(c.get("status").asText()).isEqualTo("fail");
        assertThat(c.get("fix").asText()).contains("server.tls.certificate");
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void aConfigurationThatDoesNotLoadIsAFailure() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, "sever:\n  host: 0.0.0.0\n");
    CliRun.Result r = CliRun.cli().run("doctor", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not load").contains("sever");
  }

  @Test
  void auditChainIsVerifiedAndTamperingFails() throws Exception {
    Path dir = tmp.resolve("state");
    try (Governance g = Governance.open(GovernanceConfig.defaults(), dir, Map.of())) {
      for (int i = 0; i < 3; i++) {
        g.audit().append(new AuditRecord("acme", null, "/v1/chat/completions", "gpt-4o-mini",
            new TreeMap<EntityType, Integer>(Map.of(EntityType.EMAIL, 1)), AuditAction.PSEUDONYMIZED, "default:abc", 200, 5));
      }
      g.audit().checkpoint();
    }
    CliRun.Result ok = CliRun.cli().run("doctor", "--json", "--data-dir", dir.toString());
    JsonNode chain = check(JSON.readTree(ok.out()), "audit.chain");
    assertThat(chain.get("status").asText()).as(chain.toString()).isEqualTo("ok");
    assertThat(chain.get("message").asText()).contains("3 records");
    assertThat(check(JSON.readTree(ok.out()), "database.reachable").get("status").asText()).isEqualTo("ok");

    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("veil")
        + ";DB_CLOSE_ON_EXIT=FALSE", "veil", ""); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_records SET status = 500 WHERE seq = 2");
    }
    CliRun.Result bad = CliRun.cli().run("doctor", "--data-dir", dir.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.out()).contains("FAIL  audit.chain").contains("#2");
  }

  /**
   * Before the first start on the database key store, {@code keys.json}'s keys are counted as serve will hold
   * them after importing them, and the message says the import is still to come. Before, doctor reported
   * "not checked" (no database yet) or "0 active of 0 keys" (database not yet started on) while the file held keys.
   */
  @Test
  void keysServeWillImportFromKeysJsonAreCountedAndAnnounced() throws Exception {
    Path dir = tmp.resolve("moving");
    io.veil.gateway.keys.FileClientKeyStore file = io.veil.gateway.keys.FileClientKeyStore.open(dir);
    file.create("acme", "default", 0);
    file.revoke(file.create("acme", "default", 0).key().id());

    JsonNode keys = check(JSON.readTree(CliRun.cli().run("doctor", "--json", "--data-dir", dir.toString()).out()),
        "keys.clients");
    assertThat(keys.get("status").asText()).as(keys.toString()).isEqualTo("ok");
    assertThat(keys.get("message").asText()).contains("1 active of 2 keys")
        .contains("2 of them still only in").contains("keys.json").contains("which creates the database");
    assertThat(dir.resolve("veil.mv.db")).as("doctor creates no database").doesNotExist();

    try (Governance g = Governance.open(GovernanceConfig.defaults(), dir, Map.of())) {
      assertThat(g.clientKeyTable().list()).as("the database exists, nothing imported yet").isEmpty();
    }
    keys = check(JSON.readTree(CliRun.cli().run("doctor", "--json", "--data-dir", dir.toString()).out()), "keys.clients");
    assertThat(keys.get("message").asText()).as(keys.toString()).contains("1 active of 2 keys")
        .contains("2 of them still only in").doesNotContain("creates the database");
    try (Governance g = Governance.open(GovernanceConfig.defaults(), dir, Map.of())) {
      assertThat(g.clientKeyTable().list()).as("doctor imported nothing").isEmpty();
      io.veil.gateway.keys.ClientKeyStores.open(io.veil.gateway.keys.ClientKeyStorage.DATABASE, dir, g::clientKeyTable);
    }
    keys = check(JSON.readTree(CliRun.cli().run("doctor", "--json", "--data-dir", dir.toString()).out()), "keys.clients");
    assertThat(keys.get("message").asText()).as("after serve's import").contains("1 active of 2 keys")
        .doesNotContain("still only in");

    JsonNode first = check(JSON.readTree(CliRun.cli().run("doctor", "--json", "--data-dir",
        tmp.resolve("new").toString()).out()), "keys.clients");
    assertThat(first.get("message").asText()).as("no keys.json, no database: serve creates the first key")
        .contains("veil serve creates it on its first start").contains("dev-key");
  }

  private static JsonNode check(JsonNode report, String id) {
    for (JsonNode c : report.get("checks")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no check " + id);
  }
  /** A misspelt variable is named with the likely intended one, as a warning; its value never appears. */
  @Test
  void misspeltEnvironmentVariablesAreWarnedAboutByNameOnly() throws Exception {
    String secret = "sk-proj-DOCTOR-ENV-SECRET-0123456789abcdef";
    Map<String, String> env = Map.of("VEIL_UPSTREAM_APIKEY", secret, "VEIL_ADMIN_TOKN", secret + "-admin",
        "VEIL_PORT", "8080");
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cl = new picocli.CommandLine(new DoctorCommand(env));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    int exit = cl.execute("--data-dir", tmp.resolve("data").toString());
    assertThat(exit).as(out + "" + err).isEqualTo(1);
    String text = out.toString();
    assertThat(text).containsPattern("WARN +environment\\.variables")
        .contains("VEIL_ADMIN_TOKN (did you mean VEIL_ADMIN_TOKEN?)")
        .contains("VEIL_UPSTREAM_APIKEY (did you mean VEIL_UPSTREAM_API_KEY?)")
        .doesNotContain(secret);
    assertThat(err.toString()).doesNotContain(secret);

    java.io.StringWriter json = new java.io.StringWriter();
    picocli.CommandLine j = new picocli.CommandLine(new DoctorCommand(env));
    j.setOut(new java.io.PrintWriter(json, true));
    j.execute("--json", "--data-dir", tmp.resolve("data").toString());
    assertThat(json.toString()).doesNotContain(secret);
    JsonNode check = null;
    for (JsonNode c : JSON.readTree(json.toString()).get("checks")) {
      if (c.get("id").asText().equals("environment.variables")) {
        check = c;
      }
    }
    assertThat(check).isNotNull();
    assertThat(check.get("status").asText()).isEqualTo("warn");

    java.io.StringWriter clean = new java.io.StringWriter();
    picocli.CommandLine c = new picocli.CommandLine(new DoctorCommand(Map.of("VEIL_PORT", "8080")));
    c.setOut(new java.io.PrintWriter(clean, true));
    c.execute("--data-dir", tmp.resolve("data").toString());
    assertThat(clean.toString()).doesNotContainPattern("WARN +environment\\.variables");
  }
}
