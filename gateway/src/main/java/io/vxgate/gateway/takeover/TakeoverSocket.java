package io.vxgate.gateway.takeover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a node listens for a takeover, and whose peers it trusts. */
public final class TakeoverSocket {
  private TakeoverSocket() {}

  /**
   * The Unix socket of node {@code nodeId}: {@code $VXGATE_TAKEOVER_SOCKET}, else {@code
   * TMPDIR/vxgate-NODEID.takeover} (the JVM's {@code java.io.tmpdir}).
   */
  public static Path path(String nodeId) {
    String env = System.getenv("VXGATE_TAKEOVER_SOCKET");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "vxgate-" + nodeId + ".takeover");
  }

  /** This process's user id: only a peer of the same user may take over, or be taken from. */
  static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
