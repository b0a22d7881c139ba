package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Veil;
import io.veil.core.testing.SelfSignedCert;
import io.veil.gateway.keys.FileClientKeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both sides: the listener from PEM files (a real handshake, HTTP/2 via ALPN and HTTP/1.1),
 * and certificate validation towards the upstream, which cannot be switched off.
 */
class TlsListenerIT {
  @TempDir
  Path dir;

  @Test
  void servesHttp2AndHttp11OverTlsFromPemFiles() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create();
    TlsConfig tls = cert.writePem(dir, TlsConfig::new);
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir.resolve("data"), up, tls,
        Map.of("default", GatewayPolicy.defaults("default")));
    try (Gateway gateway = Gateway.start(config, Veil.builder().build(), FileClientKeyStore.open(dir.resolve("data")))) {
      assertThat(gateway.baseUrl().getScheme()).isEqualTo("https");
      URI health = URI.create(gateway.baseUrl() + "/health");
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trusting()).version(version).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(version);
        HttpResponse<String> unauth = client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(unauth.statusCode()).isEqualTo(401);
      }
      HttpClient untrusting = HttpClient.newHttpClient();
      assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  /**
   * qa10: with a certificate for the service's DNS name only (as operators have), every request to the listener's
   * address got 400 from Jetty's SNI host check, so the admin commands (which reach a running gateway at 127.0.0.1,
   * pinning the certificate) and probes that use the pod's address failed. The client here trusts the certificate
   * and, like those, does not match the host name against it.
   */
  @Test
  void aCertificateForAnotherHostNameServesRequestsToTheListenersAddress() throws Exception {
    SelfSignedCert cert = SelfSignedCert.forDnsName("veil.example.com");
    TlsConfig tls = cert.writePem(dir, TlsConfig::new);
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir.resolve("data"), up, tls,
        Map.of("default", GatewayPolicy.defaults("default")));
    try (Gateway gateway = Gateway.start(config, Veil.builder().build(), FileClientKeyStore.open(dir.resolve("data")));
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) cert.trusting().getSocketFactory()
            .createSocket("127.0.0.1", gateway.baseUrl().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.baseUrl().getPort()
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void anUpstreamWithAnUntrustedCertificateIsRefused() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create();
    try (MockWebServer upstream = new MockWebServer()) {
      upstream.useHttps(cert.serving().getSocketFactory());
      upstream.start();
      UpstreamConfig up = new UpstreamConfig(URI.create("https://127.0.0.1:" + upstream.getPort() + "/v1"), "sk-x", null,
          UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(15), Duration.ofSeconds(15));
      FileClientKeyStore keys = FileClientKeyStore.open(dir.resolve("data"));
      String key = keys.create("acme", "default", 0).secret();
      try (Gateway gateway = Gateway.start(new GatewayConfig("127.0.0.1", 0, dir.resolve("data"), up, null,
          Map.of("default", GatewayPolicy.defaults("default"))), Veil.builder().build(), keys)) {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
            .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("veil_upstream_unreachable");
        assertThat(r.body()).as("the error says why: the operator must fix the certificate or the URL, not wait")
            .contains("TLS certificate");
        assertThat(upstream.getRequestCount()).as("nothing sent over an unverified connection").isZero();
      }
    }
  }
}
