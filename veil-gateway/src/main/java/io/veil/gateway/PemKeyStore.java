package io.veil.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds an in-memory key store from a PEM certificate chain and a PEM PKCS#8 private key. */
final class PemKeyStore {
  private static final Pattern KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemKeyStore() {}

  static KeyStore load(TlsConfig tls, char[] password) {
    try {
      List<? extends Certificate> chain;
      try {
        chain = CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(read("certificate", tls.certificate()))).stream().toList();
      } catch (java.security.cert.CertificateException e) {
        throw new IllegalArgumentException("invalid TLS certificate in " + tls.certificate()
            + " (a PEM X.509 chain expected): " + e.getClass().getSimpleName(), e);
      }
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("no certificate found in " + tls.certificate());
      }
      read("private key", tls.privateKey());
      PrivateKey key = privateKey(tls.privateKey());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("veil", key, password, chain.toArray(new Certificate[0]));
      return ks;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS certificate or key: " + e.getClass().getSimpleName(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid TLS certificate or key: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The file's bytes, or an error that names the file and the reason (not found, not readable). */
  private static byte[] read(String what, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("TLS " + what + " file not found: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS " + what + " file " + file + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("no PKCS#8 private key ('BEGIN PRIVATE KEY') in " + file
          + "; convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.spec.InvalidKeySpecException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("unsupported private key algorithm in " + file + " (RSA, EC or Ed25519 expected)");
  }
}
