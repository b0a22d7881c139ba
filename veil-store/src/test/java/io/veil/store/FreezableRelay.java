package io.veil.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the store and a database that can be <b>frozen</b>: while frozen it forwards no byte in either
 * direction and closes no socket, as a network partition, a frozen VM or a firewall that drops packets look to the
 * client (the connection stays open, nothing answers). Thawed, it forwards what waited. New connections are accepted
 * while frozen (and then get no bytes either).
 *
 * <p>For tests only; thread safe.
 */
final class FreezableRelay implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;
  private volatile boolean closed;

  FreezableRelay(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("relay-accept").start(this::accept);
  }

  /** The local port the store connects to. */
  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding bytes; sockets stay open. */
  void freeze() {
    frozen = true;
  }

  /** Forwards again, what waited first. */
  void thaw() {
    frozen = false;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofPlatform().daemon().name("relay-up").start(() -> pump(client, upstream));
        Thread.ofPlatform().daemon().name("relay-down").start(() -> pump(upstream, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Copies {@code from} to {@code to}, holding each chunk while frozen; closes both at the end. */
  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        awaitThaw();
        int n = in.read(buf);
        if (n < 0) {
          return;
        }
        awaitThaw();
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // one side closed (or the relay): the pair goes
    }
  }

  private void awaitThaw() throws InterruptedException {
    while (frozen && !closed) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
