"""Local-run benchmark: a diamond of four notebooks that each sleep 2 s (A → B, A → C, B and C → D).

    python3 bench/local_run.py [--sleep 2] [--repeat 1] [--engine jupyter_client|papermill|...]
                               [--parallelism 2 1] [--no-prewarm]

Runs the pipeline with the server's own runner code (LocalRunService +
SubprocessLocalRunner, real ipykernel kernels) at parallelism 2 and at parallelism 1 and
prints, per configuration:

- wall time vs the critical path (A, B|C, D = 3 × sleep; target ≤ 1.15×), and vs the
  measured critical path (the longest chain of actual node durations: scheduling cost);
- per-node overhead beyond the notebook's own execution (target < 1 s), split into
  before the runner starts executing (from the node's start: working dir, interpreter and
  kernel start -- for a prewarmed node only the hand-off), inside the runner but outside
  the cells (engine, releasing the user's objects, writing the notebook), and after the
  runner said it is done (saving outputs); per node too, as node A starts cold (nothing
  runs before it). A node ends when its runner says it is done; its kernel stops in the
  background, and the run (the wall time) ends once every process is gone.
  Cell execution times come from the executed notebooks.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from traitlets.config import Config  # noqa: E402

from jupyterlab_tekton.models import CreateLocalRun  # noqa: E402
from jupyterlab_tekton.paths import ServerRoot  # noqa: E402
from jupyterlab_tekton.runs import LocalRunService  # noqa: E402


def notebook(source: str) -> dict:
    return {
        "cells": [{"cell_type": "code", "id": "c0", "metadata": {}, "source": source, "outputs": [], "execution_count": None}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def make_project(root: Path, sleep: float) -> CreateLocalRun:
    for name in "abcd":
        (root / f"{name}.ipynb").write_text(json.dumps(notebook(f"import time\ntime.sleep({sleep})")))
    (root / "diamond.pipeline").write_text("{}")

    def node(task, after):
        return {"id": task, "label": task, "taskName": task, "kind": "notebook", "file": f"{task}.ipynb",
                "baseDir": "", "runAfter": after, "inputsFrom": sorted({*after, *(["a"] if after and after != ["a"] else [])})}

    ir = {"name": "diamond", "displayName": "diamond",
          "nodes": [node("a", []), node("b", ["a"]), node("c", ["a"]), node("d", ["b", "c"])]}
    return CreateLocalRun(ir=ir, pipeline_path="diamond.pipeline")


def ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def cell_seconds(executed: Path) -> float:
    """Time spent executing cells, from the timing metadata papermill/nbclient record."""
    nb = json.loads(executed.read_text())
    total = 0.0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if "papermill" in meta and meta["papermill"].get("duration") is not None:
            total += meta["papermill"]["duration"]
        elif "execution" in meta:
            ex = meta["execution"]
            start = ex.get("iopub.execute_input") or ex.get("shell.execute_reply.started")
            end = ex.get("shell.execute_reply")
            if start and end:
                total += ts(end) - ts(start)
    return total


async def run_once(parallelism: int, sleep: float, python: str, prewarm: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="tekton-bench-") as tmp:
        root = Path(tmp)
        request = make_project(root, sleep)
        config = Config({"SubprocessLocalRunner": {"prewarm": prewarm}})
        service = LocalRunService(root=ServerRoot(root), runs_root="runs", max_parallelism=parallelism,
                                  python=python, config=config)
        load = os.getloadavg()[0]
        record, values = service.create(request)
        runner = service.runner_for(record, request.ir, values)
        t0 = time.monotonic()
        result = await runner.run()
        wall = time.monotonic() - t0
        assert result.status.value == "succeeded", result.model_dump_json(indent=1)
        run_dir = root / result.artifacts_path
        nodes = {}
        for n in result.nodes:
            status = json.loads((run_dir / n.task_name / "status.json").read_text())
            cells = cell_seconds(run_dir / n.task_name / f"{n.task_name}.ipynb")
            start, end = n.started.timestamp(), n.finished.timestamp()
            r0, r1 = ts(status["started"]), ts(status["finished"])
            nodes[n.task_name] = {
                "duration": end - start, "cells": cells, "engine": status.get("engine"),
                "before": r0 - start, "runner": (r1 - r0) - cells, "after": end - r1,
                "start": start, "end": end,
            }
        chain = max(nodes["b"]["duration"], nodes["c"]["duration"])
        spans = sorted((v["start"], v["end"]) for v in nodes.values())
        covered, last = 0.0, spans[0][0]
        for s0, s1 in spans:
            covered += max(0.0, s1 - max(s0, last))
            last = max(last, s1)
        return {
            "load": load,
            "idle": wall - covered,
            "wall": wall,
            "critical_nominal": 3 * sleep,
            "critical_measured": nodes["a"]["duration"] + chain + nodes["d"]["duration"],
            "nodes": nodes,
        }


def report(label: str, runs: list[dict], sleep: float) -> None:
    wall = statistics.median(r["wall"] for r in runs)
    nominal = runs[0]["critical_nominal"]
    measured = statistics.median(r["critical_measured"] for r in runs)
    overheads = [n["duration"] - n["cells"] for r in runs for n in r["nodes"].values()]
    parts = {k: statistics.median(n[k] for r in runs for n in r["nodes"].values()) for k in ("before", "runner", "after")}
    cells = statistics.median(n["cells"] for r in runs for n in r["nodes"].values())
    engine = runs[0]["nodes"]["a"]["engine"]
    print(f"\n{label}  (engine {engine}, {len(runs)} run(s), medians)")
    print(f"  wall time                 {wall:6.2f} s")
    print(f"  critical path (3 x {sleep:g} s)  {nominal:6.2f} s   wall / critical = {wall / nominal:.2f}x   (target <= 1.15x)")
    print(f"  measured critical chain   {measured:6.2f} s   (A + max(B, C) + D as they actually took)")
    idle = statistics.median(r["idle"] for r in runs)
    print(f"  time with no node running {idle:6.2f} s   (the scheduler's own cost: start, hand-offs, last kernel stop)")
    print(f"  cell execution per node   {cells:6.2f} s")
    print(f"  overhead per node         {statistics.median(overheads):6.2f} s (max {max(overheads):.2f})   (target < 1 s)")
    print(f"    before execution (cold: kernel start; warm: hand-off)  {parts['before']:.2f} s")
    print(f"    runner outside cells (objects released, notebook)  {parts['runner']:.2f} s")
    print(f"    after the runner's done signal (outputs)          {parts['after']:.2f} s")
    print("  per node (medians)        duration  cells  overhead  before  runner  after")
    for task in "abcd":
        row = {k: statistics.median(r["nodes"][task][k] for r in runs) for k in ("duration", "cells", "before", "runner", "after")}
        note = "  (cold: starts with the run)" if task == "a" else ""
        print(f"    {task.upper()}                       {row['duration']:6.2f}  {row['cells']:5.2f}  {row['duration'] - row['cells']:8.2f}"
              f"  {row['before']:6.2f}  {row['runner']:6.2f}  {row['after']:5.2f}{note}")
    print("  wall per run              " + "  ".join(f"{r['wall']:.2f}" for r in runs)
          + "   (load average at each start: " + " ".join(f"{r['load']:.1f}" for r in runs) + ")")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sleep", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engine", help="force the runner's engine (TEKTON_ENGINE), e.g. nbclient")
    parser.add_argument("--python", default=sys.executable, help="interpreter of the nodes (TektonApp.python_executable)")
    parser.add_argument("--parallelism", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--no-prewarm", action="store_true", help="start each node's runner and kernel only when it runs")
    args = parser.parse_args()
    if args.engine:
        os.environ["TEKTON_ENGINE"] = args.engine
    print(f"diamond A -> (B, C) -> D, each notebook sleeps {args.sleep:g} s; {os.cpu_count()} CPUs; nodes run by {args.python}")
    print("load average at start: %.2f %.2f %.2f (other processes compete for the CPUs)" % os.getloadavg())
    for parallelism in args.parallelism:
        runs = [await run_once(parallelism, args.sleep, args.python, not args.no_prewarm) for _ in range(args.repeat)]
        report(f"parallelism {parallelism}{', no prewarm' if args.no_prewarm else ''}", runs, args.sleep)
    print("\nload average at end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    asyncio.run(main())
