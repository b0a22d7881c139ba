package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.Governance;
import io.veil.store.ConsentDecision;
import io.veil.store.Purpose;
import java.io.PrintWriter;
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
 * {@code veil consent show|grant|withdraw}: an end user's consent, recorded with source {@code cli}
 * whether the command opens the store itself or, while a gateway holds it, goes through that gateway's
 * admin API ({@code POST /admin/consent}); both paths print the same text.
 */
@Command(name = "consent", mixinStandardHelpOptions = true, description = "Show or record an end user's consent.",
    subcommands = {ConsentCommand.Show.class, ConsentCommand.Grant.class, ConsentCommand.Withdraw.class})
final class ConsentCommand extends CommandGroup {
  /** Provenance of every decision this command records, with the gateway running or not. */
  static final String SOURCE = "cli";

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Current decision per purpose and the history.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        Map<Purpose, ConsentDecision> cur = g.consent().current(who.subject());
        List<Decision> current = new ArrayList<>();
        for (Purpose p : Purpose.values()) {
          current.add(cur.get(p) == null ? null : Decision.of(cur.get(p)));
        }
        return print(current, g.consent().history(who.subject()).stream().map(Decision::of).toList());
      } catch (StoreLocation.InUse e) {
        // reading needs no provenance: the privacy API through a one-minute link, printed like the local path
        RunningGateway.Response r = location.remote(e).privacy("GET", "/privacy/consent", who.subject(), null);
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        JsonNode body = RunningGateway.json(r);
        List<Decision> current = new ArrayList<>();
        for (Purpose p : Purpose.values()) {
          JsonNode d = body.path("purposes").path(p.wireName()).path("decision");
          current.add(d.isObject() ? Decision.of(d) : null);
        }
        List<Decision> history = new ArrayList<>();
        body.path("history").forEach(d -> history.add(Decision.of(d)));
        return print(current, history);
      }
    }

    /**
     * {@code current} holds one entry per {@link Purpose} value, in order; null where nothing is recorded. With
     * {@code --json}: {@code {"purposes":{PURPOSE:{"recorded":…[,"decision":{…}]}},"history":[…]}}, the fields of the
     * privacy API's consent view that do not depend on the request (its {@code effective} depends on the caller's
     * profile and {@code Sec-GPC} signal, which a command does not have).
     */
    private int print(List<Decision> current, List<Decision> history) {
      Purpose[] purposes = Purpose.values();
      if (output.json) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ObjectNode byPurpose = doc.putObject("purposes");
        for (int i = 0; i < purposes.length; i++) {
          ObjectNode p = byPurpose.putObject(purposes[i].wireName()).put("recorded", current.get(i) != null);
          if (current.get(i) != null) {
            p.set("decision", current.get(i).json());
          }
        }
        com.fasterxml.jackson.databind.node.ArrayNode all = doc.putArray("history");
        history.forEach(d -> all.add(d.json()));
        return JsonOption.print(spec, doc);
      }
      PrintWriter out = spec.commandLine().getOut();
      for (int i = 0; i < purposes.length; i++) {
        Decision d = current.get(i);
        out.printf("%-15s %s%n", purposes[i].wireName(), d == null ? "no decision (profile default applies)"
            : (d.granted() ? "granted" : "withdrawn") + " at " + d.decidedAt() + " via " + d.source()
                + " (notice " + d.noticeVersion() + ")");
      }
      out.println("history:");
      for (Decision d : history) {
        out.printf("  %s %-15s %-9s via %s (notice %s)%n", d.decidedAt(), d.purpose(),
            d.granted() ? "granted" : "withdrawn", d.source(), d.noticeVersion());
      }
      out.flush();
      return 0;
    }
  }

  /** One consent decision as printed, read from the store (local) or the API's JSON (remote). */
  record Decision(String purpose, boolean granted, String decidedAt, String source, String noticeVersion) {
    static Decision of(ConsentDecision d) {
      return new Decision(d.purpose().wireName(), d.granted(), d.decidedAt().toString(), d.source(), d.noticeVersion());
    }

    static Decision of(JsonNode d) {
      if (!d.path("purpose").isTextual() || !d.path("granted").isBoolean() || !d.path("decided_at").isTextual()) {
        throw new CliException("the running gateway answered an unexpected consent format");
      }
      return new Decision(d.path("purpose").asText(), d.path("granted").asBoolean(), d.path("decided_at").asText(),
          d.path("source").asText("?"), d.path("notice_version").asText("?"));
    }

    /** The admin API's decision document ({@link io.veil.gateway.AdminJson#decision}). */
    ObjectNode json() {
      return io.veil.gateway.AdminJson.decision(purpose, granted, decidedAt, source, noticeVersion);
    }

    String line() {
      return purpose + " " + (granted ? "granted" : "withdrawn") + " at " + decidedAt;
    }
  }

  abstract static class Change implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Mixin
    JsonOption output;

    @Option(names = "--purpose", defaultValue = "llm-processing",
        description = "llm-processing (default), logging, analytics, sale-sharing")
    String purpose;

    @Option(names = "--notice-version", defaultValue = "cli", paramLabel = "V",
        description = "Version of the privacy notice the user saw (default: cli)")
    String noticeVersion;

    abstract boolean granted();

    private int printDecision(Decision d) {
      if (output.json) {
        return JsonOption.print(spec, d.json());
      }
      spec.commandLine().getOut().println(d.line());
      return 0;
    }

    @Override
    public Integer call() {
      Purpose p;
      try {
        p = Purpose.fromWire(purpose);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      try (Governance g = location.open()) {
        ConsentDecision d = granted() ? g.consent().grant(who.subject(), p, SOURCE, noticeVersion)
            : g.consent().withdraw(who.subject(), p, SOURCE, noticeVersion);
        // the API's record for the admin consent route (before, a decision recorded here left none)
        KeysCommand.auditOrFail(g, who.subject().tenant(), g.subjectKeys().pseudonymOf(who.subject()),
            "/admin/consent", io.veil.store.AuditAction.PRIVACY_CHANGE, "the decision was recorded");
        return printDecision(Decision.of(d));
      } catch (StoreLocation.InUse e) {
        if (!noticeVersion.matches("[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,63}")) {
          throw new CliException("--notice-version must be 1-64 characters of [A-Za-z0-9_.:/+-]");
        }
        // the admin consent route, so that the decision is recorded with source "cli" as on the local path
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("tenant", who.subject().tenant())
            .put("user", who.subject().id()).put("purpose", p.wireName()).put("granted", granted())
            .put("notice_version", noticeVersion).put("source", SOURCE);
        RunningGateway.Response r = location.remote(e).admin("POST", "/admin/consent", body.toString());
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        return printDecision(Decision.of(RunningGateway.json(r)));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true, description = "Record that the user grants a purpose.")
  static final class Grant extends Change {
    @Override
    boolean granted() {
      return true;
    }
  }

  @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Record that the user withdraws a purpose.")
  static final class Withdraw extends Change {
    @Override
    boolean granted() {
      return false;
    }
  }
}
