package io.vxgate.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for tests that must name a port before something binds it (cluster
 * members, node processes).
 *
 * <p>{@code new ServerSocket(0)} hands out ports from the kernel's ephemeral range, the same range
 * outgoing connections take their source ports from, Hazelcast's own among them: a port picked that
 * way can be taken by a connection before the test binds it. These ports come from below the
 * ephemeral range (20000-32000), are checked to be bindable, and are never handed out twice in one
 * JVM.
 */
public final class FreePorts {
  private static final int LOW = 20000;
  private static final int HIGH = 32000;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port on 127.0.0.1 that nothing listens on now and that no other caller got. */
  public static int pick() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 1000; i++) {
      int port = random.nextInt(LOW, HIGH);
      if (GIVEN.add(port)) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException inUse) {
          // try another
        }
      }
    }
    throw new IllegalStateException("no free port in " + LOW + ".." + HIGH);
  }
}
