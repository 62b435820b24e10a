#!/usr/bin/env python3
"""Tests of relay.py (and of wan.py, the packet-level WAN) on their own, over real network
namespaces (needs root, ip, iptables, /dev/net/tun).

Three namespaces, made for this run and removed at the end: a client (10.77.1.2), a router
(10.77.1.1 | 10.77.2.1) that REDIRECTs the client's TCP connections to the relay, and a server
(10.77.2.2). Checked: the delay and its jitter (round trips of small messages), the original
destination (two servers on two ports), 4 MiB each way at once arriving intact, a half-close
(the client's FIN reaches the server after the delay and the server still answers), and a refused
destination answered with a reset (no hang).

Run: python3 bench/multidc/test_relay.py  (.ci/run runs it)
"""

import json
import os
import subprocess
import sys
import textwrap
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
RELAY = os.path.join(HERE, "relay.py")
WAN = os.path.join(HERE, "wan.py")
DELAY_MS = 30
JITTER_MS = 10
RELAY_PORT = 7000


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


class RelayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rid = "vxrt" + uuid.uuid4().hex[:6]
        cls.ns = {k: f"{rid}-{k}" for k in ("cli", "rtr", "srv")}
        cls.procs = []
        try:
            for n in cls.ns.values():
                sh("ip", "netns", "add", n)
                sh("ip", "-n", n, "link", "set", "lo", "up")
            r, c, s = cls.ns["rtr"], cls.ns["cli"], cls.ns["srv"]
            sh("ip", "-n", r, "link", "add", "toc", "type", "veth", "peer", "name", "eth0", "netns", c)
            sh("ip", "-n", r, "link", "add", "tos", "type", "veth", "peer", "name", "eth0", "netns", s)
            for ns, dev, addr in ((r, "toc", "10.77.1.1/24"), (r, "tos", "10.77.2.1/24"),
                                  (c, "eth0", "10.77.1.2/24"), (s, "eth0", "10.77.2.2/24")):
                sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
                sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", c, "route", "add", "default", "via", "10.77.1.1")
            sh("ip", "-n", s, "route", "add", "default", "via", "10.77.2.1")
            sh("ip", "netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            cls.start_wan(r)
            cls.spawn(s, [sys.executable, "-c", SERVER, "9001"])
            cls.spawn(s, [sys.executable, "-c", SERVER, "9002"])
            cls.wait_ready()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_wan(cls, r):
        sh("ip", "netns", "exec", r, "iptables", "-w", "5", "-t", "nat", "-A", "PREROUTING",
           "-i", "toc", "-p", "tcp", "-j", "REDIRECT", "--to-ports", str(RELAY_PORT))
        cls.spawn(r, [sys.executable, RELAY, "--listen", str(RELAY_PORT), "--delay-ms",
                      str(DELAY_MS), "--jitter-ms", str(JITTER_MS), "--seed", "7"])

    @classmethod
    def spawn(cls, ns, argv):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        cls.procs.append(p)
        return p

    @classmethod
    def wait_ready(cls):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            out = cls.client({"op": "ping", "port": 9001}, check=False)
            if out.get("ok") and cls.client({"op": "ping", "port": 9002}, check=False).get("ok"):
                return
            time.sleep(0.2)
        raise AssertionError("relay or servers did not come up")

    @classmethod
    def tearDownClass(cls):
        for p in cls.procs:
            p.terminate()
        for p in cls.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for n in cls.ns.values():
            sh("ip", "netns", "del", n, check=False)

    @classmethod
    def client(cls, req, check=True):
        p = subprocess.run(["ip", "netns", "exec", cls.ns["cli"], sys.executable, "-c", CLIENT,
                            json.dumps(req)], capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"client {req['op']} failed: {p.stderr}")
        try:
            return json.loads(p.stdout)
        except ValueError:
            return {}

    def test_delay_and_jitter(self):
        r = self.client({"op": "rtt", "port": 9001, "n": 40})
        rtts = sorted(r["rtts_ms"])
        mean = sum(rtts) / len(rtts)
        sd = (sum((x - mean) ** 2 for x in rtts) / len(rtts)) ** 0.5
        print(f"\nround trip over {type(self).__name__} ({DELAY_MS} +- {JITTER_MS} ms each way): "
              f"min {rtts[0]:.1f}, median {rtts[len(rtts) // 2]:.1f}, max {rtts[-1]:.1f}, "
              f"sd {sd:.1f} ms", file=sys.stderr)
        # Sleeps can only be late: no round trip beats two minimal one-way delays.
        self.assertGreaterEqual(rtts[0], 2 * (DELAY_MS - JITTER_MS) - 1)
        self.assertGreaterEqual(rtts[len(rtts) // 2], 2 * DELAY_MS - JITTER_MS)
        # Jitter is there: the uniform +-10 ms of both ways gives an sd of about 8 ms.
        self.assertGreater(sd, 2.0)
        self.assertLess(rtts[len(rtts) // 2], 2 * (DELAY_MS + JITTER_MS) + 200)

    def test_original_destination(self):
        self.assertEqual(self.client({"op": "ping", "port": 9001})["server"], 9001)
        self.assertEqual(self.client({"op": "ping", "port": 9002})["server"], 9002)

    def test_bytes_intact_both_ways_at_once(self):
        r = self.client({"op": "bulk", "port": 9001, "size": 4 << 20})
        self.assertEqual(r["sent_sha"], r["server_got_sha"])
        self.assertEqual(r["server_sent_sha"], r["got_sha"])
        self.assertEqual(r["got_len"], 4 << 20)

    def test_half_close(self):
        r = self.client({"op": "halfclose", "port": 9001})
        self.assertEqual(r["answer"], "got 5 bytes then EOF")
        # the FIN crossed the relay after the delay, the answer came back after it too
        self.assertGreaterEqual(r["ms"], 2 * (DELAY_MS - JITTER_MS) - 1)

    def test_refused_destination_resets(self):
        r = self.client({"op": "refused", "port": 9009})
        self.assertIn(r["outcome"], ("reset", "eof"))
        self.assertLess(r["ms"], 5000)


class WanTest(RelayTest):
    """The same checks for wan.py (`bench/multidc/run --wan packet`): packets of both ways go
    through two TUN devices by policy routing; here also 10% of them are dropped (iptables
    statistic on FORWARD, as the bed does) and TCP end to end still delivers every byte."""

    @classmethod
    def start_wan(cls, r):
        cls.spawn(r, [sys.executable, WAN, "--a", "wana", "--b", "wanb", "--delay-ms",
                      str(DELAY_MS), "--jitter-ms", str(JITTER_MS), "--seed", "7"])
        deadline = time.monotonic() + 10
        while sh("ip", "-n", r, "link", "show", "wanb", check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise AssertionError("wan.py did not create its TUN devices")
            time.sleep(0.1)
        for d in ("all", "default", "wana", "wanb"):
            sh("ip", "netns", "exec", r, "sysctl", "-qw", f"net.ipv4.conf.{d}.rp_filter=0")
        for cmd in (["link", "set", "wana", "up"], ["link", "set", "wanb", "up"],
                    ["route", "add", "10.77.2.0/24", "dev", "wana", "table", "101"],
                    ["route", "add", "10.77.1.0/24", "dev", "wanb", "table", "102"],
                    ["rule", "add", "iif", "toc", "to", "10.77.2.0/24", "lookup", "101"],
                    ["rule", "add", "iif", "tos", "to", "10.77.1.0/24", "lookup", "102"]):
            sh("ip", "-n", r, *cmd)

    def test_bytes_intact_through_loss(self):
        r = self.ns["rtr"]
        rules = [["-i", d, "-m", "statistic", "--mode", "random", "--probability", "0.1",
                  "-j", "DROP"] for d in ("wana", "wanb")]
        for rule in rules:
            sh("ip", "netns", "exec", r, "iptables", "-w", "5", "-I", "FORWARD", *rule)
        try:
            res = self.client({"op": "bulk", "port": 9001, "size": 256 << 10})
        finally:
            for rule in rules:
                sh("ip", "netns", "exec", r, "iptables", "-w", "5", "-D", "FORWARD", *rule)
        self.assertEqual(res["sent_sha"], res["server_got_sha"])
        self.assertEqual(res["server_sent_sha"], res["got_sha"])

    def test_refused_destination_resets(self):
        # a packet WAN carries the RST of the refusing host itself
        r = self.client({"op": "refused", "port": 9009})
        self.assertEqual(r["outcome"], "reset")
        self.assertGreaterEqual(r["ms"], 2 * (DELAY_MS - JITTER_MS) - 1)


SERVER = textwrap.dedent("""
    import hashlib, socket, sys, threading
    port = int(sys.argv[1])
    def serve(c):
        with c:
            f = c.makefile("rb")
            line = f.readline().decode()
            op = line.split()[0] if line else ""
            if op == "ping":
                c.sendall(f"{port}\\n".encode())
            elif op == "echo":
                c.sendall(line.encode())
                for l in f:
                    c.sendall(l)
            elif op == "bulk":
                n = int(line.split()[1])
                out = bytes((i * 7 + 3) % 251 for i in range(65536))
                h_out = hashlib.sha256()
                def send():
                    left = n
                    while left:
                        b = out[: min(left, len(out))]
                        c.sendall(b); h_out.update(b); left -= len(b)
                t = threading.Thread(target=send); t.start()
                h_in, got = hashlib.sha256(), 0
                while got < n:
                    b = f.read1(65536)
                    if not b: break
                    h_in.update(b); got += len(b)
                t.join()
                c.sendall(f"{h_in.hexdigest()} {h_out.hexdigest()}\\n".encode())
            elif op == "half":
                rest = f.read()
                c.sendall(f"got {len(rest)} bytes then EOF\\n".encode())
    s = socket.create_server(("0.0.0.0", port), backlog=64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()
""")

CLIENT = textwrap.dedent("""
    import hashlib, json, os, socket, sys, threading, time
    req = json.loads(sys.argv[1])
    addr = ("10.77.2.2", req["port"])
    op, out = req["op"], {}
    if op == "ping":
        try:
            with socket.create_connection(addr, timeout=3) as c:
                c.sendall(b"ping\\n")
                out = {"ok": True, "server": int(c.makefile().readline())}
        except (OSError, ValueError):
            out = {"ok": False}
    elif op == "rtt":
        with socket.create_connection(addr, timeout=10) as c:
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            f = c.makefile("rb")
            c.sendall(b"echo\\n"); f.readline()
            rtts = []
            for i in range(req["n"]):
                t0 = time.monotonic()
                c.sendall(f"{i}\\n".encode())
                assert f.readline() == f"{i}\\n".encode()
                rtts.append((time.monotonic() - t0) * 1000)
                time.sleep(0.03)
            out = {"rtts_ms": rtts}
    elif op == "bulk":
        n = req["size"]
        with socket.create_connection(addr, timeout=60) as c:
            c.sendall(f"bulk {n}\\n".encode())
            data = os.urandom(n)
            def send():
                c.sendall(data)
            t = threading.Thread(target=send); t.start()
            h, got, buf = hashlib.sha256(), 0, b""
            while got < n:
                b = c.recv(min(65536, n - got))
                if not b: break
                h.update(b); got += len(b)
            t.join()
            line = b""
            while not line.endswith(b"\\n"):
                b = c.recv(256)
                if not b: break
                line += b
            srv_in, srv_out = line.decode().split()
            out = {"sent_sha": hashlib.sha256(data).hexdigest(), "server_got_sha": srv_in,
                   "server_sent_sha": srv_out, "got_sha": h.hexdigest(), "got_len": got}
    elif op == "halfclose":
        with socket.create_connection(addr, timeout=10) as c:
            c.sendall(b"half\\nhello")
            t0 = time.monotonic()
            c.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                b = c.recv(256)
                if not b: break
                data += b
            out = {"answer": data.decode().strip(), "ms": (time.monotonic() - t0) * 1000}
    elif op == "refused":
        t0 = time.monotonic()
        try:
            with socket.create_connection(addr, timeout=10) as c:
                c.sendall(b"ping\\n")
                b = c.recv(16)
                out = {"outcome": "eof" if not b else "data"}
        except ConnectionResetError:
            out = {"outcome": "reset"}
        except ConnectionRefusedError:
            out = {"outcome": "reset"}
        except socket.timeout:
            out = {"outcome": "timeout"}
        out["ms"] = (time.monotonic() - t0) * 1000
    print(json.dumps(out))
""")

if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("test_relay.py needs root (network namespaces, iptables)")
    unittest.main(verbosity=2)
