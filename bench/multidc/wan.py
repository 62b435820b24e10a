#!/usr/bin/env python3
"""The packet-level WAN of the multi-datacenter test bed (bench/multidc/README.md, `--wan packet`).

The relay (relay.py) delays TCP streams it terminates, so a packet lost on the way into it is
retransmitted over a short hop within milliseconds. This delays *packets* instead, end to end: it
owns two TUN devices in the router namespace (--a, --b); policy routing sends dc1 -> dc2 packets
into A and dc2 -> dc1 packets into B; every packet read from one device is written to the other
after DELAY +- JITTER ms (uniform, seeded; packets of one direction keep their order), and the
kernel routes it on. TCP between the nodes then sees the WAN's round trip, and a packet dropped by
iptables (the chain WAN on FORWARD from the TUN devices) costs what it costs on a real link.

SIGHUP re-reads --params FILE (JSON {"delay_ms": D, "jitter_ms": J}).
Usage: wan.py --a NAME --b NAME [--delay-ms 40] [--jitter-ms 5] [--seed N] [--params FILE]
Python 3.9+ standard library only; needs /dev/net/tun and CAP_NET_ADMIN (root).
"""

import argparse
import fcntl
import heapq
import json
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--delay-ms", type=float, default=40)
    ap.add_argument("--jitter-ms", type=float, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--params")
    a = ap.parse_args(argv)
    params = {"delay_ms": a.delay_ms, "jitter_ms": a.jitter_ms}
    rnd = random.Random(a.seed)

    def log(msg):
        print(f"wan {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    def reload(*_):
        try:
            with open(a.params, encoding="utf-8") as f:
                p = json.load(f)
            params["delay_ms"] = float(p.get("delay_ms", params["delay_ms"]))
            params["jitter_ms"] = float(p.get("jitter_ms", params["jitter_ms"]))
            log(f"params: delay {params['delay_ms']} ms, jitter {params['jitter_ms']} ms")
        except (OSError, ValueError) as e:
            log(f"params not reloaded: {e}")

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    if a.params:
        signal.signal(signal.SIGHUP, reload)
    fa, fb = open_tun(a.a), open_tun(a.b)
    other = {fa: fb, fb: fa}
    last_due = {fa: 0.0, fb: 0.0}
    heap, seq, moved = [], 0, 0
    log(f"{a.a} <-> {a.b}, delay {a.delay_ms} ms +- {a.jitter_ms} ms, seed {a.seed}")
    while not stop:
        now = time.monotonic()
        timeout = max(0.0, heap[0][0] - now) if heap else 0.5
        try:
            ready, _, _ = select.select([fa, fb], [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in ready:
            while True:
                try:
                    pkt = os.read(fd, 65535)
                except BlockingIOError:
                    break
                j = rnd.uniform(-params["jitter_ms"], params["jitter_ms"]) if params["jitter_ms"] else 0
                due = max(now + max(0.0, params["delay_ms"] + j) / 1000.0, last_due[fd])
                last_due[fd] = due
                seq += 1
                heapq.heappush(heap, (due, seq, other[fd], pkt))
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, out, pkt = heapq.heappop(heap)
            try:
                os.write(out, pkt)
                moved += 1
            except OSError:
                pass  # device full or down: the packet is lost, as on a link
    log(f"stopped after {moved} packets ({len(heap)} in flight)")


if __name__ == "__main__":
    main(sys.argv[1:])
