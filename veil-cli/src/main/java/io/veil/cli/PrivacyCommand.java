package io.veil.cli;

import io.veil.gateway.GatewayConfig;
import io.veil.gateway.PrivacyLinks;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil privacy link}: mints a signed, short-lived link token for an end user. */
@Command(name = "privacy", mixinStandardHelpOptions = true, description = "End-user privacy tools.",
    subcommands = {PrivacyCommand.Link.class})
final class PrivacyCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "link", mixinStandardHelpOptions = true,
      description = "Print a privacy-link token (and the URL path) through which the user reaches /privacy/... themselves.")
  static final class Link implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Option(names = "--ttl", defaultValue = "15", paramLabel = "MINUTES", description = "Lifetime in minutes (default 15, max 10080)")
    long ttlMinutes;

    @Override
    public Integer call() {
      GatewayConfig cfg = location.load();
      try {
        String token = PrivacyLinks.open(cfg.dataDir()).mint(who.subject(), Duration.ofMinutes(ttlMinutes));
        spec.commandLine().getOut().println(token);
        spec.commandLine().getErr().println("valid " + ttlMinutes + " min; e.g. GET /privacy/consent?token=<token>");
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }
}
