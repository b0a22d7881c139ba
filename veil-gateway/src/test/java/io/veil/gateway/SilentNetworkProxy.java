package io.veil.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the gateway and its database that can go silent: {@link #silence()} stops delivering bytes
 * in both directions while every connection stays open, as a network that drops packets (a partition, a failover
 * whose old address answers nothing) or a stopped server host looks to a client: no error, no reset, nothing.
 * {@link #heal()} closes the connections that lived through the silence (their peer gave up, or would) and relays
 * new ones again. For tests; one pair of relaying threads per connection.
 */
final class SilentNetworkProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean silent;
  private volatile boolean closed;

  SilentNetworkProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("silent-proxy-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on nothing is delivered either way; connections stay open. */
  void silence() {
    silent = true;
  }

  /** Drops the connections that saw the silence; new connections are relayed again. */
  void heal() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
    silent = false;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket db = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(db);
        Thread.ofVirtual().start(() -> pump(client, db));
        Thread.ofVirtual().start(() -> pump(db, client));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        while (silent && !from.isClosed()) {
          Thread.sleep(10); // held, never delivered: heal() closes this connection
        }
        if (from.isClosed()) {
          return;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // one side went away: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    heal();
  }
}
