package io.veil.gateway;

import java.util.List;

/** The chain over a fixed list of interceptors; enforces that each stage proceeds at most once. */
final class RealChain implements Interceptor.Chain {
  private final List<Interceptor> interceptors;
  private final int index;
  private final GatewayRequest request;
  private boolean proceeded;

  RealChain(List<Interceptor> interceptors, int index, GatewayRequest request) {
    this.interceptors = interceptors;
    this.index = index;
    this.request = request;
  }

  @Override
  public GatewayRequest request() {
    return request;
  }

  @Override
  public GatewayResponse proceed(GatewayRequest next) {
    if (proceeded) {
      throw new IllegalStateException("interceptor " + interceptors.get(index - 1).getClass().getSimpleName()
          + " called proceed() more than once");
    }
    proceeded = true;
    if (index >= interceptors.size()) {
      throw new IllegalStateException("the last interceptor must answer, not proceed");
    }
    RealChain chain = new RealChain(interceptors, index + 1, next);
    GatewayResponse response = interceptors.get(index).intercept(chain);
    if (response == null) {
      throw new IllegalStateException(interceptors.get(index).getClass().getSimpleName() + " returned null");
    }
    return response;
  }

  /** Runs the whole chain on a request. */
  static GatewayResponse run(List<Interceptor> interceptors, GatewayRequest request) {
    return new RealChain(interceptors, 0, request).proceed(request);
  }
}
