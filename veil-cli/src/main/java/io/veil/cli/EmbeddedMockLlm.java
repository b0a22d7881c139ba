package io.veil.cli;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;

/**
 * The built-in mock LLM ({@code io.veil.gateway.mock.MockLlm}) started in-process as the upstream
 * when no provider is configured. Looked up by name so that this command builds before the mock
 * lands on every branch; replace with a direct call once it has.
 */
final class EmbeddedMockLlm implements AutoCloseable {
  private final Object mock;
  private final URI baseUrl;

  private EmbeddedMockLlm(Object mock, URI baseUrl) {
    this.mock = mock;
    this.baseUrl = baseUrl;
  }

  static EmbeddedMockLlm start() {
    try {
      Class<?> c = Class.forName("io.veil.gateway.mock.MockLlm");
      Object mock = c.getMethod("start", int.class, Path.class).invoke(null, 0, null);
      URI base = (URI) c.getMethod("baseUrl").invoke(mock);
      return new EmbeddedMockLlm(mock, base);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the built-in mock LLM is not part of this build; pass --upstream URL");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start the built-in mock LLM: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The mock's root URL, e.g. {@code http://127.0.0.1:PORT}. */
  URI baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    try {
      Method close = mock.getClass().getMethod("close");
      close.invoke(mock);
    } catch (ReflectiveOperationException e) {
      // shutting down anyway
    }
  }
}
