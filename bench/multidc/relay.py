#!/usr/bin/env python3
"""The WAN of the multi-datacenter test bed (bench/multidc/README.md): a delaying TCP relay.

It runs in the router namespace between the datacenters. iptables REDIRECTs every TCP connection
from one datacenter to the other to this relay (nat PREROUTING); the relay reads the connection's
original destination (SO_ORIGINAL_DST), connects there, and forwards each direction after a delay
of DELAY +- JITTER ms (uniform, seeded). Bytes of one direction keep their order: a chunk is never
sent before the chunk read before it, so jitter shows up as varying delay, not as reordering. An
end of stream (FIN) is forwarded after the same delay as data (half-close), a reset or error on
one side aborts both. The connection itself is delayed too: the relay connects to the destination
one DELAY after accepting, and a refused connection is answered with a reset.

Packet loss is not the relay's: the test bed drops packets with iptables (statistic match) on the
way in, so TCP retransmits as it would on a lossy link.

Parameters change while it runs: SIGHUP re-reads --params FILE (JSON {"delay_ms": D,
"jitter_ms": J}); new chunks get the new delay, queued ones keep theirs.

Usage: relay.py --listen PORT [--delay-ms 40] [--jitter-ms 5] [--seed N] [--params FILE]
Tested on its own by bench/multidc/test_relay.py. Python 3.9+ standard library only.
"""

import argparse
import asyncio
import json
import random
import signal
import socket
import struct
import sys
import time

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h
CHUNK = 65536
MAX_QUEUED = 4 * 1024 * 1024  # bytes queued per direction before reading pauses


class Link:
    """The current delay parameters and the seeded jitter source."""

    def __init__(self, delay_ms, jitter_ms, seed):
        self.delay_ms = delay_ms
        self.jitter_ms = jitter_ms
        self.random = random.Random(seed)

    def sample(self):
        """One one-way delay in seconds: delay +- jitter, never negative."""
        j = self.random.uniform(-self.jitter_ms, self.jitter_ms) if self.jitter_ms else 0.0
        return max(0.0, (self.delay_ms + j) / 1000.0)


def original_dst(sock):
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    port, packed = struct.unpack_from("!2xH4s", raw)
    return socket.inet_ntoa(packed), port


class Direction:
    """One direction of a relayed connection: read, hold each chunk until its time, write."""

    def __init__(self, link, reader, writer, name):
        self.link = link
        self.reader = reader
        self.writer = writer
        self.name = name
        self.queue = asyncio.Queue()
        self.queued = 0
        self.room = asyncio.Event()
        self.room.set()
        self.last_due = 0.0

    async def read_loop(self):
        loop = asyncio.get_running_loop()
        while True:
            await self.room.wait()
            data = await self.reader.read(CHUNK)
            due = max(loop.time() + self.link.sample(), self.last_due)
            self.last_due = due
            self.queue.put_nowait((due, data))
            if not data:
                return
            self.queued += len(data)
            if self.queued > MAX_QUEUED:
                self.room.clear()

    async def write_loop(self):
        loop = asyncio.get_running_loop()
        while True:
            due, data = await self.queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if self.writer.can_write_eof():
                    self.writer.write_eof()
                return
            self.writer.write(data)
            await self.writer.drain()
            self.queued -= len(data)
            if self.queued <= MAX_QUEUED:
                self.room.set()


def abort(writer):
    """Closes with a reset (SO_LINGER 0), so the peer sees what a broken link shows."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class Relay:
    def __init__(self, link, log):
        self.link = link
        self.log = log
        self.open = 0
        self.total = 0

    async def handle(self, c_reader, c_writer):
        self.total += 1
        sock = c_writer.get_extra_info("socket")
        peer = c_writer.get_extra_info("peername")
        try:
            host, port = original_dst(sock)
        except OSError as e:
            self.log(f"no original destination for {peer}: {e}")
            abort(c_writer)
            return
        await asyncio.sleep(self.link.sample())  # the SYN's way across
        try:
            s_reader, s_writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), timeout=10
            )
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(self.link.sample())  # the RST's way back
            abort(c_writer)
            return
        for w in (c_writer, s_writer):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.open += 1
        up = Direction(self.link, c_reader, s_writer, f"{peer}->{host}:{port}")
        down = Direction(self.link, s_reader, c_writer, f"{host}:{port}->{peer}")
        tasks = [
            asyncio.ensure_future(t)
            for t in (up.read_loop(), up.write_loop(), down.read_loop(), down.write_loop())
        ]
        try:
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if any(t.exception() is not None for t in done if not t.cancelled()):
                    for t in pending:
                        t.cancel()
                    abort(c_writer)
                    abort(s_writer)
                    return
            c_writer.close()
            s_writer.close()
        finally:
            self.open -= 1

    def reload(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                p = json.load(f)
            self.link.delay_ms = float(p.get("delay_ms", self.link.delay_ms))
            self.link.jitter_ms = float(p.get("jitter_ms", self.link.jitter_ms))
            self.log(f"params: delay {self.link.delay_ms} ms, jitter {self.link.jitter_ms} ms")
        except (OSError, ValueError) as e:
            self.log(f"params not reloaded from {path}: {e}")


async def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", type=int, required=True, help="port (every address)")
    ap.add_argument("--delay-ms", type=float, default=40)
    ap.add_argument("--jitter-ms", type=float, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--params", help="JSON file re-read on SIGHUP")
    a = ap.parse_args(argv)

    def log(msg):
        print(f"relay {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    relay = Relay(Link(a.delay_ms, a.jitter_ms, a.seed), log)
    server = await asyncio.start_server(relay.handle, host="0.0.0.0", port=a.listen, backlog=512)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if a.params:
        loop.add_signal_handler(signal.SIGHUP, relay.reload, a.params)
    log(f"listening on :{a.listen}, delay {a.delay_ms} ms +- {a.jitter_ms} ms, seed {a.seed}")
    await stop.wait()
    server.close()
    log(f"stopped after {relay.total} connections ({relay.open} open)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
