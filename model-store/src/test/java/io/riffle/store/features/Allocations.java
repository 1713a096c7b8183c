package io.riffle.store.features;

import java.lang.management.ManagementFactory;

/** Measures heap bytes allocated by the current thread (HotSpot's per-thread counter). */
public final class Allocations {
  private Allocations() {}

  /** Bytes allocated by running {@code task} {@code times} times on this thread. */
  public static long measure(Runnable task, int times) {
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(id);
    for (int i = 0; i < times; i++) {
      task.run();
    }
    return bean.getThreadAllocatedBytes(id) - before;
  }
}
