package io.veil.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway's listener treats connections and how it stops.
 *
 * @param shutdownTimeout how long {@link Gateway#close()} (SIGTERM in {@code veil serve}) lets requests in flight
 *     finish; streams still running near its end get an in-stream error event, then Jetty cuts what remains.
 *     Keep it below the orchestrator's grace period (Kubernetes: {@code terminationGracePeriodSeconds}, 30 s).
 * @param maxConnections open client connections accepted at once; beyond it the listener stops accepting
 *     until some close (bounds file descriptors and memory against floods of idle or slow connections)
 * @param idleTimeout a connection with no bytes moving for this long is closed
 * @param drainDelay on {@link Gateway#close()}, how long {@code /ready} answers 503 while requests are still
 *     served, before the listener closes: the time a load balancer needs to notice and stop sending new
 *     requests (its health-check interval times its unhealthy threshold). 0: close the listener at once.
 * @param headerTimeout an HTTP/1.x request's line and headers must arrive within this long of its first byte,
 *     else the client gets 408 and its connection is closed (the slowloris defence: the idle timeout alone
 *     restarts with every byte). Checked about every quarter of it, at most every second.
 * @param minBodyBytesPerSecond after a grace period of {@code headerTimeout} from an HTTP/1.x request's first byte,
 *     its body must have arrived at this average rate, else the connection is closed (slow-body attacks); an
 *     HTTP/2 request's body likewise from when the gateway starts reading it, else that stream gets 408
 *     ({@link MinimumRateBody}); 0 turns the rule off
 */
public record ServerOptions(Duration shutdownTimeout, int maxConnections, Duration idleTimeout, Duration drainDelay,
    Duration headerTimeout, int minBodyBytesPerSecond) {
  /** 20 s to stop, 10,000 connections, 30 s idle, no drain delay, 10 s for a request's headers, bodies at 1 KiB/s. */
  public static final ServerOptions DEFAULTS = new ServerOptions(Duration.ofSeconds(20), 10_000, Duration.ofSeconds(30),
      Duration.ZERO, Duration.ofSeconds(10), 1024);

  /** With the default header timeout (10 s) and minimum body rate (1 KiB/s). */
  public ServerOptions(Duration shutdownTimeout, int maxConnections, Duration idleTimeout, Duration drainDelay) {
    this(shutdownTimeout, maxConnections, idleTimeout, drainDelay, Duration.ofSeconds(10), 1024);
  }

  public ServerOptions {
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(drainDelay, "drainDelay");
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    if (headerTimeout.toMillis() < 1000 || headerTimeout.toSeconds() > 3600) {
      throw new IllegalArgumentException("server.headerTimeoutSeconds must be 1-3600");
    }
    if (minBodyBytesPerSecond < 0 || minBodyBytesPerSecond > (1 << 30)) {
      throw new IllegalArgumentException("server.minBodyBytesPerSecond must be 0-1073741824");
    }
    if (drainDelay.isNegative() || drainDelay.toSeconds() > 600) {
      throw new IllegalArgumentException("server.drainDelaySeconds must be 0-600");
    }
    if (shutdownTimeout.isNegative() || shutdownTimeout.toSeconds() > 3600) {
      throw new IllegalArgumentException("server.shutdownTimeoutSeconds must be 0-3600");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("server.maxConnections must be >= 1");
    }
    if (idleTimeout.toMillis() < 1000) {
      throw new IllegalArgumentException("server.idleTimeoutSeconds must be >= 1");
    }
  }
}
