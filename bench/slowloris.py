#!/usr/bin/env python3
"""Slowloris against mockaws on loopback, bounded in time: CONNECTIONS clients
send a request line and then trickle header bytes (one per connection per
second, reconnecting when dropped) for DURATION seconds, while another client
asks for /_mockaws/health on a new connection every 50 ms and times each
answer. Prints that client's latency (p50, p99, max), its failures, and how
many trickling connections the server dropped.

    bench/slowloris.py                       2,000 connections for 60 s
    CONNECTIONS=2000 DURATION=60 MOCKAWS_BIN=... bench/slowloris.py [SERVER FLAGS...]
"""
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("MOCKAWS_BIN", os.path.join(HERE, "..", "build", "bin", "mockaws"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "2000"))
DURATION = float(os.environ.get("DURATION", "60"))


def start_server(flags):
    tmp = tempfile.mkdtemp(prefix="mockaws-slowloris-")
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([BIN, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                             "--log-level", "error", *flags], stdout=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().endswith("\n"):
            return proc, int(open(port_file).read())
        time.sleep(0.05)
    proc.kill()
    sys.exit("mockaws wrote no port file")


def open_trickler(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n")
    s.setblocking(False)
    return s


def trickler(port, stop, dropped, refused):
    """The slow clients, in a process of their own (not sharing an
    interpreter lock with the client that measures)."""
    socks = []
    for _ in range(CONNECTIONS):
        try:
            socks.append(open_trickler(port))
        except OSError:
            with refused.get_lock():
                refused.value += 1
    while not stop.is_set():
        for i, s in enumerate(socks):
            if stop.is_set():
                break
            try:
                s.send(b"a")
                continue
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                with dropped.get_lock():
                    dropped.value += 1
                s.close()
            try:  # dropped: come back, as a slowloris does
                socks[i] = open_trickler(port)
            except OSError:
                with refused.get_lock():
                    refused.value += 1
        stop.wait(1.0)
    for s in socks:
        s.close()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    proc, port = start_server(sys.argv[1:])
    stop = multiprocessing.Event()
    dropped, refused = multiprocessing.Value("l", 0), multiprocessing.Value("l", 0)
    slow = multiprocessing.Process(target=trickler, args=(port, stop, dropped, refused))
    try:
        slow.start()
        time.sleep(3)  # let them all connect
        lat, failures = [], 0
        end = time.monotonic() + DURATION
        while time.monotonic() < end:
            start = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                    c.sendall(b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    data = b""
                    while True:
                        chunk = c.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                if not data.startswith(b"HTTP/1.1 200"):
                    failures += 1
                lat.append(time.monotonic() - start)
            except OSError:
                failures += 1
            time.sleep(0.05)
        stop.set()
        slow.join(30)
        lat.sort()
        pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p / 100))] * 1000 if lat else float("nan")
        print(f"slowloris: {CONNECTIONS} trickling connections for {DURATION:.0f} s; server flags {sys.argv[1:]}")
        print(f"other client: {len(lat)} answers, {failures} failures; latency p50 {pct(50):.2f} ms, "
              f"p99 {pct(99):.2f} ms, max {(lat[-1] * 1000 if lat else float('nan')):.2f} ms")
        print(f"trickling connections dropped by the server: {dropped.value}; connects refused: {refused.value}")
    finally:
        stop.set()
        if slow.is_alive():
            slow.terminate()
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
