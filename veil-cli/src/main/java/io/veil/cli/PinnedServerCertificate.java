package io.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for the CLI's calls to the gateway running on the same data directory over TLS: the server must
 * present, as its leaf, exactly the certificate that the configuration's {@code server.tls.certificate}
 * names (the first certificate in that PEM file). The CLI connects to the loopback address that
 * {@code gateway.url} holds, which a certificate issued for the service's DNS name does not cover and a
 * self-signed one is not trusted for by the JDK, so the default trust would refuse every such gateway; the
 * pinned certificate is the gateway's identity instead, and the host name is not checked.
 *
 * <p><b>Security:</b> a server that presents any other certificate is refused before the admin token or a
 * privacy link is sent, so a process that took over the port without the gateway's private key learns
 * nothing. Client certificates are never trusted by this manager. Thread-safe (immutable).
 */
final class PinnedServerCertificate extends X509ExtendedTrustManager {
  private final X509Certificate pinned;

  private PinnedServerCertificate(X509Certificate pinned) {
    this.pinned = pinned;
  }

  /**
   * A TLS context that trusts only the first certificate in the PEM file.
   *
   * @throws CliException naming the file (never its content) when it cannot be read or holds no certificate
   */
  static SSLContext context(Path certificatePem) {
    X509Certificate leaf = leaf(certificatePem);
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new PinnedServerCertificate(leaf)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  /**
   * The first certificate of a PEM file (the server's own, as {@code server.tls.certificate} holds it first).
   *
   * @throws CliException naming the file (never its content) when it cannot be read or holds no certificate
   */
  static X509Certificate leaf(Path certificatePem) {
    try (InputStream in = Files.newInputStream(certificatePem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).findFirst()
          .orElseThrow(() -> new CliException("the gateway's TLS certificate file " + certificatePem
              + " holds no certificate"));
    } catch (IOException | CertificateException e) {
      throw new CliException("cannot read the gateway's TLS certificate file " + certificatePem + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0 || !Arrays.equals(chain[0].getEncoded(), pinned.getEncoded())) {
      throw new CertificateException("the server's certificate is not the one in the gateway's configuration");
    }
    chain[0].checkValidity();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client certificates are not trusted here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("client certificates are not trusted here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("client certificates are not trusted here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
