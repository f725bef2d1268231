"""Benchmark: ``manage.py test_connection`` cold, side by side with a minimal PyHive script.

Run with ``python -m bench.cli_start`` (or ``bash scripts/bench.sh``). Starts a real Spark
Thrift Server (``binary-nosasl``, through the tests' ServerPool, on 127.0.0.1), saves a
version 1.0 Binary definition for it in a throwaway database, then runs, alternately, each
as a new Python process: the portal's command (``manage.py test_connection BenchSpark``) and
a PyHive script that connects, runs ``SELECT 1`` and closes. Wall time of each process; the
bare interpreter start (``python -c pass``) is the floor of both. Figures go to
docs/benchmarks.md (issue 10, point 22: goal under 0.4 s; issue 21: under 0.3 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._report import Goal, machine_facts, markdown_table, median, p90, publish
from tests.spark_server import server_pool

ROOT = Path(__file__).resolve().parents[1]
SECTION = "cli_start"
RUNS = 15
GOAL_S = 0.4  # issue 10, point 22
GOAL_21_S = 0.3  # issue 21: import only what the command needs
NAME = "BenchSpark"
PYHIVE_SCRIPT = """\
import sys
from pyhive import hive
conn = hive.connect("127.0.0.1", int(sys.argv[1]), auth="NOSASL")
cursor = conn.cursor()
cursor.execute("SELECT 1")
assert cursor.fetchone() == (1,)
cursor.close()
conn.close()
"""


def _environment(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    # Python writes bytecode caches on a first run unless told not to; some shells (CI
    # images, this machine's) say PYTHONDONTWRITEBYTECODE=1, which would make every timed
    # run compile the portal's modules again: a cost no user who runs the command twice has.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        LINKWRIGHT_DATA_DIR=data_dir,
        LINKWRIGHT_TEST_ALLOW_LOOPBACK="1",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


def _prepare(env: dict[str, str], port: int) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from portal.definitions import save_definition\n"
        "user = get_user_model().objects.create_user('bench')\n"
        f"save_definition(user=user, name={NAME!r}, action='create', properties={{"
        "'type': 'Spark', 'typeProperties': {'host': '127.0.0.1', "
        f"'port': {port}, 'thriftTransportProtocol': 'Binary', "
        "'authenticationType': 'Anonymous'}})\n"
    )
    subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")
    return elapsed, _children_cpu() - cpu_before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs = max(3, min(args.runs, 200))
    try:
        import pyhive.hive  # noqa: F401
    except ImportError:
        print("PyHive is missing: run scripts/setup.sh --test (it is in the dev extra)")
        return 2
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="linkwright-bench-cli-"))
    script = work / "pyhive_select.py"
    script.write_text(PYHIVE_SCRIPT)
    env = _environment(str(work / "data"))
    (work / "data").mkdir()
    samples: dict[str, list[tuple[float, float]]] = {"ours": [], "pyhive": [], "floor": []}
    with server_pool() as pool:
        server = pool.get("binary-nosasl")
        print(f"binary-nosasl on 127.0.0.1:{server.port}", flush=True)
        _prepare(env, server.port)
        commands = {
            "ours": [python, "manage.py", "test_connection", NAME],
            "pyhive": [python, str(script), str(server.port)],
            "floor": [python, "-c", "pass"],
        }
        for command in commands.values():  # warm the caches (bytecode, page cache, server)
            _timed(command, env)
        for index in range(runs):
            order = ["ours", "pyhive", "floor"]
            order = order[index % 3 :] + order[: index % 3]  # rotate who goes first
            for which in order:
                samples[which].append(_timed(commands[which], env))
        startup = server.started_in_s
    ours = [wall for wall, _ in samples["ours"]]
    theirs = [wall for wall, _ in samples["pyhive"]]
    floor = [wall for wall, _ in samples["floor"]]
    goals = [
        Goal.under(
            f"`manage.py test_connection` cold, median wall under {limit:g} s ({source})",
            median(ours),
            limit,
            "s",
        )
        for limit, source in ((GOAL_S, "issue 10, point 22"), (GOAL_21_S, "issue 21"))
    ]
    labels = {
        "ours": "`manage.py test_connection` (ours)",
        "pyhive": "PyHive script (reference)",
        "floor": "`python -c pass` (floor)",
    }
    rows = []
    for which, label in labels.items():
        walls = [wall for wall, _ in samples[which]]
        cpus = [cpu for _, cpu in samples[which]]
        rows.append([label, f"{median(walls):.3f}", f"{p90(walls):.3f}", f"{median(cpus):.3f}"])
    cpu_ratio = median([c for _, c in samples["ours"]]) / median([c for _, c in samples["pyhive"]])
    text = "\n".join(
        [
            "## Command line: `manage.py test_connection` cold vs a PyHive script",
            "",
            "Generated by `python -m bench.cli_start` (part of `bash scripts/bench.sh`).",
            "",
            markdown_table(
                ["machine", "value"],
                [[k, v] for k, v in machine_facts(["Django", "PyHive", "pyspark"])]
                + [["load average at the end", "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())]],
            ),
            "",
            "A real Spark Thrift Server (`binary-nosasl`, started in "
            f"{startup:.1f} s) on 127.0.0.1 and a saved version 1.0 definition (Binary, "
            "Anonymous) in a throwaway SQLite database. Each run is a new Python process, "
            "wall time from start to exit: the command runs every stage of the test and stores "
            "it; the PyHive script connects (NOSASL), runs `SELECT 1`, fetches and closes. "
            f"One untimed run of each, then {runs} of each, rotating which goes first; CPU is "
            "the process's user + system time. Bytecode caches are in place for both, as after "
            "any first run (and after `scripts/setup.sh`, which compiles the portal's modules); "
            "the child processes run without PYTHONDONTWRITEBYTECODE, which made every run "
            "compile the portal's modules again in the earlier figures. "
            f"Goal: the command's median under {GOAL_S} s (issue 10), under {GOAL_21_S} s "
            "(issue 21).",
            "",
            markdown_table(["process", "wall median s", "wall p90 s", "CPU median s"], rows),
            "",
            f"Ours / PyHive: **{median(ours) / median(theirs):.2f}** wall, {cpu_ratio:.2f} "
            "CPU (CPU time is the steadier figure on a shared machine); ours above the floor: "
            f"{median(ours) - median(floor):.3f} s, PyHive above the floor: "
            f"{median(theirs) - median(floor):.3f} s.",
        ]
    )
    return publish(SECTION, text, write=not args.no_write, goals=goals)


if __name__ == "__main__":
    sys.exit(main())
