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

/** {@code veil privacy link}: mints an opaque (encrypted, authenticated), short-lived link token for an end user. */
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
      description = "Print a privacy-link token through which the user reaches /privacy/... themselves; stderr shows the Privacy Center URL.")
  static final class Link implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Option(names = "--ttl", defaultValue = "15", paramLabel = "MINUTES", description = "Lifetime in minutes (default 15, max 10080)")
    long ttlMinutes;

    /** The running gateway's URL (DATA_DIR/gateway.url), else the configured listener's. */
    private static String baseUrl(GatewayConfig cfg) {
      java.nio.file.Path f = cfg.dataDir().resolve(RunningGateway.URL_FILE);
      try {
        if (java.nio.file.Files.isRegularFile(f)) {
          return java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.US_ASCII).strip();
        }
      } catch (java.io.IOException e) {
        // fall back to the configuration
      }
      String host = cfg.host().equals("0.0.0.0") || cfg.host().equals("::") ? "127.0.0.1" : cfg.host();
      return (cfg.tls() == null ? "http" : "https") + "://" + host + ":" + cfg.port();
    }

    @Override
    public Integer call() {
      GatewayConfig cfg = location.load();
      try {
        String token = PrivacyLinks.open(cfg.dataDir()).mint(who.subject(), Duration.ofMinutes(ttlMinutes));
        spec.commandLine().getOut().println(token);
        spec.commandLine().getErr().println("valid " + ttlMinutes + " min; e.g. GET /privacy/consent?token=<token>");
        spec.commandLine().getErr().println("Privacy Center: " + baseUrl(cfg) + "/ui/privacy/#token=" + token);
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }
}
