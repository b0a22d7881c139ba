package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's calls to the gateway running on its data directory (H2 held by that gateway). */
class RunningGatewayTest {
  @TempDir
  Path dir;

  @Test
  void aResponseShowsStatusAndLengthOnly() {
    String body = "{\"id\":\"jane.doe@example.com\",\"secret\":\"vk_secret_0123\"}";
    assertThat(new RunningGateway.Response(200, body).toString()).doesNotContain("jane.doe").doesNotContain("vk_secret")
        .contains("200").contains(String.valueOf(body.length()));
  }

  /**
   * qa8: with {@code server.tls} (a self-signed certificate, as `openssl req -x509` makes) every governance command
   * failed while the gateway ran, "did not answer (SSLHandshakeException)": the CLI trusted only the JDK's CAs.
   * It now trusts exactly the configured certificate, and refuses a gateway presenting another one.
   */
  @Test
  void overTlsTheCommandsTrustTheConfiguredCertificateAndNoOther() throws Exception {
    Path data = dir.resolve("data");
    Path config = writeTlsConfig(dir.resolve("served"), data);
    try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--config", config.toString())) {
      assertThat(serve.url().getScheme()).isEqualTo("https");

      String[] run = veil("audit", "verify", "--config", config.toString());
      assertThat(run[0]).as(run[2]).isEqualTo("0");
      assertThat(run[1]).contains("intact").contains("via the running gateway");

      // a configuration naming another certificate: the gateway is not trusted, nothing is sent
      Path other = writeTlsConfig(dir.resolve("other"), data);
      String[] refused = veil("audit", "verify", "--config", other.toString());
      assertThat(refused[0]).isNotEqualTo("0");
      assertThat(refused[2]).contains("did not answer").contains("not present the certificate of server.tls.certificate");

      // no TLS in the CLI's configuration: the JDK's trust refuses the self-signed certificate, and the error says why
      String[] untrusted = veil("audit", "verify", "--data-dir", data.toString());
      assertThat(untrusted[0]).isNotEqualTo("0");
      assertThat(untrusted[2]).contains("it serves TLS").contains("--config");
    }
  }

  /**
   * qa9: after {@code kill -9} the gateway's {@code gateway.url} stays, and the CLI believed a gateway ran there
   * (doctor --remote: "did not answer"; privacy link: a dead URL). The file now names the process that wrote it.
   */
  @Test
  void aGatewayKilledWithKill9IsToldFromARunningOne() throws Exception {
    Path data = dir.resolve("data");
    ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.log"), "--data-dir", data.toString());
    try {
      assertThat(RunningGateway.announced(data)).contains(serve.url());
      assertThat(RunningGateway.stale(data)).isEmpty();
      serve.kill();
    } finally {
      serve.close();
    }
    assertThat(data.resolve(RunningGateway.URL_FILE)).as("left behind by kill -9").exists();
    assertThat(RunningGateway.announced(data)).isEmpty();
    String[] doctor = veil("doctor", "--remote", "--data-dir", data.toString());
    assertThat(doctor[0]).isNotEqualTo("0");
    assertThat(doctor[2].strip()).contains("no longer runs").contains(RunningGateway.URL_FILE)
        .doesNotContain("did not answer").doesNotContain("\n");
    String[] verify = veil("audit", "verify", "--data-dir", data.toString());
    assertThat(verify[0]).as(verify[2]).isEqualTo("0");
    assertThat(verify[1]).contains("intact").doesNotContain("via the running gateway");
  }

  /** A file written by a process that is gone, or naming a process id reused by a later process: no gateway runs. */
  @Test
  void anAnnouncementOfAProcessThatIsGoneIsStaleAndAnEarlierReleasesFileIsTrusted() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    java.time.Instant started = gone.info().startInstant().orElse(java.time.Instant.now());
    Path file = dir.resolve(RunningGateway.URL_FILE);
    Files.writeString(file, "http://127.0.0.1:18080\npid " + gone.pid() + "\nstarted " + started + "\n");
    assertThat(RunningGateway.announced(dir)).isEmpty();
    assertThat(RunningGateway.stale(dir)).hasValueSatisfying(line -> assertThat(line)
        .contains("process " + gone.pid()).contains("no longer runs").doesNotContain("\n"));

    ProcessHandle self = ProcessHandle.current();
    java.time.Instant selfStarted = self.info().startInstant().orElseThrow();
    Files.writeString(file, "http://127.0.0.1:18080\npid " + self.pid() + "\nstarted " + selfStarted.minusSeconds(3600));
    assertThat(RunningGateway.announced(dir)).as("a reused process id").isEmpty();

    Files.writeString(file, RunningGateway.Announcement.of(java.net.URI.create("http://127.0.0.1:18080")));
    assertThat(RunningGateway.announced(dir)).contains(java.net.URI.create("http://127.0.0.1:18080"));
    assertThat(RunningGateway.stale(dir)).isEmpty();

    Files.writeString(file, "http://127.0.0.1:18080\n");
    assertThat(RunningGateway.announced(dir)).as("an earlier release's file").isPresent();
    Files.writeString(file, "http://192.0.2.1:18080\npid " + self.pid() + "\n");
    assertThat(RunningGateway.announced(dir)).as("not loopback").isEmpty();
  }

  /** {exit code, stdout, stderr} of one in-process {@code veil} run. */
  private static String[] veil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  /** A fresh self-signed certificate and a YAML configuration serving it from {@code data}. */
  private static Path writeTlsConfig(Path where, Path data) throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned(where);
    Path config = where.resolve("veil.yaml");
    Files.writeString(config, "server:\n  tls:\n    certificate: " + pem.certificate() + "\n    privateKey: "
        + pem.privateKey() + "\ndataDir: " + data + "\n");
    return config;
  }
}
