#!/usr/bin/env bash
# Checks the WireGuard setup of deploy/wireguard (docs/operations.md, "Between datacenters:
# WireGuard") with real nodes: two vxgate nodes in two namespaces (a, b) joined by a WireGuard mesh
# made by deploy/wireguard/make-mesh and brought up with wg-quick (wireguard-go in user space), their
# cluster.bind on the tunnel addresses, and a client namespace (c) on the same LAN.
#   - a and b form one cluster through the tunnel;
#   - every socket the node on a listens on is on the tunnel address, except its HTTP listener and
#     its loopback admin port;
#   - from c the member port is not reachable: not on a's LAN address, and not on the tunnel address
#     even when c routes the tunnel network to a (the PostUp rule); without that rule it would be
#     (checked too, so the test can fail).
# Needs root, ip, iptables, wg, wg-quick, wireguard-go, java, curl, jq; the jar (mvn package).
# Prints "N passed, M failed"; exit 0 when all passed. Everything it makes is removed on exit.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin" LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
((EUID == 0)) || { echo "test_wireguard.sh: needs root" >&2; exit 1; }
for t in ip iptables wg wg-quick wireguard-go java curl jq; do
  command -v "$t" >/dev/null || { echo "test_wireguard.sh: missing $t" >&2; exit 1; }
done
[[ -f ${VXGATE_JAR:-$ROOT/deploy/target/vxgate.jar} ]] || { echo "test_wireguard.sh: build the jar first" >&2; exit 1; }

ID="vxw$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local rc=$? p n
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  sleep 1
  for n in a b; do
    [[ -f $TMP/mesh/$n/${WGIF:-x}$n.conf ]] && in_ns "$n" wg-quick down "$TMP/mesh/$n/$WGIF$n.conf" >/dev/null 2>&1 || true
  done
  for n in $(ip netns list | awk '{ print $1 }' | grep -E "^$ID-" || true); do
    ip netns pids "$n" | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  ((rc == 0)) || { echo "logs:"; tail -n 15 "$TMP"/*.log 2>/dev/null; }
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
in_ns() { local n=$1; shift; ip netns exec "$ID-$n" "$@"; }
pass=0 fail=0
check() {
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "PASS $what"; else fail=$((fail + 1)); echo "FAIL $what"; fi
}
poll() {
  local end=$((SECONDS + $1)); shift
  while ((SECONDS < end)); do "$@" && return 0; sleep 0.5; done
  return 1
}
# can_connect NS HOST PORT : a TCP connection from NS completes within 3 s
can_connect() { in_ns "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }

# the LAN: a switch namespace with a bridge, a=.1 b=.2 c=.3
ip netns add "$ID-sw"
in_ns sw ip link add br0 type bridge
in_ns sw ip link set br0 up
declare -A LAN=([a]=192.168.77.1 [b]=192.168.77.2 [c]=192.168.77.3)
for h in a b c; do
  ip netns add "$ID-$h"
  in_ns "$h" ip link set lo up
  in_ns sw ip link add "v$h" type veth peer name eth0 netns "$ID-$h"
  in_ns sw ip link set "v$h" master br0 up
  in_ns "$h" ip addr add "${LAN[$h]}/24" dev eth0
  in_ns "$h" ip link set eth0 up
done

# the mesh, as an operator would make it
"$ROOT/deploy/wireguard/make-mesh" "$TMP/mesh" "a=${LAN[a]}" "b=${LAN[b]}" >/dev/null
# wg-quick names the interface after the file. wireguard-go's control socket lives in
# /var/run/wireguard, which every namespace shares: a name of this run's own (w + 6 hex + a|b)
WGIF=w${ID#vxw}
for h in a b; do
  cp "$TMP/mesh/$h/wg-vxgate.conf" "$TMP/mesh/$h/$WGIF$h.conf"
  in_ns "$h" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
    wg-quick up "$TMP/mesh/$h/$WGIF$h.conf" >"$TMP/wg-$h.log" 2>&1
done

# one node on each side, cluster section from make-mesh
for h in a b; do
  {
    cat "$TMP/mesh/$h/vxgate-cluster.yaml"
    echo "  name: wg-check-$ID"
    echo "listeners: [{name: web, bind: \"${LAN[$h]}:8080\"}]"
    echo "upstreams: {o: {servers: [{name: o1, address: 127.0.0.1:9}]}}"
    echo "routes: [{name: default, upstream: o}]"
  } >"$TMP/$h.yaml"
  (exec setsid ip netns exec "$ID-$h" env VXGATE_EVENT_LOOPS=1 \
    VXGATE_JAVA_OPTS="-Xms96m -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j" \
    "$ROOT/bin/vxgate" --config "$TMP/$h.yaml" --node-id "$h" --datacenter "dc-$h" \
    --admin-bind 127.0.0.1:9090 --shutdown-grace 1s) </dev/null >"$TMP/node-$h.log" 2>&1 &
  PIDS+=($!)
done
members() { in_ns "$1" curl -fsS --max-time 2 http://127.0.0.1:9090/api/cluster/members 2>/dev/null | jq -r '[.members[].id] | sort | join(",")'; }
members_ab() { [[ $(members a) == a,b && $(members b) == a,b ]]; }
check "a and b form one cluster through the tunnel" poll 150 members_ab

only_tunnel_and_listener() {
  local socks bad
  socks=$(in_ns a ss -Hltnp | grep java | awk '{ print $4 }' | sed -E 's/^\[::ffff:([0-9.]+)\]/\1/')
  bad=$(grep -vE '^(10\.99\.0\.1:[0-9]+|127\.0\.0\.1:9090|192\.168\.77\.1:8080)$' <<<"$socks" || true)
  [[ -z $bad ]] || { echo "  listening elsewhere: $bad"; return 1; }
  grep -qx '10.99.0.1:5701' <<<"$socks" || { echo "  no member port on the tunnel: $socks"; return 1; }
}
check "a's member port and event bus listen on the tunnel address only" only_tunnel_and_listener
check "b reaches a's member port through the tunnel" can_connect b 10.99.0.1 5701
check "c cannot reach the member port on a's LAN address" eval '! can_connect c 192.168.77.1 5701'
in_ns c ip route add 10.99.0.0/24 via "${LAN[a]}"
check "c cannot reach the member port with the tunnel network routed to a" eval '! can_connect c 10.99.0.1 5701'
# control: without make-mesh's PostUp rule the weak host model lets c in
rule=(INPUT -d 10.99.0.0/24 ! -i "${WGIF}a" -j DROP)
in_ns a iptables -w 5 -D "${rule[@]}"
check "control: without the PostUp rule c does reach it" can_connect c 10.99.0.1 5701
in_ns a iptables -w 5 -I "${rule[@]}"
check "with the rule back, c is refused again" eval '! can_connect c 10.99.0.1 5701'
echo "wireguard: $pass passed, $fail failed"
((fail == 0))
