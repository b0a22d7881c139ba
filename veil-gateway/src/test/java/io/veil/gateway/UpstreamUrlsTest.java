package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamUrlsTest {
  @ParameterizedTest
  @ValueSource(strings = {"https://api.openai.com/v1", "https://x.openai.azure.com/openai/deployments/gpt4o",
      "http://127.0.0.1:11434/v1", "http://127.9.8.7/v1", "http://localhost:8000/v1", "http://[::1]:8000/v1",
      "HTTPS://API.OPENAI.COM/v1"})
  void allowed(String url) {
    assertThatCode(() -> UpstreamUrls.requireAllowed(URI.create(url))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://api.openai.com/v1", "http://10.0.0.5/v1", "http://128.0.0.1/v1",
      "http://127.0.0.1.evil.com/v1", "http://localhost.evil.com/v1", "http://127.0.0.300/v1", "ftp://127.0.0.1/v1",
      "https://user:pw@api.openai.com/v1", "https://api.openai.com/v1?api-version=1", "/v1"})
  void refused(String url) {
    assertThatThrownBy(() -> UpstreamUrls.requireAllowed(URI.create(url))).isInstanceOf(IllegalArgumentException.class);
  }
}
