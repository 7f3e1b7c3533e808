"""Loopback load test of the dashboard server, now and at an earlier revision (the peer).

Usage::

    .venv/bin/python benchmarks/bench_server.py [--base 31957bf | --base ''] [--requests 200]
        [--heavy 200] [--heavy-seconds 60]

Each server runs in its own process on 127.0.0.1 (this virtualenv; ``PYTHONPATH`` pointing at
this tree's ``src`` or at the base revision's, extracted with ``git archive`` into a temporary
folder), with an empty ``BUBBLESCOPE_HOME``, as ``bubblescope serve`` runs it
(:func:`bubblescope.web.server.serve`; plain ``uvicorn.run`` for a revision without it). Two
phases per server, every count and time bounded:

1. **Load**: ``--requests`` requests at concurrency 1, 8 and 32, for ``GET /api/health`` (light)
   and ``POST /api/drawdown`` on NASDAQ (reads a series, computes, answers JSON), sent from a
   client process of their own. Prints requests per second, p50 and p99 latency and the peak
   memory of the server's process tree (see :class:`Memory`).
2. **Heavy** (issue 20's acceptance): ``--heavy`` concurrent uncached PSY requests (weekly
   NASDAQ closes from distinct start dates, so no two share critical values; 999 replications)
   while a prober process (one request at a time) asks for ``/api/health`` every 20 ms, for at
   most ``--heavy-seconds``. Prints the health p50/p99/max (a probe still unanswered at the end
   counts at its waiting time) overall and from 2 s after the burst of requests, the heavy
   requests' statuses, and the memory of the server's process tree before, at peak and 10 s
   after.

The load generators must not starve the server they measure on a 2-core machine: the burst
client runs in its own process at ``nice`` 10 (it only has to send and wait), the prober in
its own process at normal priority, and this process only samples memory. The one-minute load
average before and after each phase is printed next to its figures: on a shared machine they
say how much of the latency is other work.

The peer is the server before issue 20's hardening: sync endpoints on the shared threadpool,
no queue bound. Its heavy phase is cut off at ``--heavy-seconds`` (it would run on); the
process is then killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
SERVE = (
    "import sys, uvicorn\n"
    "from bubblescope.web import create_app\n"
    "app, port = create_app(), int(sys.argv[1])\n"
    "try:\n"
    "    from bubblescope.web.server import serve\n"
    "except ImportError:\n"
    "    uvicorn.run(app, host='127.0.0.1', port=port, log_level='error')\n"
    "else:\n"
    "    serve(app, '127.0.0.1', port)\n"
)
CONCURRENCY = (1, 8, 32)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Memory:
    """Peak memory of a server and the processes it started, sampled every 100 ms on a thread.

    The proportional set size (PSS) of the server and every descendant (fork server, analysis
    processes), so pages a forked child shares with its parent count once; the resident set
    where the system has no PSS.
    """

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def now(self) -> int:
        """Memory of the server's process tree now, bytes."""
        total = 0
        for proc in (self.proc, *self.proc.children(recursive=True)):
            try:
                info = proc.memory_full_info()
                total += int(getattr(info, "pss", info.rss))
            except psutil.Error:
                if proc is self.proc:
                    raise
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.now())
            except psutil.Error:
                return
            time.sleep(0.1)

    def reset(self) -> None:
        """Start a new peak from now."""
        self.peak = self.now()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(1)


@contextmanager
def server(src: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server of the tree at ``src`` on a free loopback port; its URL and process."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(src), "BUBBLESCOPE_HOME": tempfile.mkdtemp()}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(port)], env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"the server of {src} did not start")
        yield url, proc
    finally:
        proc.kill()
        proc.wait(10)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")  # no probe came back in the window
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _load(url: str, method: str, path: str, body: Any, n: int, conc: int) -> list[float]:
    """Latencies (s) of ``n`` requests at concurrency ``conc`` (each bounded at 60 s)."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                r = await client.request(method, path, json=body)
                r.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(conc)))
    return latencies


def _load_client(url: str, method: str, path: str, body: Any, n: int, conc: int, out: Any) -> None:
    """:func:`_load` in a process of its own; put (latencies, wall seconds) on ``out``."""
    started = time.perf_counter()
    lat = asyncio.run(_load(url, method, path, body, n, conc))
    out.put((lat, time.perf_counter() - started))


def _loadavg() -> float:
    """The one-minute load average (NaN where the system has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


Row = tuple[str, int, float, float, float, float, float, float]


def load_phase(url: str, mem: Memory, n: int) -> list[Row]:
    """Rows (endpoint, concurrency, req/s, p50 ms, p99 ms, peak MiB, load before, after)."""
    rows = []
    cases = (
        ("GET /api/health", "GET", "/api/health", None),
        ("POST /api/drawdown", "POST", "/api/drawdown", {"series": "nasdaq"}),
    )
    ctx = multiprocessing.get_context("spawn")
    for name, method, path, body in cases:
        for conc in CONCURRENCY:
            mem.reset()
            load_before = _loadavg()
            out = ctx.Queue()
            client = ctx.Process(target=_load_client, args=(url, method, path, body, n, conc, out))
            client.start()
            lat, wall = out.get(timeout=120 + n)
            client.join(10)
            rows.append(
                (name, conc, len(lat) / wall, 1e3 * _pct(lat, 0.5), 1e3 * _pct(lat, 0.99),
                 mem.peak / 2**20, load_before, _loadavg())
            )  # fmt: skip
    return rows


def _probe(url: str, seconds: float, out: Any) -> None:
    """Probe ``/api/health`` every 20 ms for ``seconds`` (in its own process, so the load
    generator's event loop does not delay it); put [(start offset s, latency s)] on ``out``."""
    samples: list[tuple[float, float]] = []
    begin = time.perf_counter()
    with httpx.Client(base_url=url, timeout=seconds) as client:
        while (now := time.perf_counter()) - begin < seconds:
            with contextlib.suppress(httpx.HTTPError):  # counted at its waiting time
                client.get("/api/health", timeout=max(0.1, seconds - (now - begin)))
            samples.append((now - begin, time.perf_counter() - now))
            time.sleep(0.02)
    out.put(samples)


def _burst(url: str, n: int, seconds: float, out: Any) -> None:
    """:func:`_heavy` in a process of its own at nice 10; put its statuses on ``out``."""
    if hasattr(os, "nice"):
        os.nice(10)  # the client only sends and waits: the server it measures comes first
    out.put(asyncio.run(_heavy(url, n, seconds)))


async def _heavy(url: str, n: int, seconds: float) -> Counter[str]:
    """Send ``n`` uncached PSY requests at once; their statuses after at most ``seconds``."""
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    async with httpx.AsyncClient(base_url=url, timeout=seconds, limits=limits) as client:

        async def psy(i: int) -> None:
            start = f"{1990 + i // 12:04d}-{1 + i % 12:02d}-01"  # a distinct T per request
            body = {"series": "nasdaq", "frequency": "W", "start": start, "reps": 999}
            try:
                r = await client.post("/api/psy", json=body)
                statuses[str(r.status_code)] += 1
            except httpx.HTTPError:
                statuses["unanswered"] += 1

        heavy = [asyncio.ensure_future(psy(i)) for i in range(n)]
        _, late = await asyncio.wait(heavy, timeout=seconds)
        for task in late:
            task.cancel()
        statuses["unanswered"] += len(late)
    return statuses


def heavy_phase(url: str, mem: Memory, n: int, seconds: float) -> dict[str, Any]:
    """Health latency, PSY statuses and memory (MiB) around ``n`` concurrent PSY requests."""
    asyncio.run(_load(url, "POST", "/api/drawdown", {"series": "nasdaq"}, 10, 2))  # warm up
    before = mem.now()
    mem.reset()
    load_before = _loadavg()
    ctx = multiprocessing.get_context("spawn")
    out, sent = ctx.Queue(), ctx.Queue()
    prober = ctx.Process(target=_probe, args=(url, seconds, out))
    prober.start()
    time.sleep(2.0)  # the probe process is up and probing before the burst
    started = time.perf_counter()
    burst = ctx.Process(target=_burst, args=(url, n, seconds - 2.0, sent))
    burst.start()
    statuses = sent.get(timeout=seconds + 60)
    wall = time.perf_counter() - started
    burst.join(10)
    samples = out.get(timeout=seconds + 60)
    prober.join(10)
    load_after = _loadavg()
    health = [lat for _, lat in samples]
    after_burst = [lat for t, lat in samples if t >= 4.0]  # from 2 s after the burst
    peak = mem.peak
    time.sleep(10)
    return {
        "wall_s": wall,
        "probes": len(health),
        "health_p50_ms": 1e3 * _pct(health, 0.5),
        "health_p99_ms": 1e3 * _pct(health, 0.99),
        "health_max_ms": 1e3 * max(health),
        "later_p99_ms": 1e3 * _pct(after_burst, 0.99),
        "statuses": dict(statuses),
        "mem_before_mib": before / 2**20,
        "mem_peak_mib": peak / 2**20,
        "mem_after_mib": mem.now() / 2**20,
        "load_before": load_before,
        "load_after": load_after,
    }


def _extract(base: str) -> Path:
    """The ``src`` of revision ``base`` in a temporary folder (``git archive``)."""
    out = Path(tempfile.mkdtemp(prefix="bench-server-"))
    blob = subprocess.run(
        ["git", "-C", str(REPO), "archive", base, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(out, filter="data")
    return out / "src"


def main() -> None:
    """Run both servers through both phases and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", default="31957bf", help="peer revision (before hardening); '' for none"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per load cell")
    parser.add_argument("--heavy", type=int, default=200, help="concurrent PSY requests")
    parser.add_argument("--heavy-seconds", type=float, default=60.0, help="heavy phase cap")
    args = parser.parse_args()
    trees = {"now": REPO / "src"}
    if args.base:
        trees[f"peer {args.base}"] = _extract(args.base)
    loads: dict[str, list[Row]] = {}
    heavies: dict[str, dict[str, Any]] = {}
    for label, src in trees.items():
        with server(src) as (url, proc):
            mem = Memory(proc.pid)
            loads[label] = load_phase(url, mem, args.requests)
            heavies[label] = heavy_phase(url, mem, args.heavy, args.heavy_seconds)
            mem.stop()
    print(f"\nload: {args.requests} requests per cell, loopback, {os.cpu_count()} cores")
    print(f"{'server':<14} {'endpoint':<20} {'conc':>4} {'req/s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'peak MiB':>9} {'load avg':>11}")  # fmt: skip
    for label, rows in loads.items():
        for name, conc, rps, p50, p99, peak, la, lb in rows:
            print(f"{label:<14} {name:<20} {conc:>4} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f} "
                  f"{peak:>9.0f} {la:>5.1f}-{lb:<5.1f}")  # fmt: skip
    print(f"\nheavy: {args.heavy} concurrent uncached PSY requests, at most "
          f"{args.heavy_seconds:g} s; /api/health probed every 20 ms")  # fmt: skip
    for label, h in heavies.items():
        print(f"{label:<14} health p50 {h['health_p50_ms']:.1f} ms, p99 {h['health_p99_ms']:.1f}"
              f" ms, max {h['health_max_ms']:.1f} ms over {h['probes']} probes in "
              f"{h['wall_s']:.0f} s (p99 from 2 s after the burst: {h['later_p99_ms']:.1f} ms); "
              f"PSY statuses {h['statuses']}; memory (PSS of the tree) before "
              f"{h['mem_before_mib']:.0f} MiB, peak {h['mem_peak_mib']:.0f}, 10 s after "
              f"{h['mem_after_mib']:.0f}; load average {h['load_before']:.1f} before, "
              f"{h['load_after']:.1f} after")  # fmt: skip


if __name__ == "__main__":
    main()
