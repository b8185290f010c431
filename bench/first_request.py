#!/usr/bin/env python3
"""Time from exec to the first answered request, for one or more servers.

    first_request.py --runs 20 NAME=CMD [NAME=CMD ...]

CMD is a shell-free command line in which {port} is replaced by a free
loopback port. For each run and each server in turn (interleaved, so that
both see the same machine), the clock starts just before fork+exec and stops
when an STS GetCallerIdentity POST on that port has been answered with 200.
The server is then stopped with SIGTERM. Prints median / min / max per server.

    --exit NAME=CMD (repeatable) times, in the same rounds and with the same
    clock, a command from fork+exec to its exit (/bin/true; mockaws
    --version): what process creation and loading cost on this machine
    before a server does anything.
"""
import argparse
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
REQUEST = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
           b"X-Amz-Date: 20261129T000000Z\r\n"
           b"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sts/"
           b"aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n"
           b"Content-Length: " + str(len(BODY)).encode() + b"\r\nConnection: close\r\n\r\n" + BODY)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def answered(port):
    """True once the server answers the request with 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(REQUEST)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def one_run(argv_template, timeout):
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv_template]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if answered(port):
                return time.perf_counter() - t0
            if proc.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {proc.returncode} before answering")
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{argv[0]} did not answer within {timeout} s")
            time.sleep(0.0002)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def one_exit(argv, timeout):
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=True)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--exit", action="append", default=[], metavar="NAME=CMD")
    ap.add_argument("servers", nargs="+", metavar="NAME=CMD")
    args = ap.parse_args()
    servers = []
    for spec in args.servers + args.exit:
        name, _, cmd = spec.partition("=")
        servers.append((name, shlex.split(cmd)))
    exits = {spec.partition("=")[0] for spec in args.exit}
    times = {name: [] for name, _ in servers}
    broken = {}
    for _ in range(args.runs):
        for name, argv in servers:
            if name in broken:
                continue
            try:
                run = one_exit if name in exits else one_run
                times[name].append(run(argv, args.timeout))
            except Exception as e:  # report and go on with the other server
                broken[name] = str(e)
    print(f"{'server':<10} {'runs':>4} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, _ in servers:
        t = times[name]
        if t:
            print(f"{name:<10} {len(t):>4} {statistics.median(t) * 1e3:>10.1f} "
                  f"{min(t) * 1e3:>8.1f} {max(t) * 1e3:>8.1f}")
        if name in broken:
            print(f"{name:<10} FAILED: {broken[name]}")
    return 1 if len(broken) == len(servers) else 0


if __name__ == "__main__":
    sys.exit(main())
