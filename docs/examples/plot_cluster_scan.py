"""
Scanning a market on a cluster
==============================

A scan runs the same analyses on every symbol of a universe: PSY exuberance on log prices,
the Greenwood-Shleifer-You run-up and its crash odds, the drawdown. The symbols are
independent, so the work spreads over as many workers as there are: ``bubblescope scan``
runs it serially, on local processes (``--jobs``) or on a Dask cluster (``--dask
tcp://host:8786``, or ``--dask local`` for a cluster on this machine).

All three give the same numbers. :mod:`bubblescope.parallel` cuts every computation into
chunks (here one chunk per symbol), gives each chunk its own child of one
:class:`numpy.random.SeedSequence`, and maps the chunks through any
:class:`concurrent.futures.Executor`: which worker runs a chunk, and in what order, never
changes what it computes. This example scans a few AI stocks from the shipped data both ways
and compares the results and the timings.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The universe
# ------------
# Eight AI stocks and the S&P 500 ETF as the market, from the closes that ship with
# bubblescope (``bubblescope scan`` reads the same from a folder of price files or a list of
# symbols). The ``quick`` run settings keep the example short: weekly closes of the last 20
# years, 199 Monte Carlo replications for the PSY critical values.
import time

import pandas as pd
from distributed import LocalCluster, default_client
from matplotlib.figure import Figure

from bubblescope.data.bundled import load_bundled
from bubblescope.parallel import dask_executor
from bubblescope.scan import ScanConfig, scan
from bubblescope.settings import RunSettings

symbols = ["NVDA", "AMD", "AVGO", "TSM", "MSFT", "ORCL", "SMCI", "CSCO"]
universe = {symbol: load_bundled(symbol) for symbol in symbols}
market = load_bundled("SPY")
config = ScanConfig(analyses=("psy", "runup", "drawdown"), run=RunSettings.preset("quick"))
print(f"{len(universe)} symbols; PSY replications: {config.run.psy.reps}")

# %%
# Serially, in this process
# -------------------------
# ``bubblescope scan UNIVERSE --market SPY --preset quick``. The first scan in a process pays
# for compiling the numba kernels, and the first scan of a sample length for simulating its PSY
# critical values (kept in the results cache on disk from then on), so the clock starts after
# a warm-up scan; each Dask worker below runs the same warm-up.


def warm_up() -> None:
    """Scan the universe once: compile the kernels, simulate or read the critical values."""
    scan(universe, config, market=market, market_name="SPY")


warm_up()

start = time.perf_counter()
serial = scan(universe, config, market=market, market_name="SPY")
serial_seconds = time.perf_counter() - start
print(serial.summary())

# %%
# On a Dask cluster
# -----------------
# A local cluster of two single-threaded worker processes stands in for a real one. Its
# address is what ``bubblescope scan UNIVERSE --dask tcp://host:8786`` takes:
# :func:`bubblescope.parallel.dask_executor` connects a client to it and hands the scan a
# ``concurrent.futures`` executor. Every worker is a fresh process, so each runs the warm-up
# once (``client.run``) before the clock starts. (Run as a script, code that starts worker
# processes belongs under ``if __name__ == "__main__":``, as for any :mod:`multiprocessing`
# program; a notebook needs nothing.)
with LocalCluster(
    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
) as cluster:
    executor = dask_executor(cluster.scheduler_address)
    client = default_client()  # the client dask_executor connected
    workers = len(client.run(warm_up))
    start = time.perf_counter()
    on_dask = scan(universe, config, market=market, market_name="SPY", executor=executor)
    dask_seconds = time.perf_counter() - start
    client.close()
print(f"{workers} workers, cluster closed")

# %%
# The same numbers
# ----------------
# Every column of the two tables agrees exactly, bit for bit, apart from the seconds each
# symbol took.
serial_table = serial.to_frame().drop(columns="seconds")
dask_table = on_dask.to_frame().drop(columns="seconds")
pd.testing.assert_frame_equal(serial_table, dask_table)
print("serial and Dask results identical:", serial_table.equals(dask_table))
print(serial_table[["psy_gsadf", "psy_reject", "runup_net_2y", "max_drawdown"]].round(3))

# %%
# Timings
# -------
# Per-symbol seconds (the work itself) and the wall-clock time of each run. With a handful of
# symbols at a fraction of a second each, sending prices to the workers and results back weighs
# about as much as the work, so the gain from two workers is modest and varies from build to
# build on a busy machine (a worker's seconds include its wait for a free core, so with fewer
# free cores than workers they grow). The gain grows with the work per symbol (longer samples,
# lag selection), the number of symbols and the number of workers; the numbers stay the same.
timings = pd.DataFrame(
    {
        "serial (s)": serial.to_frame()["seconds"],
        "Dask, 2 workers (s)": on_dask.to_frame()["seconds"],
    }
)
print(timings.round(3))
print(f"wall clock: serial {serial_seconds:.2f} s, Dask {dask_seconds:.2f} s")

timing_figure = Figure(figsize=(11, 4), layout="constrained")
ax_scan, ax_time = timing_figure.subplots(1, 2)
ratio = serial_table["psy_gsadf_ratio"].sort_values(ascending=False)
ax_scan.bar(ratio.index, ratio.to_numpy(), color="tab:blue")
ax_scan.axhline(1.0, color="tab:red", linestyle="--", linewidth=1, label="95% critical value")
ax_scan.set_title("PSY GSADF / 95% critical value (identical on both)")
ax_scan.legend()
timings.loc[ratio.index].plot.bar(ax=ax_time, rot=45)
ax_time.set_ylabel("seconds per symbol")
ax_time.set_title(f"Wall clock: serial {serial_seconds:.1f} s, Dask {dask_seconds:.1f} s")
ax_scan.tick_params(axis="x", rotation=45)

# %%
# The scan's own chart
# --------------------
# Every scan result draws its panels with ``plot()``, the same chart as the dashboard's scan.
scan_figure = on_dask.plot()
