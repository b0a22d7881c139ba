package io.veil.store;

import java.util.regex.Pattern;

/** Validation of the identifiers the store accepts in clear. Messages echo no input. */
final class Ids {
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final Pattern SHORT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,63}");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,127}");

  private Ids() {}

  static String requireTenant(String tenant) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must be 1-128 characters of [A-Za-z0-9_.:-]");
    }
    return tenant;
  }

  /** Endpoint paths, policy and notice versions, sources: short ids such as {@code /v1/chat/completions}. */
  static String requireShortId(String what, String value) {
    if (value == null || !(SHORT_ID.matcher(value).matches() || value.startsWith("/") && value.length() > 1
        && SHORT_ID.matcher(value.substring(1)).matches())) {
      throw new IllegalArgumentException(what + " must be 1-64 characters of [A-Za-z0-9_.:/+-]");
    }
    return value;
  }

  static String requireModel(String value) {
    if (value == null || !MODEL.matcher(value).matches()) {
      throw new IllegalArgumentException("model must be 1-128 characters of [A-Za-z0-9_.:/@+-]");
    }
    return value;
  }

  /** Checked by a loop, not a regex: it runs for every pseudonym the vault derives (once per value). */
  static String requireHex64(String what, String value) {
    if (!isHex64(value)) {
      throw new IllegalArgumentException(what + " must be 64 lower-case hex digits");
    }
    return value;
  }

  static boolean isHex64(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
