package io.veil.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The provider Veil forwards to.
 *
 * @param baseUrl the OpenAI-compatible base URL, ending before {@code /chat/completions} (e.g.
 *     {@code https://api.openai.com/v1}, an Azure deployment URL, {@code http://127.0.0.1:11434/v1})
 * @param apiKey the provider key, or null to send none
 * @param apiVersion Azure's {@code api-version} query parameter, or null
 * @param authHeader how the key is sent
 * @param connectTimeout TCP/TLS connect timeout
 * @param timeout time allowed until the upstream's response headers arrive
 *
 * <p><b>Security:</b> {@link #toString()} never shows the key. Use {@link #validated} to enforce the
 * HTTPS-only rule.
 */
public record UpstreamConfig(URI baseUrl, String apiKey, String apiVersion, AuthHeader authHeader,
    Duration connectTimeout, Duration timeout) {

  /** How the provider key travels. */
  public enum AuthHeader {
    /** {@code Authorization: Bearer KEY} (OpenAI, vLLM, Ollama). */
    BEARER,
    /** {@code api-key: KEY} (Azure OpenAI). */
    API_KEY
  }

  public static final URI OPENAI = URI.create("https://api.openai.com/v1");

  public UpstreamConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(authHeader, "authHeader");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(timeout, "timeout");
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
  }

  /** This configuration after checking the base URL; throws with a clear message if it is refused. */
  public UpstreamConfig validated() {
    UpstreamUrls.requireAllowed(baseUrl);
    return this;
  }

  public UpstreamConfig withBaseUrl(URI url) {
    return new UpstreamConfig(url, apiKey, apiVersion, authHeader, connectTimeout, timeout);
  }

  public boolean hasApiKey() {
    return apiKey != null;
  }

  @Override
  public String toString() {
    return "UpstreamConfig[" + baseUrl + ", key " + (apiKey == null ? "none" : "set") + ", auth " + authHeader + "]";
  }
}
