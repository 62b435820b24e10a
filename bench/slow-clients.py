#!/usr/bin/env python3
"""Slow clients for bench/run's slow-clients scenario (bench/README.md).

Against BASE_URL (http://HOST:PORT[/PREFIX]) of the app in gateway/src/test/resources/gunicorn/app.py:
--uploads clients each POST BASE/upload with --upload-bytes at --upload-rate bytes/s, and
--downloads clients each GET BASE/big (32 MiB) reading at --download-rate bytes/s with a small
socket receive buffer (so that the kernel holds little of the response for them). Each client starts
over when its request is done. Runs until it gets SIGTERM or SIGINT; prints what it did then.
"""

import argparse
import asyncio
import signal
import socket
import sys
from urllib.parse import urlsplit

PIECE = 1024


async def connect(host, port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.setblocking(False)
    await asyncio.get_running_loop().sock_connect(s, (host, port))
    return await asyncio.open_connection(sock=s)


async def upload(host, port, path, size, rate, stats):
    while True:
        try:
            reader, writer = await connect(host, port)
            writer.write(
                f"POST {path}/upload HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                f"Content-Length: {size}\r\n\r\n".encode()
            )
            sent = 0
            piece = b"u" * PIECE
            while sent < size:
                n = min(PIECE, size - sent)
                writer.write(piece[:n])
                await writer.drain()
                sent += n
                await asyncio.sleep(n / rate)
            await reader.read()
            stats["uploads done"] += 1
            writer.close()
        except (OSError, asyncio.IncompleteReadError):
            stats["errors"] += 1
            await asyncio.sleep(0.1)


async def download(host, port, path, rate, stats):
    while True:
        try:
            reader, writer = await connect(host, port, rcvbuf=16 * 1024)
            writer.write(
                f"GET {path}/big HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            while True:
                data = await reader.read(4096)
                if not data:
                    break
                stats["bytes read"] += len(data)
                await asyncio.sleep(len(data) / rate)
            stats["downloads done"] += 1
            writer.close()
        except OSError:
            stats["errors"] += 1
            await asyncio.sleep(0.1)


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("base_url")
    p.add_argument("--uploads", type=int, default=4)
    p.add_argument("--upload-bytes", type=int, default=256 * 1024)
    p.add_argument("--upload-rate", type=int, default=8 * 1024)
    p.add_argument("--downloads", type=int, default=4)
    p.add_argument("--download-rate", type=int, default=16 * 1024)
    a = p.parse_args()
    u = urlsplit(a.base_url)
    host, port, path = u.hostname, u.port or 80, u.path.rstrip("/")
    stats = {"uploads done": 0, "downloads done": 0, "bytes read": 0, "errors": 0}
    tasks = [
        asyncio.create_task(upload(host, port, path, a.upload_bytes, a.upload_rate, stats))
        for _ in range(a.uploads)
    ] + [
        asyncio.create_task(download(host, port, path, a.download_rate, stats))
        for _ in range(a.downloads)
    ]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for t in tasks:
        t.cancel()
    print("slow-clients:", ", ".join(f"{k} {v}" for k, v in stats.items()), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
