package io.veil.gateway;

/**
 * One stage of the gateway pipeline, in the shape of OkHttp's interceptors: it looks at (or
 * replaces) the request, calls {@link Chain#proceed} exactly once (or answers itself by throwing a
 * {@link GatewayException}), and looks at (or replaces) the response.
 */
interface Interceptor {
  GatewayResponse intercept(Chain chain);

  /** The rest of the pipeline, as seen from one stage. */
  interface Chain {
    GatewayRequest request();

    /** Passes the request to the next stage; may be called once per stage. */
    GatewayResponse proceed(GatewayRequest request);
  }
}
