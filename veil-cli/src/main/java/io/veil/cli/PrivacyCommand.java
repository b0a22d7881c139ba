package io.veil.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.AdminJson;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.Governance;
import io.veil.gateway.PrivacyLinks;
import io.veil.store.AuditAction;
import io.veil.store.StoreException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil privacy link}: mints an opaque (encrypted, authenticated), short-lived link token for an end user, and
 * records that it was issued in the audit trail as the admin API's {@code POST /admin/privacy-links} does: on the
 * store itself (source {@code cli}), or, while a gateway holds the H2 file, through that route of the gateway.
 *
 * <p><b>Security:</b> the link is a credential to the subject's data; none is printed unless its record was written.
 */
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

    @Mixin
    JsonOption output;

    /** The admin API's route for the same act: the audit record's endpoint on both paths. */
    private static final String ENDPOINT = "/admin/privacy-links";

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
      // checked here, so that both paths refuse it alike and before anything is opened
      if (ttlMinutes < 1 || ttlMinutes > PrivacyLinks.MAX_TTL.toMinutes()) {
        throw new CliException("--ttl must be 1-" + PrivacyLinks.MAX_TTL.toMinutes() + " minutes");
      }
      Duration ttl = Duration.ofMinutes(ttlMinutes);
      // before a link is minted: a page served at a planted http address would read the link from its URL
      java.util.Optional<java.net.URI> running = RunningGateway.announcedFor(cfg);
      String token;
      // a link is a credential to the subject's data (export, erasure): who was given one belongs in the audit trail
      // on both paths, as the admin API records it (ops17: a link minted here left no record)
      try (Governance g = location.open()) {
        token = PrivacyLinks.open(cfg).mint(who.subject(), ttl);
        try {
          g.auditAction(who.subject().tenant(), g.subjectKeys().pseudonymOf(who.subject()), ENDPOINT,
              AuditAction.ADMIN, Governance.ActionSource.CLI);
        } catch (StoreException e) {
          // fail closed: a link whose issue is not on record is not handed out
          throw new CliException("no link was issued: its audit record could not be written: " + e.getMessage());
        }
      } catch (StoreLocation.InUse e) {
        // the gateway holds the H2 file: it mints the link and records it (POST /admin/privacy-links)
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("tenant", who.subject().tenant())
            .put("user", who.subject().id()).put("ttl_seconds", ttl.toSeconds());
        RunningGateway.Response r = location.remote(e).admin("POST", ENDPOINT, body.toString());
        if (!r.ok()) {
          return RunningGateway.print(spec, r);
        }
        token = RunningGateway.json(r).path("token").asText("");
        if (!token.startsWith("v")) {
          throw new CliException("the running gateway's answer to POST " + ENDPOINT + " holds no link");
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      if (output.json) {
        // the admin API's answer to POST /admin/privacy-links (the same writer)
        JsonOption.print(spec, AdminJson.privacyLink(token, ttl.toSeconds()));
      } else {
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
      }
      spec.commandLine().getErr().println("valid " + ttlMinutes + " min; e.g. GET /privacy/consent?token=<token>");
      spec.commandLine().getErr().println(center(cfg, running, token));
      return 0;
    }
  }
}
