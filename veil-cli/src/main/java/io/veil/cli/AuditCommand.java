package io.veil.cli;

import io.veil.gateway.Governance;
import io.veil.store.AuditVerification;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil audit verify|export}: the tamper-evident audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify or export the audit trail.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand extends CommandGroup {
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the hash chain and every signed checkpoint; names the first bad record. Exit 0: intact; 1: tampered.")
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
      try (Governance g = location.open()) {
        AuditVerification v = g.verifier().verify();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
          JsonOption.print(spec, io.veil.gateway.AdminJson.verification(v));
        } else if (v.valid()) {
          out.println("audit trail intact: " + v.recordsChecked() + " records, " + v.checkpointsChecked()
              + " signed checkpoints" + signedNote(v.lastSignedSeq()));
        } else {
          out.println("audit trail TAMPERED: first bad record #"
              + (v.firstBadSeq().isPresent() ? v.firstBadSeq().getAsLong() : -1) + ": " + v.problem()
              + " (" + v.recordsChecked() + " records checked)");
        }
        out.flush();
        return v.valid() ? 0 : 1;
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response r = location.remote(e).admin("GET", "/admin/audit/verify", null);
        if (r.status() != 200 && r.status() != 409) {
          return RunningGateway.print(spec, r);
        }
        try {
          com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
          PrintWriter out = spec.commandLine().getOut();
          if (output.json) {
            // the same writer as the local path, from the answer's fields (not its text passed through)
            JsonOption.print(spec, io.veil.gateway.AdminJson.verification(new AuditVerification(
                n.path("valid").asBoolean(), n.path("records_checked").asLong(), n.path("checkpoints_checked").asLong(),
                n.path("last_signed_seq").asLong(), n.has("first_bad_seq")
                    ? java.util.OptionalLong.of(n.path("first_bad_seq").asLong()) : java.util.OptionalLong.empty(),
                n.path("problem").asText(""))));
          } else if (n.path("valid").asBoolean()) {
            out.println("audit trail intact: " + n.path("records_checked").asLong() + " records, "
                + n.path("checkpoints_checked").asLong() + " signed checkpoints"
                + signedNote(n.path("last_signed_seq").asLong()) + " [via the running gateway]");
          } else {
            out.println("audit trail TAMPERED: first bad record #" + n.path("first_bad_seq").asLong(-1) + ": "
                + n.path("problem").asText() + " (" + n.path("records_checked").asLong() + " records checked)");
          }
          out.flush();
          return n.path("valid").asBoolean() ? 0 : 1;
        } catch (IOException ex) {
          throw new CliException("the running gateway's answer was not JSON");
        }
      }
    }
  }

  static String signedNote(long lastSignedSeq) {
    return lastSignedSeq == 0 ? " (no signed checkpoint yet: the gateway signs one every N records, every T seconds"
        + " and on shutdown)" : " (records up to #" + lastSignedSeq + " are covered by a signature)";
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write every audit record and checkpoint as JSON lines (stdout, or --out FILE).")
  static final class Export implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout")
    Path outFile;

    @Mixin
    JsonOption output;

    /** Writes {@code lines} to {@code o} as they are, or with {@code --json} as one {@code {"data":[…]}} document (streamed). */
    private void shaped(OutputStream o, AtomicFileWriter.Body lines) throws IOException {
      if (!output.json) {
        lines.writeTo(o);
        return;
      }
      JsonLinesEnvelope envelope = new JsonLinesEnvelope(o);
      lines.writeTo(envelope);
      envelope.finish();
    }

    @Override
    public Integer call() throws IOException {
      try (Governance g = location.open()) {
        if (outFile == null) {
          OutputStream o = new BufferedOutputStream(System.out);
          shaped(o, g.verifier()::export);
          o.flush();
        } else {
          AtomicFileWriter.write(outFile, o -> shaped(o, g.verifier()::export));
          spec.commandLine().getErr().println("wrote " + outFile);
        }
        return 0;
      } catch (StoreLocation.InUse e) {
        RunningGateway.Response r = location.remote(e).admin("GET", "/admin/audit/export", null);
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        AtomicFileWriter.Body body = o -> o.write(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (outFile == null) {
          java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
          shaped(text, body);
          spec.commandLine().getOut().print(text.toString(java.nio.charset.StandardCharsets.UTF_8));
          spec.commandLine().getOut().flush();
        } else {
          AtomicFileWriter.write(outFile, o -> shaped(o, body));
          spec.commandLine().getErr().println("wrote " + outFile);
        }
        return 0;
      }
    }
  }
}
