package io.veil.gateway;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for upstream URLs: HTTPS always; plain HTTP only to loopback addresses (127.0.0.0/8,
 * ::1, localhost), for sidecars such as a local Ollama and for tests. Host names other than
 * {@code localhost} are not resolved to decide (that would let DNS decide where plain text goes).
 */
public final class UpstreamUrls {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private UpstreamUrls() {}

  /** Throws {@link IllegalArgumentException} with a clear message if the URL may not be used. */
  public static void requireAllowed(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("upstream URL must be absolute with a host, like https://api.openai.com/v1");
    }
    if (url.getUserInfo() != null) {
      throw new IllegalArgumentException("upstream URL must not carry credentials; configure upstream.apiKey instead");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("upstream URL must not have a query or fragment; set upstream.apiVersion for Azure's api-version");
    }
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http")) {
      if (isLoopback(url.getHost())) {
        return;
      }
      throw new IllegalArgumentException("upstream " + url.getScheme() + "://" + url.getHost()
          + " refused: Veil talks to providers over HTTPS only; plain HTTP is allowed to loopback addresses"
          + " (127.0.0.0/8, ::1, localhost) only");
    }
    throw new IllegalArgumentException("upstream URL scheme must be https (or http to a loopback address)");
  }

  /** True for loopback host literals and {@code localhost}. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    if (IPV4_LOOPBACK.matcher(h).matches()) {
      for (String part : h.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
