package io.veil.cli;

import io.veil.gateway.Governance;
import io.veil.store.DataClass;
import io.veil.store.RetentionPurger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil retention run}: one retention purge now (the gateway also runs it in the background). */
@Command(name = "retention", mixinStandardHelpOptions = true, description = "Retention of stored data.",
    subcommands = {RetentionCommand.Run.class})
final class RetentionCommand extends CommandGroup {
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Delete everything past its retention period; prints the periods and what was deleted.")
  static final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        RetentionPurger.Report r = g.runRetention();
        KeysCommand.auditOrFail(g, "system", "/admin/retention/run", "the retention run was done");
        Map<DataClass, Duration> periods = new EnumMap<>(DataClass.class);
        for (DataClass c : DataClass.values()) {
          periods.put(c, g.retention().periodOf(c));
        }
        return print(periods, r);
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response answer = location.remote(e).admin("POST", "/admin/retention/run", "{}");
        if (!answer.ok()) {
          return RunningGateway.print(spec, answer);
        }
        // the same table as on the stopped gateway (qa8: the API's JSON here, a table there)
        JsonNode json = RunningGateway.json(answer);
        Map<DataClass, Duration> periods = new EnumMap<>(DataClass.class);
        Map<DataClass, Long> deleted = new EnumMap<>(DataClass.class);
        try {
          for (DataClass c : DataClass.values()) {
            String name = c.name().toLowerCase(Locale.ROOT);
            periods.put(c, Duration.parse(json.path("periods").path(name).asText()));
            deleted.put(c, json.path("deleted").path(name).asLong(0));
          }
        } catch (java.time.format.DateTimeParseException ex) {
          throw new CliException("the running gateway's retention report was not understood");
        }
        return print(periods, new RetentionPurger.Report(deleted, json.path("deleted").path("idle_subject_keys").asLong(0)));
      }
    }

    private int print(Map<DataClass, Duration> periods, RetentionPurger.Report r) {
      if (output.json) {
        return JsonOption.print(spec, io.veil.gateway.AdminJson.retention(periods, r));
      }
      PrintWriter out = spec.commandLine().getOut();
      for (DataClass c : DataClass.values()) {
        out.printf("%-18s kept %-10s deleted %d%n", c.name().toLowerCase(Locale.ROOT), human(periods.get(c)),
            r.deleted().getOrDefault(c, 0L));
      }
      out.printf("%-18s %-15s deleted %d%n", "idle_subject_keys", "", r.subjectKeysPurged());
      out.flush();
      return 0;
    }

    private static String human(Duration d) {
      if (d.toSeconds() % 86_400 == 0) {
        return d.toDays() + "d";
      }
      return d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() + "s";
    }
  }
}
