package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link DataKeyPool}: every key handed out once, a short pool never fails or blocks a caller. */
class DataKeyPoolTest {

  @Test
  void concurrentTakersNeverGetTheSameKey() throws Exception {
    DataKeyPool pool = new DataKeyPool(8);
    ConcurrentLinkedQueue<String> taken = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        fs.add(ex.submit(() -> {
          start.await();
          for (int i = 0; i < 25; i++) {
            taken.add(java.util.HexFormat.of().formatHex(DataKeysTest.keyBytes(pool.take())));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
    }
    Set<String> distinct = new HashSet<>(taken);
    assertThat(taken).hasSize(400);
    assertThat(distinct).hasSize(400);
    assertThat(pool.fillerFailures()).isZero();
  }

  @Test
  void anEmptyPoolGeneratesOnTheCallersThreadAndThenFillsUp() throws Exception {
    DataKeyPool pool = new DataKeyPool(4);
    assertThat(pool.ready()).isZero();
    assertThat(pool.take().aead()).isNotNull(); // nothing ready yet: generated here, the filler started
    assertThat(pool.generatedOnCaller()).isEqualTo(1);
    waitUntilFull(pool);
    long before = pool.generatedOnCaller();
    pool.take();
    assertThat(pool.generatedOnCaller()).isEqualTo(before); // served from the pool
    assertThat(pool.ready()).isLessThanOrEqualTo(pool.capacity());
  }

  @Test
  void capacityZeroIsNoPool() throws Exception {
    DataKeyPool pool = new DataKeyPool(0);
    assertThat(pool.take()).isNotNull();
    assertThat(pool.capacity()).isZero();
    assertThat(pool.ready()).isZero();
    assertThatThrownBy(() -> new DataKeyPool(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Liveness only: the background filler gets there eventually (no timing is asserted). */
  private static void waitUntilFull(DataKeyPool pool) throws InterruptedException {
    for (int i = 0; i < 6000 && pool.ready() < pool.capacity(); i++) {
      Thread.sleep(10);
    }
    assertThat(pool.ready()).isEqualTo(pool.capacity());
  }
}
