package io.veil.cli;

import io.veil.gateway.AdminJson;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.PrivacyLinks;
import java.nio.file.Files;
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
final class PrivacyCommand extends CommandGroup {
  @Command(name = "link", mixinStandardHelpOptions = true,
      description = "Print a privacy-link token through which the user reaches /privacy/... themselves; stderr shows the Privacy Center URL.")
  static final class Link implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreLocation location;

    @Mixin
    DsrCommand.Who who;

    @Mixin
    JsonOption output;

    /** The gateway's secret that signs privacy links ({@code GatewaySecret}); veil serve creates it. */
    private static final String GATEWAY_SECRET = "gateway-secret";

    @Option(names = "--ttl", defaultValue = "15", paramLabel = "MINUTES", description = "Lifetime in minutes (default 15, max 10080)")
    long ttlMinutes;

    /**
     * Where the Privacy Center is: the URL the gateway running on the data directory announced (as the other
     * commands find it, {@link RunningGateway#announcedFor}); else the configured listener's, said to be that, since
     * a gateway started with {@code --port} or {@code VEIL_PORT} listened elsewhere and left no trace of it.
     */
    private static String center(GatewayConfig cfg, java.util.Optional<java.net.URI> running, String token) {
      String path = "/ui/privacy/#token=" + token;
      return running.map(u -> "Privacy Center: " + u + path).orElseGet(() -> {
        String host = cfg.host().equals("0.0.0.0") || cfg.host().equals("::") ? "127.0.0.1" : cfg.host();
        String base = (cfg.tls() == null ? "http" : "https") + "://" + host + ":" + cfg.port();
        return "Privacy Center (no gateway runs on this data directory now; this is the configured listener,"
            + " another port if the gateway is started with --port): " + base + path;
      });
    }

    @Override
    public Integer call() {
      GatewayConfig cfg = location.load();
      if (cfg.gatewaySecret().inDataDirectory() && !Files.exists(cfg.dataDir().resolve(GATEWAY_SECRET))) {
        // a secret made here would sign links that no gateway accepts (a typo, or another instance's directory)
        throw new CliException("no gateway secret in " + cfg.dataDir().toAbsolutePath().normalize() + " (no "
            + GATEWAY_SECRET + "): point --data-dir at the gateway's data directory or --config at its configuration"
            + " (veil serve creates it on its first start; or set VEIL_GATEWAY_SECRET[_FILE] as the gateway has it)");
      }
      // before a link is minted: a page served at a planted http address would read the link from its URL
      java.util.Optional<java.net.URI> running = RunningGateway.announcedFor(cfg);
      try {
        String token = PrivacyLinks.open(cfg).mint(who.subject(), Duration.ofMinutes(ttlMinutes));
        if (output.json) {
          // the admin API's answer to POST /admin/privacy-links (the same writer)
          JsonOption.print(spec, AdminJson.privacyLink(token, Duration.ofMinutes(ttlMinutes).toSeconds()));
        } else {
          spec.commandLine().getOut().println(token);
        }
        spec.commandLine().getErr().println("valid " + ttlMinutes + " min; e.g. GET /privacy/consent?token=<token>");
        spec.commandLine().getErr().println(center(cfg, running, token));
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
  }
}
