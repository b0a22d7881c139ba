package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.AdminJson;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.GatewayPolicy;
import io.veil.gateway.Governance;
import io.veil.store.ErasureReceipt;
import io.veil.store.PrivacyRequest;
import io.veil.store.Pseudonym;
import io.veil.store.RegulationProfile;
import io.veil.store.Subject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code veil dsr list|export|erase|verify|deny}: data-subject requests. {@code export} and
 * {@code erase} file a request (received), mark it verified (the operator vouches for the identity),
 * carry it out and complete it; {@code verify}/{@code deny} move a queued request along.
 */
@Command(name = "dsr", mixinStandardHelpOptions = true, description = "Data-subject requests (access, erasure).",
    subcommands = {DsrCommand.ListRequests.class, DsrCommand.Export.class, DsrCommand.Erase.class,
        DsrCommand.Verify.class, DsrCommand.Deny.class})
final class DsrCommand extends CommandGroup {
  /** The subject: tenant and the tenant's user id. */
  static final class Who {
    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant")
    String tenant;

    @Option(names = "--user", required = true, paramLabel = "U", description = "The end user's id (as X-Veil-User)")
    String user;

    Subject subject() {
      try {
        return new Subject(tenant, user);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  static RegulationProfile profile(GatewayConfig cfg) {
    GatewayPolicy p = cfg.policies().get(GatewayPolicy.DEFAULT);
    return p == null ? cfg.governance().profile() : p.profile();
  }

  /**
   * Prints requests: a table, or with {@code --json} the admin API's document ({@code {"data":[…]}} for a list, the
   * request itself for {@code verify}/{@code deny}: {@code one}); returns 0.
   */
  static int print(CommandSpec spec, JsonOption output, List<PrivacyRequest> list, boolean one) {
    if (output.json) {
      return JsonOption.print(spec, one ? AdminJson.request(list.get(0)) : AdminJson.requests(list));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-36s %-16s %-8s %-5s %-9s %-20s %-20s %s%n", "ID", "TENANT", "KIND", "LAW", "STATUS", "RECEIVED",
        "DUE", "OVERDUE");
    for (PrivacyRequest r : list) {
      out.printf("%-36s %-16s %-8s %-5s %-9s %-20s %-20s %s%n", r.id(), r.tenant(),
          r.kind().name().toLowerCase(Locale.ROOT), r.profile().wireName(), r.status().name().toLowerCase(Locale.ROOT),
          r.receivedAt().toString().substring(0, 19), r.dueAt().toString().substring(0, 19), r.overdue() ? "OVERDUE" : "-");
    }
    out.flush();
    return 0;
  }

  /**
   * Prints the requests of a running gateway's answer ({@code {"data":[…]}} or one request) as the local path
   * prints them (qa8: the API's JSON here, a table on a stopped gateway); an error answer as {@link RunningGateway#print}.
   */
  static int printRemote(CommandSpec spec, JsonOption output, RunningGateway.Response answer, boolean one) {
    if (!answer.ok()) {
      return RunningGateway.print(spec, answer);
    }
    JsonNode json = RunningGateway.json(answer);
    List<PrivacyRequest> list = new java.util.ArrayList<>();
    try {
      for (JsonNode n : json.has("data") ? json.path("data") : List.of(json)) {
        list.add(fromJson(n));
      }
    } catch (RuntimeException e) {
      throw new CliException("the running gateway's privacy requests were not understood");
    }
    if (one && list.size() != 1) {
      throw new CliException("the running gateway's privacy requests were not understood");
    }
    return print(spec, output, list, one);
  }

  /** One request of the admin API's answer ({@link AdminJson#request}). */
  private static PrivacyRequest fromJson(JsonNode n) {
    return new PrivacyRequest(n.path("id").asText(), n.path("tenant").asText(), new Pseudonym(n.path("subject").asText()),
        PrivacyRequest.Kind.valueOf(n.path("kind").asText().toUpperCase(Locale.ROOT)),
        RegulationProfile.fromWire(n.path("profile").asText()),
        PrivacyRequest.Status.valueOf(n.path("status").asText().toUpperCase(Locale.ROOT)),
        Instant.parse(n.path("received_at").asText()), Instant.parse(n.path("due_at").asText()),
        instant(n, "verified_at"), instant(n, "closed_at"),
        n.hasNonNull("denial_reason")
            ? Optional.of(PrivacyRequest.DenialReason.valueOf(n.get("denial_reason").asText().toUpperCase(Locale.ROOT)))
            : Optional.empty(),
        n.path("overdue").asBoolean());
  }

  private static Optional<Instant> instant(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(Instant.parse(n.get(field).asText())) : Optional.empty();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The queue of a tenant: open requests, earliest due first (--all: closed ones too).")
  static final class ListRequests implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Option(names = "--tenant", required = true, paramLabel = "T")
    String tenant;

    @Option(names = "--overdue", description = "Only open requests past their due date")
    boolean overdue;

    @Option(names = "--all", description = "Closed requests too, newest first")
    boolean all;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        return print(spec, output, all ? g.requests().all(tenant, 1000)
            : overdue ? g.requests().overdue(tenant, 1000) : g.requests().queue(tenant, 1000), false);
      } catch (StoreLocation.InUse e) {
        return printRemote(spec, output, location.remote(e).admin("GET", "/admin/privacy-requests?tenant="
            + java.net.URLEncoder.encode(tenant, java.nio.charset.StandardCharsets.UTF_8)
            + (all ? "&all=true" : overdue ? "&overdue=true" : ""), null), false);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Access request: write everything held about the user as JSON (stdout or --out FILE; the same"
          + " document with or without --json).")
  static final class Export implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Mixin
    Who who;

    @Option(names = "--out", paramLabel = "FILE")
    Path outFile;

    @Override
    public Integer call() throws IOException {
      Subject s = who.subject();
      GatewayConfig cfg = location.load();
      try (Governance g = location.open()) {
        PrivacyRequest r = g.requests().open(s, PrivacyRequest.Kind.ACCESS, profile(cfg));
        g.requests().markVerified(r.id());
        if (outFile == null) {
          // the command line's own output (before: System.out, around it), as the remote path prints
          try (OutputStream o = new BufferedOutputStream(new DecodingOutputStream(spec.commandLine().getOut()))) {
            g.exporter().export(s, o);
            o.write('\n');
          }
        } else {
          AtomicFileWriter.write(outFile, o -> g.exporter().export(s, o));
        }
        g.requests().complete(r.id());
        // the trail the API leaves for /privacy/export (before, an export on a stopped gateway left none)
        KeysCommand.auditOrFail(g, s.tenant(), g.subjectKeys().pseudonymOf(s), "/privacy/export",
            io.veil.store.AuditAction.SUBJECT_EXPORT, "access request " + r.id() + " was completed");
        spec.commandLine().getErr().println("access request " + r.id() + " completed");
        return 0;
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response r = location.remote(e).privacy("GET", "/privacy/export", s, null);
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        if (outFile == null) {
          RunningGateway.print(spec, r);
        } else {
          AtomicFileWriter.write(outFile, o -> o.write(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        // the gateway filed and completed the request as the local path does; its answer does not name it
        spec.commandLine().getErr().println("access request completed (through the running gateway)");
        return 0;
      }
    }
  }

  @Command(name = "erase", mixinStandardHelpOptions = true,
      description = "Erasure request: delete the user's vault values, consent and settings, destroy their key,"
          + " unlink their audit records; prints the signed receipt (JSON).")
  static final class Erase implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Mixin
    Who who;

    @Override
    public Integer call() {
      Subject s = who.subject();
      GatewayConfig cfg = location.load();
      try (Governance g = location.open()) {
        PrivacyRequest r = g.requests().open(s, PrivacyRequest.Kind.ERASURE, profile(cfg));
        g.requests().markVerified(r.id());
        ErasureReceipt receipt = g.erase(s);
        PrivacyRequest done = g.requests().complete(r.id());
        // the API's record for /privacy/erase: no subject link (the subject's records were just unlinked)
        KeysCommand.auditOrFail(g, s.tenant(), null, "/privacy/erase", io.veil.store.AuditAction.SUBJECT_ERASURE,
            "the user's data was erased (request " + r.id() + ")");
        String keyset = g.keyManager().signingPublicKeyset();
        return printReceipt(done, receipt, keyset, signatureLine(receipt, keyset));
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response answer = location.remote(e).privacy("POST", "/privacy/erase", s, "{}");
        if (!answer.ok()) {
          return RunningGateway.print(spec, answer);
        }
        // the receipt and the line about its signature, as on a stopped gateway (qa8: the API's whole answer here)
        JsonNode json = RunningGateway.json(answer);
        ErasureReceipt receipt;
        PrivacyRequest done;
        try {
          done = fromJson(json.path("request"));
          JsonNode n = json.path("receipt");
          receipt = new ErasureReceipt(n.path("receipt_id").asText(), n.path("tenant").asText(),
              n.path("subject").asText(), Instant.parse(n.path("erased_at").asText()),
              n.path("vault_entries_deleted").asLong(), n.path("subject_key_destroyed").asBoolean(),
              n.path("audit_records_unlinked").asLong(), n.path("consent_records_deleted").asLong(),
              n.path("settings_deleted").asBoolean(), n.path("signature").asText());
        } catch (RuntimeException ex) {
          throw new CliException("the running gateway's erasure receipt was not understood");
        }
        // review12: checked against the keyset the answer carries, the receipt only agreed with itself
        return printReceipt(done, receipt, json.path("public_keyset").asText(), checkedHere(cfg, receipt));
      }
    }

    /**
     * The line about a running gateway's receipt, its signature checked against the signing keyset this command
     * reads itself (the data directory's {@code keys/signing.json}, or {@code VEIL_SIGNING_KEYSET}), never against
     * the one in the gateway's answer; says so when that keyset cannot be read here.
     */
    private static String checkedHere(GatewayConfig cfg, ErasureReceipt receipt) {
      java.util.Optional<String> keyset;
      try {
        keyset = Governance.signingPublicKeyset(cfg.dataDir(), System.getenv());
      } catch (io.veil.store.StoreException e) {
        return "receipt signature NOT CHECKED: the signing keyset cannot be read here (" + e.getMessage() + ")";
      }
      return keyset.map(k -> signatureLine(receipt, k)).orElse("receipt signature NOT CHECKED: no signing keyset in "
          + cfg.dataDir().toAbsolutePath().normalize().resolve("keys") + " nor in " + io.veil.store.KeyManager.SIGNING_ENV);
    }

    private static String signatureLine(ErasureReceipt receipt, String publicKeyset) {
      return "receipt signature " + (receipt.verify(publicKeyset) ? "verifies" : "DOES NOT VERIFY");
    }

    /** The receipt (with {@code --json}: the request, the receipt and the public keyset, as the API answers). */
    private int printReceipt(PrivacyRequest done, ErasureReceipt receipt, String publicKeyset, String signatureLine) {
      if (output.json) {
        JsonOption.print(spec, AdminJson.erasure(done, receipt, publicKeyset));
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.println(receipt.toJson());
        out.flush();
      }
      spec.commandLine().getErr().println("erasure request " + done.id() + " completed; " + signatureLine);
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Mark a received request as identity-verified.")
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        PrivacyRequest r = g.requests().markVerified(id);
        auditRequestMove(g, r, "verify");
        return print(spec, output, List.of(r), true);
      } catch (StoreLocation.InUse e) {
        return printRemote(spec, output, location.remote(e).admin("POST", "/admin/privacy-requests/"
            + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/verify", "{}"), true);
      } catch (IllegalStateException e) {
        throw new CliException(e.getMessage());
      } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
        throw new CliException(NO_SUCH_REQUEST); // not an id the store issued, or none with this id
      }
    }
  }

  /** Records a verify/deny done here as the admin API records it, linked to the request's subject, source {@code cli}. */
  static void auditRequestMove(Governance g, PrivacyRequest r, String move) {
    KeysCommand.auditOrFail(g, r.tenant(), r.subject(), "/admin/privacy-requests/" + move,
        io.veil.store.AuditAction.ADMIN, "the request was moved (" + move + ")");
  }

  /** The one message for an id that names no request (never the store's parse error). */
  static final String NO_SUCH_REQUEST = "no such privacy request (see veil dsr list --tenant T --all)";

  @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny an open request with a lawful reason.")
  static final class Deny implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--reason", required = true,
        description = "identity-not-verified | manifestly-unfounded | excessive | legal-exemption")
    String reason;

    @Override
    public Integer call() {
      PrivacyRequest.DenialReason why;
      try {
        why = PrivacyRequest.DenialReason.valueOf(reason.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CliException("--reason must be identity-not-verified, manifestly-unfounded, excessive or legal-exemption");
      }
      try (Governance g = location.open()) {
        PrivacyRequest r = g.requests().deny(id, why);
        auditRequestMove(g, r, "deny");
        return print(spec, output, List.of(r), true);
      } catch (StoreLocation.InUse e) {
        return printRemote(spec, output, location.remote(e).admin("POST", "/admin/privacy-requests/"
            + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/deny",
            "{\"reason\":\"" + why.name().toLowerCase(Locale.ROOT).replace('_', '-') + "\"}"), true);
      } catch (IllegalStateException e) {
        throw new CliException(e.getMessage());
      } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
        throw new CliException(NO_SUCH_REQUEST);
      }
    }
  }
}
