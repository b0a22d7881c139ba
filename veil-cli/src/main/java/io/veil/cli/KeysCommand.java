package io.veil.cli;

import io.veil.gateway.GatewayConfig;
import io.veil.gateway.Governance;
import io.veil.store.AuditAction;
import io.veil.gateway.keys.ClientKey;
import io.veil.gateway.keys.ClientKeyStorage;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.keys.IssuedKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code veil keys create|list|revoke}: the gateway's virtual client keys; {@code veil keys rotate}:
 * the master key that wraps every subject key.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage Veil client keys.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
        KeysCommand.Rotate.class})
final class KeysCommand extends CommandGroup {
  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; prints its secret once.")
  static final class Create implements Callable<Integer> {
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})(?:/min)?");
    private static final Pattern LIFETIME = Pattern.compile("(\\d{1,6})([dhm])");

    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant the key belongs to")
    String tenant;

    @Option(names = "--policy", paramLabel = "P", defaultValue = "default", description = "Policy name (default: default)")
    String policy;

    @Option(names = "--rate", paramLabel = "N/min", description = "Requests per minute (default: unlimited)")
    String rate;

    @Option(names = "--expires-in", paramLabel = "DURATION",
        description = "Lifetime, e.g. 90d, 12h, 30m (default: until revoked); an expired key is refused like a revoked one")
    String expiresIn;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      int perMinute = 0;
      if (rate != null) {
        Matcher m = RATE.matcher(rate.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
          err.println("veil: --rate must look like 60/min (a positive number of requests per minute)");
          return VeilCli.EXIT_USAGE;
        }
        perMinute = Integer.parseInt(m.group(1));
      }
      java.time.Duration lifetime = null;
      if (expiresIn != null) {
        Matcher m = LIFETIME.matcher(expiresIn.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
          err.println("veil: --expires-in must look like 90d, 12h or 30m (a positive whole number and a unit)");
          return VeilCli.EXIT_USAGE;
        }
        long n = Long.parseLong(m.group(1));
        lifetime = switch (m.group(2)) {
          case "d" -> java.time.Duration.ofDays(n);
          case "h" -> java.time.Duration.ofHours(n);
          default -> java.time.Duration.ofMinutes(n);
        };
      }
      try {
        GatewayConfig cfg = location.load();
        if (!cfg.policies().containsKey(policy)) {
          err.println("veil: no policy named '" + policy + "' in the configuration (known: " + cfg.policies().keySet() + ")");
          return VeilCli.EXIT_USAGE;
        }
        Governance g;
        try {
          g = location.open(); // the audit trail: a key created here is recorded like one created by the API
        } catch (StoreLocation.InUse e) {
          com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("tenant", tenant).put("policy", policy);
          if (perMinute > 0) {
            body.put("rate_per_minute", perMinute);
          }
          if (lifetime != null) {
            body.put("expires_in_seconds", lifetime.toSeconds());
          }
          RunningGateway.Response r = location.remote(e).admin("POST", "/admin/keys", body.toString());
          if (!r.ok()) {
            return RunningGateway.print(spec, r);
          }
          // the same lines as on a stopped gateway (the API's JSON before)
          com.fasterxml.jackson.databind.JsonNode json = RunningGateway.json(r);
          String secret = json.path("secret").asText("");
          if (secret.isEmpty()) {
            throw new CliException("the running gateway's answer holds no key");
          }
          return printIssued(fromJson(json), secret);
        }
        IssuedKey key;
        try (g) {
          key = store(cfg, g).create(tenant, policy, perMinute, lifetime);
          auditOrFail(g, key.key().tenant(), "/admin/keys", "the key was created (id " + key.key().id() + ")");
        }
        return printIssued(key.key(), key.secret());
      } catch (IllegalArgumentException e) {
        err.println("veil: " + e.getMessage());
        return VeilCli.EXIT_USAGE;
      }
    }

    /** <b>Security:</b> prints the secret; once, on stdout, where the operator asked for it. */
    private int printIssued(ClientKey key, String secret) {
      if (output.json) {
        return JsonOption.print(spec, io.veil.gateway.AdminJson.issuedKey(key, secret));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("id:     " + key.id());
      out.println("tenant: " + key.tenant());
      out.println("policy: " + key.policy());
      out.println("rate:   " + (key.ratePerMinute() == 0 ? "unlimited" : key.ratePerMinute() + "/min"));
      out.println("expires: " + (key.expiresAt() == null ? "never (until revoked)" : key.expiresAt()));
      out.println("key:    " + secret);
      out.println("(the key is shown only now; Veil stores its hash)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
      try {
        GatewayConfig cfg = location.load();
        List<ClientKey> keys;
        try {
          keys = keys(cfg);
        } catch (StoreLocation.InUse e) {
          RunningGateway.Response r = location.remote(e).admin("GET", "/admin/keys", null);
          if (!r.ok()) {
            return RunningGateway.print(spec, r);
          }
          keys = listFromJson(RunningGateway.json(r));
        }
        if (output.json) {
          return JsonOption.print(spec, io.veil.gateway.AdminJson.keys(keys));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-24s %-12s %-10s %-22s %s%n", "ID", "TENANT", "POLICY", "RATE", "CREATED", "STATUS");
        for (ClientKey k : keys) {
          out.printf("%-20s %-24s %-12s %-10s %-22s %s%n", k.id(), k.tenant(), k.policy(),
              k.ratePerMinute() == 0 ? "-" : k.ratePerMinute() + "/min", k.createdAt().toString().substring(0, 19) + "Z",
              k.revoked() ? "revoked " + k.revokedAt()
                  : k.expiredAt(java.time.Instant.now()) ? "expired " + k.expiresAt()
                  : k.expiresAt() != null ? "active until " + k.expiresAt() : "active");
        }
        out.flush();
        return 0;
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("veil: " + e.getMessage());
        return VeilCli.EXIT_USAGE;
      }
    }

    /** The keys, read here: from keys.json, or from the database (InUse: a gateway holds the H2 file). */
    private List<ClientKey> keys(GatewayConfig cfg) {
      if (cfg.governance().clientKeys() == ClientKeyStorage.FILE) {
        return FileClientKeyStore.open(cfg.dataDir()).list();
      }
      try (Governance g = location.open()) {
        return store(cfg, g).list();
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "ID", description = "The key id (vk_...)")
    String id;

    @Override
    public Integer call() {
      try {
        GatewayConfig cfg = location.load();
        Governance g;
        try {
          g = location.open();
        } catch (StoreLocation.InUse e) {
          RunningGateway.Response r = location.remote(e).admin("POST", "/admin/keys/"
              + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/revoke", "{}");
          if (r.status() == 404) {
            spec.commandLine().getErr().println("veil: no key with id " + id);
            return 1;
          }
          if (!r.ok()) {
            return RunningGateway.print(spec, r);
          }
          return revoked(cfg);
        }
        try (g) {
          ClientKeyStore store = store(cfg, g);
          String tenant = store.list().stream().filter(k -> k.id().equals(id)).map(ClientKey::tenant).findFirst().orElse(null);
          if (tenant == null || !store.revoke(id)) {
            spec.commandLine().getErr().println("veil: no key with id " + id);
            return 1;
          }
          auditOrFail(g, tenant, "/admin/keys/revoke", "the key was revoked");
        }
        return revoked(cfg);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("veil: " + e.getMessage());
        return VeilCli.EXIT_USAGE;
      }
    }

    private int revoked(GatewayConfig cfg) {
      if (output.json) {
        return JsonOption.print(spec, io.veil.gateway.AdminJson.revoked(id));
      }
      spec.commandLine().getOut().println("revoked " + id + (cfg.governance().clientKeys() == ClientKeyStorage.FILE
          ? " (the gateway stops accepting it within a second)"
          : " (every gateway on this database refuses it from now on)"));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Rotate the master key (DATA_DIR/keys/master.json): add a new primary key and re-wrap every"
          + " subject key with it; old keys stay in the keyset, so everything stays readable.")
  static final class Rotate implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
      try (io.veil.gateway.Governance g = location.open()) {
        int keysInSet = g.keyManager().rotateMaster();
        int rewrapped = g.subjectKeys().rewrapAll();
        auditOrFail(g, "system", "/admin/master-key/rotate", "the master key was rotated");
        return rotated(keysInSet, rewrapped);
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response r = location.remote(e).admin("POST", "/admin/master-key/rotate", "{}");
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        com.fasterxml.jackson.databind.JsonNode json = RunningGateway.json(r);
        if (!json.path("keys_in_keyset").canConvertToInt() || !json.path("rewrapped").canConvertToInt()) {
          throw new CliException("the running gateway's rotation report was not understood");
        }
        // the same line as on the stopped gateway (qa8: the API's JSON here)
        return rotated(json.path("keys_in_keyset").asInt(), json.path("rewrapped").asInt());
      } catch (io.veil.store.StoreException e) {
        throw new CliException(e.getMessage());
      }
    }

    private int rotated(int keysInSet, int rewrapped) {
      if (output.json) {
        return JsonOption.print(spec, io.veil.gateway.AdminJson.rotation(keysInSet, rewrapped));
      }
      spec.commandLine().getOut().println("master key rotated: " + keysInSet + " keys in the keyset, "
          + rewrapped + " wrapped keys re-wrapped with the new primary");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The key store the configuration names, on the store {@code g} opened (imports keys.json once, see ClientKeyStores). */
  static ClientKeyStore store(GatewayConfig cfg, Governance g) {
    return ClientKeyStores.open(cfg.governance().clientKeys(), cfg.dataDir(), g::clientKeyTable);
  }

  /** The keys of a running gateway's {@code GET /admin/keys} answer. */
  static List<ClientKey> listFromJson(com.fasterxml.jackson.databind.JsonNode answer) {
    List<ClientKey> keys = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode n : answer.path("data")) {
      keys.add(fromJson(n));
    }
    return keys;
  }

  /** One key of the admin API's answers (never its secret). */
  static ClientKey fromJson(com.fasterxml.jackson.databind.JsonNode n) {
    try {
      return new ClientKey(n.path("id").asText(), n.path("tenant").asText(), n.path("policy").asText(),
          n.path("rate_per_minute").asInt(0), java.time.Instant.parse(n.path("created_at").asText()),
          instant(n, "revoked_at"), instant(n, "expires_at"));
    } catch (RuntimeException e) {
      throw new CliException("the running gateway's answer about a key was not understood");
    }
  }

  private static java.time.Instant instant(com.fasterxml.jackson.databind.JsonNode n, String field) {
    return n.hasNonNull(field) ? java.time.Instant.parse(n.get(field).asText()) : null;
  }

  /**
   * Records an admin action the CLI carried out on the store ({@link Governance#auditAction}, source
   * {@code cli}); when the record cannot be written, fails with a message saying that the action itself was done.
   */
  static void auditOrFail(Governance g, String tenant, String endpoint, String done) {
    auditOrFail(g, tenant, null, endpoint, AuditAction.ADMIN, done);
  }

  /**
   * Records an action the CLI carried out on the store as the gateway's API records the same action (its endpoint,
   * its {@link AuditAction}, the subject's pseudonym or null), source {@code cli}; when the record cannot be
   * written, fails with a message saying that the action itself was done.
   */
  static void auditOrFail(Governance g, String tenant, io.veil.store.Pseudonym subject, String endpoint,
      AuditAction action, String done) {
    try {
      g.auditAction(tenant, subject, endpoint, action, Governance.ActionSource.CLI);
    } catch (io.veil.store.StoreException e) {
      throw new CliException(done + ", but its audit record could not be written: " + e.getMessage());
    }
  }
}
