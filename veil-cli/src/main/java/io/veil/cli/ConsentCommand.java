package io.veil.cli;

import io.veil.gateway.Governance;
import io.veil.store.ConsentDecision;
import io.veil.store.Purpose;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil consent show|grant|withdraw}: an end user's consent, recorded with source {@code cli}. */
@Command(name = "consent", mixinStandardHelpOptions = true, description = "Show or record an end user's consent.",
    subcommands = {ConsentCommand.Show.class, ConsentCommand.Grant.class, ConsentCommand.Withdraw.class})
final class ConsentCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Current decision per purpose and the history.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        PrintWriter out = spec.commandLine().getOut();
        Map<Purpose, ConsentDecision> cur = g.consent().current(who.subject());
        for (Purpose p : Purpose.values()) {
          ConsentDecision d = cur.get(p);
          out.printf("%-15s %s%n", p.wireName(), d == null ? "no decision (profile default applies)"
              : (d.granted() ? "granted" : "withdrawn") + " at " + d.decidedAt() + " via " + d.source()
                  + " (notice " + d.noticeVersion() + ")");
        }
        out.println("history:");
        for (ConsentDecision d : g.consent().history(who.subject())) {
          out.printf("  %s %-15s %-9s via %s (notice %s)%n", d.decidedAt(), d.purpose().wireName(),
              d.granted() ? "granted" : "withdrawn", d.source(), d.noticeVersion());
        }
        out.flush();
        return 0;
      } catch (StoreLocation.InUse e) {
        return RunningGateway.print(spec, location.remote(e).privacy("GET", "/privacy/consent", who.subject(), null));
      }
    }
  }

  abstract static class Change implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Option(names = "--purpose", defaultValue = "llm-processing",
        description = "llm-processing (default), logging, analytics, sale-sharing")
    String purpose;

    @Option(names = "--notice-version", defaultValue = "cli", paramLabel = "V",
        description = "Version of the privacy notice the user saw (default: cli)")
    String noticeVersion;

    abstract boolean granted();

    @Override
    public Integer call() {
      Purpose p;
      try {
        p = Purpose.fromWire(purpose);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      try (Governance g = location.open()) {
        ConsentDecision d = granted() ? g.consent().grant(who.subject(), p, "cli", noticeVersion)
            : g.consent().withdraw(who.subject(), p, "cli", noticeVersion);
        spec.commandLine().getOut().println(p.wireName() + " " + (d.granted() ? "granted" : "withdrawn") + " at " + d.decidedAt());
        return 0;
      } catch (StoreLocation.InUse e) {
        if (!noticeVersion.matches("[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,63}")) {
          throw new CliException("--notice-version must be 1-64 characters of [A-Za-z0-9_.:/+-]");
        }
        return RunningGateway.print(spec, location.remote(e).privacy("POST", "/privacy/consent", who.subject(),
            "{\"purpose\":\"" + p.wireName() + "\",\"granted\":" + granted() + ",\"notice_version\":\"" + noticeVersion + "\"}"));
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
