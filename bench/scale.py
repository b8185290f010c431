"""What the scale benchmarks (list_bench.py, query_bench.py, list_versions_bench.py)
share: their command line, a work directory whose servers are stopped whatever
happens, a mockaws server started on a fixture with its keep-alive connection, the
alternating timing loop, the big/small ratio table and the verdict.

Each of them runs the same requests against a small and a big server side by side and
reports per case the median and p90 at both sizes and their ratio."""
import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = 1.5  # the worst big/small median ratio a scale benchmark accepts


def arg_parser(doc, big_help, small_help, reps, warmup):
    """The options every scale benchmark takes; a script adds its own before parsing."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("MOCKAWS_BIN",
                                                    os.path.join(HERE, "..", "build", "bin", "mockaws")))
    ap.add_argument("--count", type=int, default=1_000_000, help=big_help)
    ap.add_argument("--small", type=int, default=1_000, help=small_help)
    ap.add_argument("--reps", type=int, default=reps, help="timed pages per case and size")
    ap.add_argument("--warmup", type=int, default=warmup)
    ap.add_argument("--json", help="also write the results here")
    return ap


def parse(ap):
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"no mockaws binary at {args.bin} (build first)")
    return args


@contextlib.contextmanager
def workspace(prefix):
    """A temporary directory and the list of servers started in it, all stopped and
    the directory removed on the way out."""
    work = tempfile.mkdtemp(prefix=prefix)
    servers = []
    try:
        yield work, servers
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)


def finish(result, worst, json_path):
    """Writes the results when asked; the exit status: 0 when worst meets TARGET."""
    if json_path:
        with open(json_path, "w") as f:
            json.dump(result, f, indent=1)
    return 0 if worst <= TARGET else 1


class Server:
    """A mockaws listening on 127.0.0.1 with an optional fixture, and one keep-alive
    connection to it."""

    def __init__(self, binary, work, name, fixture=None):
        self.name = name
        port_file = os.path.join(work, f"{name}.port")
        args = [binary, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                "--log-level", "error"]
        if fixture is not None:
            path = os.path.join(work, f"{name}.json")
            with open(path, "w") as f:
                json.dump(fixture, f)
            args += ["--fixtures", path]
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = t0 + 600
        self.port = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name}: mockaws exited with {self.proc.returncode}; "
                                 f"see {self.log.name}")
            try:
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    break
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.001)
        if self.port is None:
            self.stop()
            raise SystemExit(f"{name}: not ready within 600 s")
        self.ready_s = time.monotonic() - t0
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def request(self, method, path, body=None, headers=None):
        """(seconds, status, raw body) over the keep-alive connection."""
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        raw = resp.read()
        return time.perf_counter() - t0, resp.status, raw

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def alternate(sizes, cases, warmup, reps, fetch, check):
    """Times every case at both sizes, alternating which server goes first.
    sizes: {"small": (server, n), "big": (...)}; cases: {size: {case: spec}};
    fetch(server, spec) -> (seconds, status, body); check(server, case, spec, status,
    body) raises on a wrong answer. Returns {size: {case: [seconds]}}."""
    timings = {name: {c: [] for c in cases[name]} for name in sizes}
    for case in cases["big"]:
        for i in range(warmup + reps):
            for name in ("small", "big") if i % 2 == 0 else ("big", "small"):
                server = sizes[name][0]
                spec = cases[name][case]
                dt, status, body = fetch(server, spec)
                check(server, case, spec, status, body)
                if i >= warmup:
                    timings[name][case].append(dt)
    return timings


def ratio_table(timings, small, big, result, counted=None):
    """Prints the per-case table (median and p90 at both sizes, big/small ratio) and
    fills result["cases"]. Returns the worst ratio over the counted cases (all when
    counted is None) and the worst over every case."""
    print(f"| case | median @ {small:,} | median @ {big:,} | ratio | "
          f"p90 @ {small:,} | p90 @ {big:,} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    result.setdefault("cases", {})
    worst = worst_all = 0.0
    for case in timings["big"]:
        s, b = timings["small"][case], timings["big"][case]
        ms, mb = statistics.median(s) * 1e3, statistics.median(b) * 1e3
        ratio = mb / ms
        worst_all = max(worst_all, ratio)
        if counted is None or case in counted:
            worst = max(worst, ratio)
        result["cases"][case] = {"median_small_ms": ms, "median_big_ms": mb, "ratio": ratio,
                                 "p90_small_ms": pct(s, 90) * 1e3, "p90_big_ms": pct(b, 90) * 1e3}
        print(f"| {case} | {ms:.3f} ms | {mb:.3f} ms | {ratio:.2f} | "
              f"{pct(s, 90) * 1e3:.3f} ms | {pct(b, 90) * 1e3:.3f} ms |")
    return worst, worst_all
