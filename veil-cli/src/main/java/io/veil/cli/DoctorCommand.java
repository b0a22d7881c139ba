package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.Veil;
import io.veil.gateway.Doctor;
import io.veil.gateway.DoctorCheck;
import io.veil.gateway.DoctorReport;
import io.veil.gateway.DoctorStatus;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.Governance;
import io.veil.gateway.keys.ClientKeyStorage;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.keys.JdbcClientKeyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil doctor}: audits the configuration {@code veil serve} would run with (same
 * {@code --config}, {@code --data-dir} and {@code VEIL_*} environment) and prints the findings.
 *
 * <p>Exit codes: 0 every check ok; 1 warnings only; 2 at least one failure (also when the
 * configuration does not load, or the running gateway cannot be asked).
 *
 * <p>It never creates state: the client keys and the store are opened only where they exist. When the
 * embedded H2 file is held by a running gateway, the store checks (database, audit chain) are answered
 * by that gateway's {@code GET /admin/doctor}; {@code --remote} takes that gateway's whole report.
 *
 * <p><b>Security:</b> the output names settings and files, never secret values.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Audit the gateway's configuration and state: TLS, upstream HTTPS, admin token, key file"
        + " permissions, retention, consent, detection policy, client keys, audit chain.",
        "Exit codes: 0 ok, 1 warnings, 2 failures (or the configuration does not load)."})
final class DoctorCommand implements Callable<Integer>, VeilCli.ReportsEnvironment {
  /** Checks that need the store; a running gateway answers them when it holds the H2 file. */
  private static final List<String> STORE_CHECKS = List.of("database.reachable", "audit.chain", "keys.clients");

  @Spec
  CommandSpec spec;

  @Mixin
  StoreLocation location;

  @Option(names = "--json", description = "Print one JSON object {status, checks:[{id,status,title,message,fix}]}")
  boolean json;

  @Option(names = "--remote", description = "Ask the gateway running on this data directory (GET /admin/doctor)")
  boolean remote;

  private final Map<String, String> env;

  DoctorCommand() {
    this(System.getenv());
  }

  DoctorCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    GatewayConfig cfg;
    try {
      cfg = location.load();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("veil: the configuration does not load: " + e.getMessage());
      return DoctorStatus.FAIL.exitCode();
    }
    DoctorReport report = remote ? remoteReport(cfg) : localReport(cfg);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? report.toJson().toString() + System.lineSeparator() : report.toText());
    out.flush();
    return report.status().exitCode();
  }

  private DoctorReport localReport(GatewayConfig cfg) {
    Doctor doctor = Doctor.of(cfg).env(env).configFile(location.config).veil(Veil.builder().build());
    boolean keysInDatabase = cfg.governance().clientKeys() == ClientKeyStorage.DATABASE;
    if (!keysInDatabase && Files.exists(cfg.dataDir().resolve("keys.json"))) {
      doctor.keys(FileClientKeyStore.open(cfg.dataDir()));
    }
    boolean storeExists = StoreLocation.exists(cfg);
    List<DoctorCheck> fromGateway = new ArrayList<>();
    if (!storeExists) {
      if (keysInDatabase) {
        // what serve's first start will do: create the store, import keys.json, else create a first key
        doctor.beforeFirstStart();
        keysToImport(doctor, cfg, null).ifPresent(fromGateway::add);
      }
      return doctor.examine().replacing(fromGateway);
    }
    Governance g = null;
    try {
      g = location.open();
      doctor.governance(g);
      if (keysInDatabase) {
        // read only: the keys serve would import from keys.json are counted, not imported here
        doctor.keys(JdbcClientKeyStore.open(g.clientKeyTable()));
        keysToImport(doctor, cfg, g.clientKeyTable()).ifPresent(fromGateway::add);
      }
    } catch (StoreLocation.InUse e) {
      try {
        RunningGateway.find(cfg).ifPresent(rg -> ask(rg).checks().stream()
            .filter(c -> STORE_CHECKS.contains(c.id())).forEach(fromGateway::add));
      } catch (CliException ex) {
        // the gateway did not answer: the store checks stay "not checked"
      }
    } catch (CliException e) {
      // an unreachable database is a finding, not an error of this command
      fromGateway.add(new DoctorCheck("database.reachable", DoctorStatus.FAIL, "Database reachable",
          "the store cannot be opened: " + e.getMessage(), "start the database or fix database.url"));
    }
    try {
      return doctor.examine().replacing(fromGateway);
    } finally {
      if (g != null) {
        g.close();
      }
    }
  }

  /** Hands the doctor the keys serve would import from keys.json; a finding instead if the file cannot be read. */
  private static java.util.Optional<DoctorCheck> keysToImport(Doctor doctor, GatewayConfig cfg,
      io.veil.store.ClientKeyTable table) {
    try {
      doctor.keysToImport(ClientKeyStores.notYetImported(cfg.dataDir(), table));
      return java.util.Optional.empty();
    } catch (IllegalStateException e) {
      return java.util.Optional.of(new DoctorCheck("keys.clients", DoctorStatus.FAIL, "Client keys",
          "veil serve will not start: " + e.getMessage(), "fix or remove the file"));
    }
  }

  private DoctorReport remoteReport(GatewayConfig cfg) {
    RunningGateway rg = RunningGateway.find(cfg).orElseThrow(() -> new CliException(
        RunningGateway.stale(cfg.dataDir()).orElse(
            "no running gateway announced itself in " + cfg.dataDir() + " (" + RunningGateway.URL_FILE + ")")));
    return ask(rg);
  }

  private static DoctorReport ask(RunningGateway rg) {
    RunningGateway.Response r = rg.admin("GET", "/admin/doctor", null);
    if (r.status() != 200) {
      throw new CliException("the running gateway at " + rg.base() + " answered " + r.status() + " to GET /admin/doctor");
    }
    try {
      JsonNode n = new ObjectMapper().readTree(r.body());
      return DoctorReport.fromJson(n);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException("the running gateway's doctor report was not understood");
    }
  }
}
