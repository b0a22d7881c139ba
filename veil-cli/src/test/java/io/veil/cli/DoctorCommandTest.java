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
