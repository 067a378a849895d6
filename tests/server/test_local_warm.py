"""Warm start of local runs, with real kernels: the next node's runner and kernel start while
its upstream runs, wait for their start signal, and are stopped when the node will not run."""
from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import pytest
from traitlets.config import Config

from jupyterlab_tekton.models import CreateLocalRun
from jupyterlab_tekton.paths import ServerRoot
from jupyterlab_tekton.runs import LocalRunService
from server_helpers import ir_node, ir_pipeline, write_notebook

# The kernel's own start time, from /proc (Linux): seconds since the epoch.
KERNEL_STARTED = (
    "import os\n"
    "ticks = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])\n"
    "boot = next(int(l.split()[1]) for l in open('/proc/stat') if l.startswith('btime'))\n"
    "print('kernel started', boot + ticks / os.sysconf('SC_CLK_TCK'))"
)


def run_processes(prefix: str) -> dict[int, str]:
    """pid -> TEKTON_TASK of every process (runner or kernel) of the run `prefix`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = dict(v.split("=", 1) for v in (entry / "environ").read_text(errors="replace").split("\0") if "=" in v)
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if env.get("TEKTON_RUN_PREFIX") == prefix and state != "Z":
            found[int(entry.name)] = env.get("TEKTON_TASK", "")
    return found


def service(root: Path, parallelism: int, **runner_config) -> LocalRunService:
    config = Config({"SubprocessLocalRunner": runner_config}) if runner_config else None
    return LocalRunService(root=ServerRoot(root), runs_root="runs", max_parallelism=parallelism, config=config)


async def finished(svc: LocalRunService, run_id: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while run_id in svc.active:
        assert time.monotonic() < deadline, "run did not finish"
        await asyncio.sleep(0.1)
    return svc.describe(run_id)


async def test_downstream_kernel_starts_while_upstream_runs(tmp_path):
    write_notebook(tmp_path / "a.ipynb", "import time\ntime.sleep(3)")
    write_notebook(tmp_path / "b.ipynb", KERNEL_STARTED)
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("warm", [ir_node("a", "a.ipynb"), ir_node("b", "b.ipynb", run_after=["a"])])
    svc = service(tmp_path, 1)
    record = await finished(svc, svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id)
    assert record.status.value == "succeeded"
    a, b = record.nodes
    executed = json.loads((tmp_path / b.notebook_path).read_text())
    kernel_started = float(executed["cells"][0]["outputs"][0]["text"].split()[-1])
    # B's kernel was up well before A finished; B itself ran only after A.
    assert kernel_started < a.finished.timestamp() - 1.5
    assert b.started >= a.finished
    # ...and B's duration is its execution, not a kernel start.
    assert b.duration_seconds < 2


@pytest.mark.parametrize("prewarm, expected", [(True, [2, 2, 1]), (False, [1, 1, 1])])
async def test_parallelism_counts_executing_nodes_and_bounds_warm_ones(prewarm, expected, tmp_path):
    """Parallelism 1: nodes never overlap; while one executes, one more waits warm (max_warm
    defaults to max_parallelism), none without prewarm."""
    count_runners = (
        "import json, os, time\n"
        "t0 = time.time()\n"
        "time.sleep(1.5)\n"
        "prefix = os.environ['TEKTON_RUN_PREFIX']\n"
        "def runner(pid):\n"
        "    try:\n"
        "        env = open('/proc/%s/environ' % pid, 'rb').read().split(b'\\0')\n"
        "        cmd = open('/proc/%s/cmdline' % pid, 'rb').read()\n"
        "    except OSError:\n"
        "        return False\n"
        "    return ('TEKTON_RUN_PREFIX=' + prefix).encode() in env and b'runner.py' in cmd\n"
        "n = sum(1 for p in os.listdir('/proc') if p.isdigit() and runner(p))\n"
        "print(json.dumps([t0, time.time(), n]))"
    )
    for name in ("n1", "n2", "n3"):
        write_notebook(tmp_path / f"{name}.ipynb", count_runners)
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("par", [ir_node(n, f"{n}.ipynb") for n in ("n1", "n2", "n3")])
    svc = service(tmp_path, 1, prewarm=prewarm)
    record = await finished(svc, svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id)
    assert record.status.value == "succeeded"
    seen = []
    for node in record.nodes:
        nb = json.loads((tmp_path / node.notebook_path).read_text())
        seen.append(json.loads(nb["cells"][0]["outputs"][0]["text"]))
    seen.sort()
    assert all(seen[i][1] <= seen[i + 1][0] for i in range(2)), "parallelism 1: executions overlapped"
    assert [n for _, _, n in seen] == expected


async def test_warm_node_of_a_failed_upstream_is_stopped_and_leaves_nothing(tmp_path):
    write_notebook(tmp_path / "bad.ipynb", "import time\ntime.sleep(3)\n1 / 0")
    write_notebook(tmp_path / "after.ipynb", "open('ran.txt', 'w').write('should not')")
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("skip", [ir_node("bad", "bad.ipynb"), ir_node("after", "after.ipynb", run_after=["bad"])])
    svc = service(tmp_path, 2)
    run_id = svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id
    prefix = f"skip/{run_id}"
    deadline = time.monotonic() + 30
    while list(run_processes(prefix).values()).count("after") < 2:  # its runner and its kernel
        assert time.monotonic() < deadline, f"no warm runner + kernel for 'after': {run_processes(prefix)}"
        await asyncio.sleep(0.1)
    warm = [pid for pid, task in run_processes(prefix).items() if task == "after"]
    workdir = Path(os.readlink(f"/proc/{warm[0]}/cwd"))
    assert (workdir / "after.ipynb").is_file()

    record = await finished(svc, run_id)
    statuses = {n.task_name: n.status.value for n in record.nodes}
    assert statuses == {"bad": "failed", "after": "skipped"}
    run_dir = tmp_path / record.artifacts_path
    assert not (run_dir / "after").exists()
    assert run_processes(prefix) == {}, "a warm runner or kernel outlived the run"
    assert not workdir.exists()


async def test_cancel_stops_running_and_warm_nodes(tmp_path):
    write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(60)")
    write_notebook(tmp_path / "next.ipynb", "print('never')")
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("cancel", [ir_node("slow", "slow.ipynb"), ir_node("next", "next.ipynb", run_after=["slow"])])
    svc = service(tmp_path, 1)
    run_id = svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id
    prefix = f"cancel/{run_id}"
    deadline = time.monotonic() + 30
    while sorted(run_processes(prefix).values()) != ["next", "next", "slow", "slow"]:
        assert time.monotonic() < deadline, f"expected two runners and two kernels: {run_processes(prefix)}"
        await asyncio.sleep(0.1)
    await svc.cancel(run_id)
    record = await finished(svc, run_id, timeout=30)
    assert record.status.value == "cancelled"
    assert {n.task_name: n.status.value for n in record.nodes} == {"slow": "cancelled", "next": "cancelled"}
    assert run_processes(prefix) == {}
    assert not (tmp_path / record.artifacts_path / "next").exists()
