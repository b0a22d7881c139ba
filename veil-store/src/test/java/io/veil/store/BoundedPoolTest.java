package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundedPoolTest {
  @Test
  void keepsAtMostItsCapacityAndHandsEachObjectOutOnce() {
    BoundedPool<Object> pool = new BoundedPool<>(3);
    assertThat(pool.take()).isNull();
    Object[] objects = {new Object(), new Object(), new Object(), new Object(), new Object()};
    for (Object o : objects) {
      pool.give(o);
    }
    assertThat(pool.idle()).isEqualTo(3);
    Set<Object> taken = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      assertThat(taken.add(pool.take())).isTrue();
    }
    assertThat(pool.take()).isNull();
    assertThat(pool.idle()).isZero();
    assertThat(taken).containsExactlyInAnyOrder(objects[0], objects[1], objects[2]);
  }

  @Test
  void concurrentUseNeverSharesAnObjectAndStaysBounded() throws InterruptedException {
    BoundedPool<int[]> pool = new BoundedPool<>(4);
    Thread[] threads = new Thread[16];
    int[] failures = new int[1];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 2_000; i++) {
          int[] o = pool.take();
          if (o == null) {
            o = new int[1];
          }
          if (o[0] != 0) {
            synchronized (failures) {
              failures[0]++; // another thread is using it
            }
          }
          o[0] = 1;
          Thread.yield();
          o[0] = 0;
          pool.give(o);
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures[0]).isZero();
    assertThat(pool.idle()).isBetween(1, 4);
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new BoundedPool<>(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
