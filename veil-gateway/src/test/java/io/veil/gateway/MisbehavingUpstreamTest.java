package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The fault-test upstream's own promise that {@link FaultsIT} relies on: once {@link MisbehavingUpstream#stop()}
 * returns, connections are refused. FaultsIT once got 200 instead of 502 right after {@code stop()}: closing a
 * server socket only wakes the virtual thread blocked in its {@code accept}, and the listening descriptor stays
 * open until that thread runs again; on a loaded machine the gateway's next request was accepted and answered.
 */
class MisbehavingUpstreamTest {

  /**
   * Every carrier of the virtual-thread scheduler is kept busy, so the accepting thread cannot run when stop()
   * closes its socket: the state a loaded machine produces by chance. Failed before the fix (connected).
   */
  @Test
  void stopRefusesConnectionsOnceItReturnsEvenWhenTheAcceptingThreadCannotRunYet() throws Exception {
    MisbehavingUpstream up = new MisbehavingUpstream();
    int port = URI.create(up.baseUrl()).getPort();
    int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    AtomicBoolean release = new AtomicBoolean();
    CountDownLatch spinning = new CountDownLatch(carriers);
    try {
      for (int i = 0; i < carriers; i++) {
        Thread.ofVirtual().start(() -> {
          spinning.countDown();
          while (!release.get()) {
            Thread.onSpinWait(); // holds its carrier: a spinning virtual thread is never unmounted
          }
        });
      }
      assertThat(spinning.await(10, TimeUnit.SECONDS)).as("all carriers taken").isTrue();
      AtomicReference<String> afterStop = new AtomicReference<>();
      Thread stopper = Thread.ofPlatform().start(() -> {
        try {
          up.stop();
          afterStop.set(connect(port));
        } catch (Exception e) {
          afterStop.set(e.toString());
        }
      });
      // let the stopper get as far as it can while the carriers are taken: done (returned from stop()), or
      // waiting inside stop() for the accepting thread, which needs a carrier
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (stopper.getState() != Thread.State.TERMINATED && stopper.getState() != Thread.State.WAITING
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      release.set(true);
      stopper.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(afterStop.get()).as("a connection to the port after stop() returned").isEqualTo("refused");
    } finally {
      release.set(true);
      up.close();
    }
  }

  private static String connect(int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      return "connected";
    } catch (ConnectException e) {
      return "refused";
    }
  }
}
