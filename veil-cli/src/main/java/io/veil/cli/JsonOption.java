package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --json} of the admin commands: one JSON document on stdout instead of the human format, written by
 * {@link io.veil.gateway.AdminJson} from the same records whether the command opened the store or went through a
 * running gateway, so a script reads the same fields either way (the admin API's names). Errors stay one line on
 * stderr, as without the flag.
 *
 * <p><b>Security:</b> prints only what the human format prints (a new key's secret once, by {@code keys create}).
 */
final class JsonOption {
  @Option(names = "--json", description = "Print one JSON document (the admin API's field names) instead of text")
  boolean json;

  /** Prints {@code doc} as one line on stdout; returns 0. */
  static int print(CommandSpec spec, JsonNode doc) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(doc.toString());
    out.flush();
    return 0;
  }
}
