package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty buffer leaks as test failures rather than log lines: listens to the buffers' leak detector
 * (paranoid in tests, see the parent pom's test.jvm.args) and {@link #assertNone} fails when one
 * was reported. A leak is reported once the leaked buffer was collected and another buffer is
 * tracked, so {@link #assertNone} collects garbage and allocates before it looks.
 */
public final class Leaks {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    try {
      Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      f.setAccessible(true);
      ((ResourceLeakDetector<?>) f.get(null))
          .setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Leaks() {}

  /** Starts listening (the class's initialisation does it). */
  public static void watch() {
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }
  }

  /** Fails when a leak was reported since the last call (after a collection). */
  public static void assertNone() {
    for (int i = 0; i < 3 && LEAKS.isEmpty(); i++) {
      System.gc();
      // Tracking a new buffer is what polls the detector's queue of collected ones.
      ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(1);
      b.release();
      ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(1);
      h.release();
    }
    if (!LEAKS.isEmpty()) {
      String first = LEAKS.get(0);
      int n = LEAKS.size();
      LEAKS.clear();
      throw new AssertionError(n + " buffer leak(s); the first: " + first);
    }
  }
}
