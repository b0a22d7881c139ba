package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.VeilException;
import io.veil.core.keys.VeilKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code <EMAIL_enc:AZ3x...>}: the value encrypted with Tink AEAD (AES-256-GCM), bound to the tenant and
 * type as associated data, base64url without padding. Whoever holds the keys can decrypt the token
 * ({@link Operators#decrypt}); in a scope the token is also recorded in the vault, so it is stable
 * across the conversation and restored like any token. When anonymizing, {@code hash} is used instead.
 */
final class EncryptOperator implements Operator {
  static final String NAME = "encrypt";
  private static final Pattern TOKEN = Pattern.compile("<([A-Z][A-Z0-9_]{0,63})_enc:([A-Za-z0-9_-]+)>");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean reversible() {
    return true;
  }

  @Override
  public String apply(OperatorContext ctx, EntityType type, String value) {
    if (ctx.irreversibleOnly()) {
      throw new VeilException("encrypt needs a vault");
    }
    return ctx.vault().tokenize(ctx.scope(), type, ValueNormalizer.matchKey(type, value), value,
        ordinal -> encrypt(ctx.keys(), ctx.tenant(), type, value));
  }

  static String encrypt(VeilKeys keys, String tenant, EntityType type, String value) {
    try {
      byte[] ct = keys.aead().encrypt(value.getBytes(StandardCharsets.UTF_8), associatedData(tenant, type));
      return "<" + type.name() + "_enc:" + Base64.getUrlEncoder().withoutPadding().encodeToString(ct) + ">";
    } catch (GeneralSecurityException e) {
      throw new VeilException("encryption failed: " + e.getClass().getSimpleName());
    }
  }

  static Optional<String> decrypt(VeilKeys keys, String tenant, String token) {
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      byte[] ct = Base64.getUrlDecoder().decode(m.group(2));
      byte[] pt = keys.aead().decrypt(ct, associatedData(tenant, EntityType.of(m.group(1))));
      return Optional.of(new String(pt, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] associatedData(String tenant, EntityType type) {
    return ("veil-enc\u0000" + tenant + "\u0000" + type.name()).getBytes(StandardCharsets.UTF_8);
  }
}
