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
import java.security.cert.X509Certificate;
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
      if (chain.get(0) instanceof X509Certificate leaf) {
        checkValidity(leaf, tls.certificate());
        checkPair(key, leaf, tls);
      }
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
      throw new IllegalArgumentException("TLS " + what + " file not found: " + TlsConfig.located(file), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS " + what + " file " + file + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** An expired or not yet valid leaf would fail every client's handshake: refuse it now, with the date. */
  private static void checkValidity(X509Certificate leaf, Path file) {
    try {
      leaf.checkValidity();
    } catch (java.security.cert.CertificateExpiredException e) {
      throw new IllegalArgumentException("the TLS certificate in " + file + " expired on " + leaf.getNotAfter().toInstant());
    } catch (java.security.cert.CertificateNotYetValidException e) {
      throw new IllegalArgumentException("the TLS certificate in " + file + " is not valid before "
          + leaf.getNotBefore().toInstant());
    }
  }

  /**
   * The key must be the one the leaf certificate was issued for (a common mix-up after a renewal):
   * something signed with the key must verify with the certificate's public key.
   */
  private static void checkPair(PrivateKey key, X509Certificate leaf, TlsConfig tls) throws GeneralSecurityException {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    boolean matches = false;
    if (alg != null && key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())) {
      byte[] probe = new byte[32];
      new java.security.SecureRandom().nextBytes(probe);
      java.security.Signature sign = java.security.Signature.getInstance(alg);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(alg);
      verify.initVerify(leaf.getPublicKey());
      verify.update(probe);
      try {
        matches = verify.verify(signature);
      } catch (java.security.SignatureException e) {
        matches = false;
      }
    }
    if (!matches) {
      throw new IllegalArgumentException("the private key in " + tls.privateKey() + " does not belong to the first"
          + " certificate in " + tls.certificate() + " (the server's own certificate must come first, then its chain)");
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = KEY.matcher(pem);
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException("the private key in " + file + " is encrypted; Veil reads an unencrypted"
          + " PKCS#8 key (keep the file readable only by Veil's user); convert with: openssl pkcs8 -topk8 -nocrypt"
          + " -in KEY -out KEY.pk8.pem");
    }
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
