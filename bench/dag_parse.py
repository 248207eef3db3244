"""DAG folder parse time: `DagBag(dags/)` in a fresh interpreter, Airflow already imported.

Issue #6 asks that the DAG folder imports in under 2 s (the scheduler's dag-processor
re-parses it every minute). Each round is a new process, so nothing the DAG files import
is cached from an earlier round; Airflow's own import is timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import emit

ROOT = Path(__file__).resolve().parents[1]
# Airflow imported first (timed apart), then the DagBag of the project's DAG folder.
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
t1 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"airflow_s": t1 - t0, "parse_s": t2 - t1, "dags": len(bag.dags),
                  "errors": len(bag.import_errors)}))
"""


def one_round(home: str) -> dict[str, float]:
    """Parse the DAG folder once in a new interpreter; its timings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "dags")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Time the rounds and print a markdown table (optionally written to a file)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        rounds = [one_round(home) for _ in range(args.runs)]
    parse = [r["parse_s"] for r in rounds]
    lines = [
        f"### DAG folder parse ({args.runs} rounds, fresh interpreter each)",
        "",
        f"Command: `python -m bench.dag_parse --runs {args.runs}`",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| DAGs parsed / import errors | {rounds[0]['dags']:.0f} / {rounds[0]['errors']:.0f} |",
        f"| `import airflow` (median, not part of the DAG files) "
        f"| {statistics.median(r['airflow_s'] for r in rounds):.2f} s |",
        f"| **DagBag(dags/) parse, median** (target < 2 s) "
        f"| **{statistics.median(parse):.2f} s** |",
        f"| slowest round | {max(parse):.2f} s |",
    ]
    emit(lines, args.markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
