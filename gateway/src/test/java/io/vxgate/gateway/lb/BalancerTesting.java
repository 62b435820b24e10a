package io.vxgate.gateway.lb;

import io.vxgate.config.BalanceConfig;
import io.vxgate.config.BalanceConfig.Kind;
import io.vxgate.util.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Helpers shared by the balancer tests. */
final class BalancerTesting {
  private BalancerTesting() {}

  static Balancer balancer(Kind kind, Ticker ticker, Endpoint... servers) {
    return Balancer.create(new BalanceConfig(kind, null), List.of(servers), ticker, new Random(42));
  }

  /** The names of the next {@code n} picks. */
  static List<String> picks(Balancer b, PickContext ctx, int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Endpoint e = b.pick(ctx);
      names.add(e == null ? null : e.name());
    }
    return names;
  }

  /** {@code "a b"} -> {@code [a, b]}, repeated {@code times}. */
  static List<String> seq(String names, int times) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.addAll(List.of(names.split(" ")));
    }
    return out;
  }
}
