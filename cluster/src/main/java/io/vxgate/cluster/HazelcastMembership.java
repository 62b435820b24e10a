package io.vxgate.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vxgate.config.HostPort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hazelcast's member list, less lite members (tools), read through the vxgate member attributes. A
 * lite member does not list itself.
 */
final class HazelcastMembership implements Membership {
  private final HazelcastInstance hz;
  private final Member me;
  private final List<Consumer<List<Member>>> listeners = new CopyOnWriteArrayList<>();
  private final UUID membershipReg;
  private final UUID lifecycleReg;

  HazelcastMembership(HazelcastInstance hz, Member me) {
    this.hz = hz;
    this.me = me;
    this.membershipReg =
        hz.getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent e) {
                    fire();
                  }

                  @Override
                  public void memberRemoved(MembershipEvent e) {
                    fire();
                  }
                });
    this.lifecycleReg =
        hz.getLifecycleService()
            .addLifecycleListener(
                e -> {
                  if (e.getState() != LifecycleEvent.LifecycleState.STARTING) {
                    fire();
                  }
                });
  }

  private void fire() {
    List<Member> m = members();
    listeners.forEach(l -> l.accept(m));
  }

  @Override
  public Member local() {
    return me;
  }

  @Override
  public List<Member> members() {
    if (!hz.getLifecycleService().isRunning()) {
      return List.of(me);
    }
    List<Member> out = new ArrayList<>();
    for (com.hazelcast.cluster.Member m : hz.getCluster().getMembers()) {
      if (m.isLiteMember()) {
        continue;
      }
      if (m.localMember()) {
        out.add(me);
        continue;
      }
      String id = m.getAttribute(ClusterBootstrap.ATTR_NODE_ID);
      String dc = m.getAttribute(ClusterBootstrap.ATTR_DATACENTER);
      String admin = m.getAttribute(ClusterBootstrap.ATTR_ADMIN);
      String listeners = m.getAttribute(ClusterBootstrap.ATTR_LISTENERS);
      out.add(
          new Member(
              id == null ? m.getUuid().toString() : id,
              dc == null ? "default" : dc,
              admin == null ? "" : reachable(admin, m.getAddress().getHost()),
              listeners == null || listeners.isEmpty()
                  ? List.of()
                  : Arrays.asList(listeners.split(","))));
    }
    out.sort(Comparator.comparing(Member::id));
    return List.copyOf(out);
  }

  /**
   * A member's admin address as the other members reach it: a wildcard host ({@code 0.0.0.0:9090})
   * becomes the member's cluster address ({@code 10.0.0.12:9090}).
   */
  static String reachable(String admin, String clusterHost) {
    HostPort hp = HostPort.parse(admin);
    return hp == null || !HostPort.wildcard(hp.host())
        ? admin
        : new HostPort(clusterHost, hp.port()).toString();
  }

  @Override
  public Subscription listen(Consumer<List<Member>> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void close() {
    listeners.clear();
    try {
      hz.getCluster().removeMembershipListener(membershipReg);
      hz.getLifecycleService().removeLifecycleListener(lifecycleReg);
    } catch (RuntimeException notRunning) {
      // the instance is gone already
    }
  }
}
