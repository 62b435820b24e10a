package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HazelcastMembershipTest {

  @Test
  void aWildcardAdminHostIsReachedAtTheMembersClusterAddress() {
    assertThat(HazelcastMembership.reachable("0.0.0.0:9090", "10.0.0.12"))
        .isEqualTo("10.0.0.12:9090");
    assertThat(HazelcastMembership.reachable("[::]:9090", "fd00::12")).isEqualTo("[fd00::12]:9090");
    assertThat(HazelcastMembership.reachable("127.0.0.1:9090", "10.0.0.12"))
        .isEqualTo("127.0.0.1:9090");
    assertThat(HazelcastMembership.reachable("10.0.0.7:9090", "10.0.0.12"))
        .isEqualTo("10.0.0.7:9090");
    assertThat(HazelcastMembership.reachable("", "10.0.0.12")).isEmpty();
  }
}
