package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two gateways on one PostgreSQL, each with its own copy of the key files (as on two hosts, the way
 * docs/configuration.md has them share the keysets), and the master key rotated through one of them. The other
 * cannot unwrap the re-wrapped subject keys until it gets the new {@code master.json}: it refuses those requests
 * (fail closed), and its log must say why and what to do, without personal data; given the file it recovers
 * without a restart. (qa12: the other gateway answered 500 {@code veil_vault_failed} for every existing
 * conversation and logged nothing at all.)
 */
class MasterKeyRotatedElsewhereIT {
  static final String EMAIL = "rotation.case@example.com";
  static final String[] CONV = {"X-Veil-Conversation", "rotated-elsewhere"};

  @TempDir Path dirA;
  @TempDir Path dirB;

  @Test
  void theOtherInstanceRefusesLogsWhyAndRecoversOnceItHasTheNewKeyset() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try (MisbehavingUpstream up = new MisbehavingUpstream();
        GovernedGateway a = new GovernedGateway(dirA, cfg, Map.of(), java.time.Duration.ofSeconds(10), up.baseUrl())) {
      copyTree(dirA.resolve("keys"), dirB.resolve("keys"));
      for (String f : new String[] {"gateway-secret", "test-key"}) {
        Files.copy(dirA.resolve(f), dirB.resolve(f));
      }
      try (GovernedGateway b = new GovernedGateway(dirB, cfg, Map.of(), java.time.Duration.ofSeconds(10),
          up.baseUrl())) {
        assertThat(a.chat("Write to " + EMAIL + " today.", CONV).statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("<EMAIL_\\d+>").matcher(up.bodies.get(0));
        assertThat(m.find()).isTrue();
        String token = m.group();
        assertThat(content(b.chat("Repeat " + token, CONV))).as("B restores A's token").contains(EMAIL);

        HttpResponse<String> rotated = a.admin("POST", "/admin/master-key/rotate", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(content(a.chat("Repeat " + token, CONV))).as("A has the new keyset").contains(EMAIL);

        logs.list.clear();
        HttpResponse<String> refused = b.chat("Repeat " + token, CONV);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
        assertThat(GovernedGateway.json(refused).at("/error/code").asText()).isEqualTo("veil_vault_failed");
        assertThat(refused.body()).doesNotContain(EMAIL);
        String warned = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
            .map(ILoggingEvent::getFormattedMessage).reduce("", (x, y) -> x + "\n" + y);
        assertThat(warned).as("B's log says why it refuses, and what to do").contains("master.json")
            .contains("rotated").doesNotContain(EMAIL).doesNotContain("rotation.case");

        // the operator copies the rotated keyset over: B reads it at the next failure, no restart
        Files.copy(dirA.resolve("keys/master.json"), dirB.resolve("keys/master.json"),
            StandardCopyOption.REPLACE_EXISTING);
        assertThat(content(b.chat("Repeat " + token, CONV))).contains(EMAIL);
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  private static String content(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return GovernedGateway.json(r).at("/choices/0/message/content").asText("");
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
