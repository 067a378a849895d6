"""`python -m jupyterlab_tekton run-local`: the same runner without a server, seen by the server."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server_helpers import fetch_json, ir_node, ir_pipeline, nodes_by_task, wait_run, write_notebook

REPO = Path(__file__).resolve().parents[2]


def bundle(ir: dict, pipeline_path: str, root: Path | None = None, **extra) -> dict:
    """What `tekton-pipeline run` hands over: a compile result plus pipelinePath/root."""
    b = {"pipelineRun": None, "documents": [], "yaml": "", "uploads": [], "ir": ir, "diagnostics": [], "pipelinePath": pipeline_path}
    if root is not None:
        b["root"] = str(root)
    b.update(extra)
    return b


def cli(*args: str, stdin: str | None = None, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_tekton", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout, check=False,
    )


def cli_background(*args: str, stdin: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_tekton", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    proc.stdin.write(stdin)
    proc.stdin.close()
    return proc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_notebook(root / "nb" / "make.ipynb", "# parameters\nn = 1", "open('n.txt', 'w').write(str(n * 2))")
    write_notebook(root / "nb" / "use.ipynb", "print('got', open('n.txt').read())")
    write_notebook(root / "nb" / "boom.ipynb", "raise RuntimeError('boom')")
    (root / "nb" / "x.pipeline").write_text("{}")
    return root


def make_use_ir() -> dict:
    return ir_pipeline(
        "cli",
        [
            ir_node("make", "nb/make.ipynb", outputs=["n.txt"], parameters=["n"]),
            ir_node("use", "nb/use.ipynb", run_after=["make"]),
        ],
        parameters=[{"name": "n", "type": "Integer", "value": 1, "required": False}],
    )


def test_cli_runs_a_bundle_from_stdin(project):
    out = cli("run-local", "--bundle", "-", "--param", "n=21", "--json", stdin=json.dumps(bundle(make_use_ir(), "nb/x.pipeline", project)))
    assert out.returncode == 0, out.stderr
    run = json.loads(out.stdout)
    assert run["status"] == "succeeded"
    assert run["parameters"] == [{"name": "n", "type": "Integer", "value": 21}]
    assert "make" in out.stderr and "succeeded" in out.stderr and run["id"] in out.stderr
    executed = project / nodes_by_task(run)["use"]["notebook_path"]
    assert "got 42" in executed.read_text()
    assert (project / "pipeline-runs" / "cli" / run["id"] / "run.json").is_file()


def test_cli_failure_exit_code_and_file_bundle(project, tmp_path):
    ir = ir_pipeline("cli", [ir_node("boom", "nb/boom.ipynb"), ir_node("use", "nb/use.ipynb", run_after=["boom"])])
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle(ir, "nb/x.pipeline")))
    out = cli("run-local", "--bundle", str(path), "--max-parallelism", "1", cwd=project)  # root = cwd
    assert out.returncode == 1, out.stderr
    assert "boom" in out.stderr and "failed" in out.stderr and "skipped" in out.stderr


def test_cli_refuses_bad_bundles(project):
    escape = ir_pipeline("cli", [ir_node("e", "../outside.ipynb", node_id="node-e")])
    out = cli("run-local", "--bundle", "-", stdin=json.dumps(bundle(escape, "nb/x.pipeline", project)))
    assert out.returncode == 2
    assert "contains '..'" in out.stderr and "node=node-e" in out.stderr and "property=filename" in out.stderr
    errors = bundle(None, "nb/x.pipeline", project, diagnostics=[
        {"severity": "error", "code": "cycle", "message": "links form a cycle", "nodeLabel": "make.ipynb"}
    ])
    out = cli("run-local", "--bundle", "-", stdin=json.dumps(errors))
    assert out.returncode == 2 and "make.ipynb: links form a cycle" in out.stderr
    out = cli("run-local", "--bundle", "-", stdin="{not json")
    assert out.returncode == 2 and "cannot read the bundle" in out.stderr
    out = cli("run-local", "--bundle", "-", "--param", "novalue", stdin=json.dumps(bundle(make_use_ir(), "nb/x.pipeline", project)))
    assert out.returncode == 2 and "NAME=VALUE" in out.stderr
    assert not (project / "pipeline-runs").exists()


async def test_server_lists_and_cancels_a_cli_run(jp_fetch, jp_root_dir, tmp_path):
    pidfile = tmp_path / "kernel.pid"
    write_notebook(jp_root_dir / "slow.ipynb", f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)")
    (jp_root_dir / "s.pipeline").write_text("{}")
    ir = ir_pipeline("from-cli", [ir_node("slow", "slow.ipynb")])
    proc = cli_background("run-local", "--bundle", "-", stdin=json.dumps(bundle(ir, "s.pipeline", jp_root_dir)))
    try:
        deadline = time.monotonic() + 90
        while not pidfile.exists():
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() is not None else "timeout"
            await asyncio.sleep(0.2)
        runs = (await fetch_json(jp_fetch, "tekton", "runs"))["runs"]
        assert [r["status"] for r in runs] == ["running"]
        run_id = runs[0]["id"]
        await fetch_json(jp_fetch, "tekton", "runs", run_id, "cancel", method="POST")
        assert await asyncio.to_thread(proc.wait, 30) == 130
        run = await wait_run(jp_fetch, run_id, timeout=10)
        assert run["status"] == "cancelled"
        assert nodes_by_task(run)["slow"]["status"] == "cancelled"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture
def stale_run(jp_root_dir):
    """A run.json left 'running' by a process that no longer exists (before the server starts)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run_dir = jp_root_dir / "pipeline-runs" / "old" / "local-20260101-000000-aaaaaa"
    run_dir.mkdir(parents=True)
    record = {
        "id": "local-20260101-000000-aaaaaa", "backend": "local", "pipeline_name": "old", "display_name": "old",
        "pipeline_path": "old.pipeline", "status": "running", "created": "2026-01-01T00:00:00Z",
        "started": "2026-01-01T00:00:01Z", "pid": dead.pid, "hostname": os.uname().nodename,
        "nodes": [
            {"id": "a", "label": "a", "task_name": "a", "kind": "notebook", "file": "a.ipynb", "status": "succeeded"},
            {"id": "b", "label": "b", "task_name": "b", "kind": "notebook", "file": "b.ipynb", "status": "running",
             "started": "2026-01-01T00:00:02Z"},
            {"id": "c", "label": "c", "task_name": "c", "kind": "notebook", "file": "c.ipynb", "status": "pending"},
        ],
    }
    (run_dir / "run.json").write_text(json.dumps(record))
    return run_dir


async def test_runs_left_running_show_as_interrupted_after_restart(stale_run, jp_fetch):
    on_disk = json.loads((stale_run / "run.json").read_text())
    assert on_disk["status"] == "interrupted"  # settled when the server started
    run = await fetch_json(jp_fetch, "tekton", "runs", "local-20260101-000000-aaaaaa")
    assert run["status"] == "interrupted" and "interrupted" in run["message"]
    assert [n["status"] for n in run["nodes"]] == ["succeeded", "interrupted", "interrupted"]
    assert run["finished"]


async def test_a_killed_cli_run_becomes_interrupted(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "slow.ipynb", "import time\ntime.sleep(120)")
    (jp_root_dir / "s.pipeline").write_text("{}")
    ir = ir_pipeline("killed", [ir_node("slow", "slow.ipynb")])
    proc = cli_background("run-local", "--bundle", "-", stdin=json.dumps(bundle(ir, "s.pipeline", jp_root_dir)))
    from jupyterlab_tekton.processes import descendants

    try:
        deadline = time.monotonic() + 60
        while True:
            runs = (await fetch_json(jp_fetch, "tekton", "runs"))["runs"]
            if runs and runs[0]["node_counts"].get("running"):
                break
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        tree = descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        run = await fetch_json(jp_fetch, "tekton", "runs", runs[0]["id"])
        assert run["status"] == "interrupted"
        assert nodes_by_task(run)["slow"]["status"] == "interrupted"
    finally:
        for pid in tree if "tree" in locals() else []:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
