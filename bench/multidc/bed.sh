# shellcheck shell=bash
# The network of the multi-datacenter test bed (bench/multidc/README.md), sourced by bench/multidc/run.
#
# Every namespace is named "$BED_ID-..." (BED_ID unique per run) and every interface lives inside
# those namespaces: the root namespace's network is never touched. Bridges and veth peers are made
# inside the router namespace, so no interface name can collide with another run's.
#
#   router  $BED_ID-rtr   br1 10.1.0.1/24 (dc1) | br2 10.2.0.1/24 (dc2) | brx 10.9.0.1/24 (outside)
#   dc1     $BED_ID-d1n1 10.1.0.11, $BED_ID-d1n2 10.1.0.12 (nodes); $BED_ID-d1o1 .21, $BED_ID-d1o2 .22 (origins)
#   dc2     $BED_ID-d2n1 10.2.0.11, $BED_ID-d2n2 10.2.0.12; $BED_ID-d2o1 .21, $BED_ID-d2o2 .22
#   outside $BED_ID-cli 10.9.0.10 (load, probes), $BED_ID-dns 10.9.0.53 (BIND)
#
# The WAN is dc1 <-> dc2 through the router. BED_WAN=relay (the default): every TCP connection
# between them is REDIRECTed to the delaying relay (relay.py on :7000 in the router namespace),
# anything else between them is dropped, and the relayed packets pass the chain WAN (filter INPUT
# from br1/br2). BED_WAN=packet: every packet between them goes through wan.py's TUN devices
# (bed_packet_wan) and passes the chain WAN on FORWARD. The chain holds the loss rule (statistic
# match) and, during a cut, a DROP. The outside reaches both datacenters without delay.

BED_RELAY_PORT=7000
BED_HOSTS=(d1n1 d1n2 d1o1 d1o2 d2n1 d2n2 d2o1 d2o2 cli dns)
declare -A BED_ADDR=(
  [d1n1]=10.1.0.11 [d1n2]=10.1.0.12 [d1o1]=10.1.0.21 [d1o2]=10.1.0.22
  [d2n1]=10.2.0.11 [d2n2]=10.2.0.12 [d2o1]=10.2.0.21 [d2o2]=10.2.0.22
  [cli]=10.9.0.10 [dns]=10.9.0.53
)

bed_ns() { echo "$BED_ID-$1"; }
# bed_exec HOST CMD... : runs CMD inside HOST's namespace (HOST: rtr or one of BED_HOSTS)
bed_exec() { local h=$1; shift; ip netns exec "$BED_ID-$h" "$@"; }
bed_rtr() { bed_exec rtr "$@"; }
bed_ipt() { bed_rtr iptables -w 5 "$@"; }

# bed_up : creates every namespace, link, address, route and rule (fails on the first error)
bed_up() {
  [[ -n ${BED_ID:-} ]] || { echo "bed_up: BED_ID unset" >&2; return 1; }
  local h bridge gw
  ip netns add "$BED_ID-rtr"
  BED_CREATED=1
  bed_rtr ip link set lo up
  for bridge in br1:10.1.0.1 br2:10.2.0.1 brx:10.9.0.1; do
    bed_rtr ip link add "${bridge%%:*}" type bridge
    bed_rtr ip addr add "${bridge#*:}/24" dev "${bridge%%:*}"
    bed_rtr ip link set "${bridge%%:*}" up
  done
  for h in "${BED_HOSTS[@]}"; do
    ip netns add "$BED_ID-$h"
    bed_exec "$h" ip link set lo up
    case $h in d1*) bridge=br1 gw=10.1.0.1 ;; d2*) bridge=br2 gw=10.2.0.1 ;; *) bridge=brx gw=10.9.0.1 ;; esac
    bed_rtr ip link add "v$h" type veth peer name eth0 netns "$BED_ID-$h"
    bed_rtr ip link set "v$h" master "$bridge" up
    bed_exec "$h" ip addr add "${BED_ADDR[$h]}/24" dev eth0
    bed_exec "$h" ip link set eth0 up
    bed_exec "$h" ip route add default via "$gw"
  done
  bed_rtr sysctl -qw net.ipv4.ip_forward=1
  bed_ipt -A FORWARD -i br1 -o br2 -j DROP
  bed_ipt -A FORWARD -i br2 -o br1 -j DROP
  bed_ipt -N WAN
  if [[ ${BED_WAN:-relay} == relay ]]; then
    # the WAN: TCP between the datacenters goes through the relay, nothing else crosses
    bed_ipt -t nat -A PREROUTING -i br1 -d 10.2.0.0/24 -p tcp -j REDIRECT --to-ports "$BED_RELAY_PORT"
    bed_ipt -t nat -A PREROUTING -i br2 -d 10.1.0.0/24 -p tcp -j REDIRECT --to-ports "$BED_RELAY_PORT"
    bed_ipt -A INPUT -i br1 -p tcp -j WAN
    bed_ipt -A INPUT -i br2 -p tcp -j WAN
  fi
}

# bed_packet_wan : with BED_WAN=packet, once wan.py owns the TUN devices wana and wanb in the
# router: dc1 -> dc2 packets are routed into wana, dc2 -> dc1 into wanb (policy routing); wan.py
# writes each to the other device after the delay, and the chain WAN (loss, cut) sees every
# packet once per direction as it leaves a TUN device.
bed_packet_wan() {
  local d
  for d in all default wana wanb; do bed_rtr sysctl -qw "net.ipv4.conf.$d.rp_filter=0"; done
  bed_rtr ip link set wana up
  bed_rtr ip link set wanb up
  bed_rtr ip route add 10.2.0.0/24 dev wana table 101
  bed_rtr ip route add 10.1.0.0/24 dev wanb table 102
  bed_rtr ip rule add iif br1 to 10.2.0.0/24 lookup 101
  bed_rtr ip rule add iif br2 to 10.1.0.0/24 lookup 102
  bed_ipt -A FORWARD -i wana -j WAN
  bed_ipt -A FORWARD -i wanb -j WAN
}

# bed_loss PERCENT : sets the loss of relayed packets (each packet into the relay, both ways)
bed_loss() {
  local p
  p=$(awk -v x="$1" 'BEGIN { printf "%.6f", x / 100 }')
  bed_ipt -F WAN
  [[ ${BED_CUT:-} ]] && bed_ipt -A WAN -j DROP
  awk -v x="$1" 'BEGIN { exit !(x > 0) }' \
    && bed_ipt -A WAN -m statistic --mode random --probability "$p" -j DROP
  BED_LOSS=$1
}

# bed_cut / bed_heal : the WAN drops every packet / carries them again (connections stall, as on a
# real partition: nothing is reset)
bed_cut() { BED_CUT=1; bed_loss "${BED_LOSS:-0}"; }
bed_heal() { BED_CUT=; bed_loss "${BED_LOSS:-0}"; }

# bed_down : removes every namespace of this run (and so every link, bridge and rule in them);
# processes still inside must be stopped first. Safe to call twice and after a partial bed_up.
bed_down() {
  [[ -n ${BED_ID:-} ]] || return 0
  local n
  for n in $(ip netns list | awk '{ print $1 }' | grep -E "^$BED_ID-" || true); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  BED_CREATED=
}
