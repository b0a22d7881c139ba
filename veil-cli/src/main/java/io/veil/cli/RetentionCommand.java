package io.veil.cli;

import io.veil.gateway.Governance;
import io.veil.store.DataClass;
import io.veil.store.RetentionPurger;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil retention run}: one retention purge now (the gateway also runs it in the background). */
@Command(name = "retention", mixinStandardHelpOptions = true, description = "Retention of stored data.",
    subcommands = {RetentionCommand.Run.class})
final class RetentionCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Delete everything past its retention period; prints the periods and what was deleted.")
  static final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        RetentionPurger.Report r = g.runRetention();
        KeysCommand.auditOrFail(g, "system", "/admin/retention/run", "the retention run was done");
        PrintWriter out = spec.commandLine().getOut();
        for (DataClass c : DataClass.values()) {
          out.printf("%-18s kept %-10s deleted %d%n", c.name().toLowerCase(Locale.ROOT), human(g.retention().periodOf(c)),
              r.deleted().getOrDefault(c, 0L));
        }
        out.printf("%-18s %-15s deleted %d%n", "idle_subject_keys", "", r.subjectKeysPurged());
        out.flush();
        return 0;
      } catch (StoreLocation.InUse e) {
        return RunningGateway.print(spec, location.remote(e).admin("POST", "/admin/retention/run", "{}"));
      }
    }
  
    private static String human(java.time.Duration d) {
      if (d.toSeconds() % 86_400 == 0) {
        return d.toDays() + "d";
      }
      return d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() + "s";
    }
  }
}
