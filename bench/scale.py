"""What the scale benchmarks (list_bench.py, query_bench.py, list_versions_bench.py)
share: a mockaws server started on a fixture with its keep-alive connection, the
alternating timing loop, and the big/small ratio table.

Each of them runs the same requests against a small and a big server side by side and
reports per case the median and p90 at both sizes and their ratio."""
import http.client
import json
import os
import signal
import statistics
import subprocess
import time


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
