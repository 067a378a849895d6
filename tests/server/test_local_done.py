"""Early finish of local runs, with real kernels: a node ends when its runner says it is done,
its downstream starts while the old runner still stops its kernel, and the run ends only
once every process is gone -- after success, failure and cancel."""
from __future__ import annotations

import asyncio
import json
import time

from jupyterlab_tekton.models import CreateLocalRun
from server_helpers import ir_node, ir_pipeline, write_notebook
from test_local_warm import finished, run_processes, service

# The node's kernel takes `seconds` to exit (an atexit handler; the node declares no outputs,
# so the handler cannot matter to its downstream).
SLOW_EXIT = "import atexit, time\natexit.register(time.sleep, {seconds})"

# Which runners and kernels of task `a` of this run are alive, seen from another node.
UPSTREAM_ALIVE = (
    "import os\n"
    "prefix = os.environ['TEKTON_RUN_PREFIX']\n"
    "def task(pid):\n"
    "    try:\n"
    "        env = open('/proc/%s/environ' % pid, 'rb').read().split(b'\\0')\n"
    "        state = open('/proc/%s/stat' % pid).read().rsplit(')', 1)[1].split()[0]\n"
    "    except OSError:\n"
    "        return None\n"
    "    if ('TEKTON_RUN_PREFIX=' + prefix).encode() in env and state != 'Z':\n"
    "        return next((v[12:].decode() for v in env if v.startswith(b'TEKTON_TASK=')), None)\n"
    "print(sum(1 for p in os.listdir('/proc') if p.isdigit() and task(p) == 'a'))"
)


def start(svc, ir):
    return svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id


def printed(root, node) -> str:
    nb = json.loads((root / node.notebook_path).read_text())
    return "".join(o.get("text", "") for c in nb["cells"] for o in c.get("outputs", []))


async def test_downstream_starts_while_the_upstream_kernel_exits(tmp_path):
    write_notebook(tmp_path / "a.ipynb", SLOW_EXIT.format(seconds=3), "open('mine.txt', 'w').write('a')")
    write_notebook(tmp_path / "b.ipynb", UPSTREAM_ALIVE)
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("early", [ir_node("a", "a.ipynb"), ir_node("b", "b.ipynb", run_after=["a"])])
    svc = service(tmp_path, 1)
    started = time.monotonic()
    run_id = start(svc, ir)
    record = await finished(svc, run_id)
    took = time.monotonic() - started
    assert record.status.value == "succeeded"
    a, b = record.nodes
    # B ran while A's runner (and its kernel) were still stopping...
    assert int(printed(tmp_path, b)) >= 1, "A's processes were gone before B ran: no early finish"
    assert b.started >= a.finished
    assert a.duration_seconds < 2.5, "A's node time includes its 3 s kernel exit"
    # ...and the run waited for them: nothing of it is left, and it lasted A's exit.
    assert run_processes(f"early/{run_id}") == {}
    assert took >= 3


async def test_no_process_left_after_success_and_failure(tmp_path):
    write_notebook(tmp_path / "ok.ipynb", "print('fine')")
    write_notebook(tmp_path / "bad.ipynb", SLOW_EXIT.format(seconds=1), "1 / 0")
    write_notebook(tmp_path / "after.ipynb", "print('never')")
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("mixed", [
        ir_node("ok", "ok.ipynb"),
        ir_node("bad", "bad.ipynb"),
        ir_node("after", "after.ipynb", run_after=["bad", "ok"]),
    ])
    svc = service(tmp_path, 2)
    run_id = start(svc, ir)
    record = await finished(svc, run_id)
    assert {n.task_name: n.status.value for n in record.nodes} == {
        "ok": "succeeded", "bad": "failed", "after": "skipped"}
    assert record.status.value == "failed"
    assert run_processes(f"mixed/{run_id}") == {}, "a runner or kernel outlived the run"
    # Kernels on Unix sockets: no "running over TCP without encryption" warning on stderr.
    assert not (tmp_path / record.artifacts_path / "ok" / "stderr.log").exists()
    bad = next(n for n in record.nodes if n.task_name == "bad")
    assert bad.exit_code == 1 and "ZeroDivisionError" in (tmp_path / bad.notebook_path).read_text()


async def test_cancel_kills_a_finished_node_still_stopping_its_kernel(tmp_path):
    write_notebook(tmp_path / "a.ipynb", SLOW_EXIT.format(seconds=30))  # its runner kills it after 5 s
    write_notebook(tmp_path / "b.ipynb", "import time\ntime.sleep(60)")
    (tmp_path / "p.pipeline").write_text("{}")
    ir = ir_pipeline("stop", [ir_node("a", "a.ipynb"), ir_node("b", "b.ipynb", run_after=["a"])])
    svc = service(tmp_path, 1)
    run_id = start(svc, ir)
    prefix = f"stop/{run_id}"
    deadline = time.monotonic() + 60
    while svc.describe(run_id).nodes[1].status.value != "running" or "b" not in run_processes(prefix).values():
        assert time.monotonic() < deadline, "B never ran"
        await asyncio.sleep(0.05)
    assert "a" in run_processes(prefix).values(), "A's runner already exited"
    cancelled = time.monotonic()
    await svc.cancel(run_id)
    record = await finished(svc, run_id, timeout=30)
    assert time.monotonic() - cancelled < 3.5, "the cancel waited for A's kernel to exit by itself"
    assert {n.task_name: n.status.value for n in record.nodes} == {"a": "succeeded", "b": "cancelled"}
    assert record.status.value == "cancelled"
    assert run_processes(prefix) == {}
