package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.keys.IssuedKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code veil keys} and {@code veil serve} with the client keys in the database (the default): through
 * a running gateway's admin API while it holds the H2 file, on the file itself otherwise; the import of
 * an existing {@code keys.json}; and {@code database.clientKeys: file} for going back.
 */
class ClientKeysCommandTest {
  @TempDir
  Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int veil(String... args) {
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private ServeCommand.Running serve(Path config) throws Exception {
    ServeCommand serve = new ServeCommand(Map.of());
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    if (config == null) {
      cl.parseArgs("--data-dir", dir.toString(), "--port", "0", "--upstream", "http://127.0.0.1:9/v1");
    } else {
      cl.parseArgs("--config", config.toString(), "--data-dir", dir.toString(), "--port", "0", "--upstream",
          "http://127.0.0.1:9/v1");
    }
    return serve.start();
  }

  private static int chat(ServeCommand.Running running, String key) throws Exception {
    return chat(URI.create("http://127.0.0.1:" + running.gateway().port()), key);
  }

  private static int chat(URI base, String key) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** A gateway in a child process (H2 allows one process: the commands must go through its admin API). */
  @Test
  void keysCreatedAndRevokedWhileTheGatewayRunsApplyToItsNextRequest() throws Exception {
    try (ServeProcess serve = ServeProcess.start(dir, dir.resolve("serve.log"), "--data-dir", dir.toString())) {
      URI base = serve.url();
      assertThat(veil("keys", "create", "--data-dir", dir.toString(), "--tenant", "acme")).as(err.toString()).isZero();
      // through the admin API, printed as on a stopped gateway (qa8: the API's JSON before)
      assertThat(out.toString()).doesNotContain("{").contains("tenant: acme").contains("(the key is shown only now");
      Matcher secret = Pattern.compile("(?m)^key: +(sk-veil-\\S+)$").matcher(out.toString());
      Matcher id = Pattern.compile("(?m)^id: +(vk_[0-9a-f]+)$").matcher(out.toString());
      assertThat(secret.find() && id.find()).as(out.toString()).isTrue();
      assertThat(chat(base, secret.group(1))).isEqualTo(200);

      assertThat(veil("keys", "list", "--data-dir", dir.toString())).as(err.toString()).isZero();
      assertThat(out.toString()).contains(id.group(1) + " ").contains("acme");
      out.getBuffer().setLength(0);
      assertThat(veil("keys", "revoke", "--data-dir", dir.toString(), id.group(1))).isZero();
      assertThat(out.toString()).isEqualTo("revoked " + id.group(1) + " (every gateway on this database refuses it from now on)"
          + System.lineSeparator());
      err.getBuffer().setLength(0);
      assertThat(veil("keys", "revoke", "--data-dir", dir.toString(), "vk_0")).as("as on a stopped gateway").isEqualTo(1);
      assertThat(err.toString()).isEqualTo("veil: no key with id vk_0" + System.lineSeparator());
      assertThat(chat(base, secret.group(1))).as("refused on the next request").isEqualTo(401);
      out.getBuffer().setLength(0);
      assertThat(veil("keys", "list", "--data-dir", dir.toString())).isZero();
      assertThat(out.toString()).contains("revoked").doesNotContain(secret.group(1));
    }
    assertThat(dir.resolve("keys.json")).doesNotExist();
    // the gateway stopped: the same commands open the database themselves
    out.getBuffer().setLength(0);
    assertThat(veil("keys", "list", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("vk_"))).hasSize(2); // the dev key and ours
    assertThat(out.toString()).contains("revoked");
  }

  @Test
  void anExistingKeysJsonIsImportedAndItsKeysKeepWorking() throws Exception {
    IssuedKey old = FileClientKeyStore.open(dir).create("acme", "default", 0);
    try (ServeCommand.Running running = serve(null)) {
      assertThat(dir.resolve("dev-key")).as("keys exist: no first-run key").doesNotExist();
      assertThat(chat(running, old.secret())).isNotEqualTo(401);
    }
    assertThat(veil("keys", "revoke", "--data-dir", dir.toString(), old.key().id())).isZero();
    assertThat(out.toString()).contains("every gateway on this database refuses it");
    assertThat(FileClientKeyStore.open(dir).list().getFirst().revoked()).as("the file is not written").isFalse();
    try (ServeCommand.Running running = serve(null)) {
      assertThat(chat(running, old.secret())).as("revoked in the database, not revived from the file").isEqualTo(401);
    }
  }

  @Test
  void theFileStoreIsStillThereForGoingBack() throws Exception {
    Path config = Files.writeString(dir.resolve("veil.yaml"), "database:\n  clientKeys: file\n");
    CliRun.withStore(dir); // the key's audit record goes to the store, which only veil serve creates
    assertThat(veil("keys", "create", "--config", config.toString(), "--data-dir", dir.toString(), "--tenant",
        "acme")).isZero();
    assertThat(dir.resolve("keys.json")).exists();
    assertThat(FileClientKeyStore.open(dir).list()).hasSize(1);
    assertThat(veil("keys", "list", "--config", config.toString(), "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains(FileClientKeyStore.open(dir).list().getFirst().id());
  }
}
