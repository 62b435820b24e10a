package io.vxgate.gateway.it;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link LimitsIT}: opens N idle connections to 127.0.0.1:PORT, prints "open
 * N", and holds them until its stdin closes. A process of its own, so that the client ends of the
 * sockets do not count against the test JVM's file-descriptor limit.
 */
public final class IdleClients {
  private IdleClients() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    List<Socket> sockets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sockets.add(new Socket("127.0.0.1", port));
    }
    System.out.println("open " + sockets.size());
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold until the parent closes our stdin
    }
    for (Socket s : sockets) {
      s.close();
    }
  }
}
