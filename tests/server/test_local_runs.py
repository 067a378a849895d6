"""Local runs through the REST API, with real ipykernel kernels (stdlib-only notebooks)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from server_helpers import (
    assert_http_error,
    create_body,
    fetch_json,
    ir_node,
    ir_pipeline,
    nodes_by_task,
    outputs_of,
    start_run,
    wait_run,
    write_notebook,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def diamond(jp_root_dir: Path):
    """A → B, A → C, (B, C) → D: outputs flow down, a parameter reaches A."""
    d = jp_root_dir / "flows"
    write_notebook(
        d / "a.ipynb",
        "# parameters\ngreeting = 'default'",
        "import os\nos.makedirs('data', exist_ok=True)\n"
        "open('data/a.txt', 'w').write(greeting + ' from a')\n"
        "print('A wrote', greeting)",
    )
    (d / "lookup.csv").write_text("k,v\n1,one\n")
    write_notebook(
        d / "b.ipynb",
        "print(open('data/a.txt').read() + ' via b')\nprint(open('lookup.csv').read().splitlines()[1])\n"
        "open('b.txt', 'w').write('b saw ' + open('data/a.txt').read())",
    )
    write_notebook(d / "c.ipynb", "open('c.txt', 'w').write('c saw ' + open('data/a.txt').read())")
    write_notebook(
        d / "d.ipynb",
        "import os\nprint(sorted(p for p in os.listdir('.') if not p.startswith('.')))\n"
        "print(open('b.txt').read(), '|', open('c.txt').read())",
    )
    (d / "diamond.pipeline").write_text('{"doc_type": "pipeline", "version": "3.0"}\n')
    ir = ir_pipeline(
        "diamond",
        [
            ir_node("a", "flows/a.ipynb", outputs=["data/a.txt"], parameters=["greeting"]),
            ir_node("b", "flows/b.ipynb", run_after=["a"], dependencies=["*.csv"], outputs=["b.txt"]),
            ir_node("c", "flows/c.ipynb", run_after=["a"], outputs=["c.txt"]),
            ir_node("d", "flows/d.ipynb", run_after=["b", "c"]),
        ],
        parameters=[{"name": "greeting", "type": "String", "value": "hello", "required": False}],
    )
    return d, ir


async def test_diamond_runs_in_parallel_and_records_everything(jp_fetch, jp_root_dir, diamond):
    folder, ir = diamond
    sources = {p.name: sha(p) for p in folder.glob("*.ipynb")}
    pipeline_sha = sha(folder / "diamond.pipeline")

    started = await start_run(jp_fetch, create_body(ir, "flows/diamond.pipeline", parameters={"greeting": "bonjour"}))
    assert started["status"] in ("pending", "running")
    assert [n["status"] for n in started["nodes"]] == ["pending"] * 4 or started["status"] == "running"
    run = await wait_run(jp_fetch, started["id"])

    assert run["status"] == "succeeded", json.dumps(run, indent=1)
    nodes = nodes_by_task(run)
    assert {t: n["status"] for t, n in nodes.items()} == dict.fromkeys("abcd", "succeeded")
    # B and C ran at the same time (max_parallelism 2 in conftest).
    b, c = nodes["b"], nodes["c"]
    assert b["started"] < c["finished"] and c["started"] < b["finished"]
    # D started only after both finished.
    assert nodes["d"]["started"] >= max(b["finished"], c["finished"])

    run_dir = jp_root_dir / run["artifacts_path"]
    assert run["artifacts_path"] == f"pipeline-runs/diamond/{run['id']}"
    record = json.loads((run_dir / "run.json").read_text())
    assert record["id"] == run["id"] and record["status"] == "succeeded"
    assert record["pipeline_sha256"] == pipeline_sha
    assert (jp_root_dir / record["pipeline_copy_path"]).read_bytes() == (folder / "diamond.pipeline").read_bytes()
    assert record["parameters"] == [{"name": "greeting", "type": "String", "value": "bonjour"}]
    assert record["interpreter"]["python"]
    assert json.loads((run_dir / "ir.json").read_text())["nodes"][0]["taskName"] == "a"
    for task, node in nodes.items():
        assert node["exit_code"] == 0
        assert node["duration_seconds"] > 0
        assert node["engine"]
        executed = jp_root_dir / node["notebook_path"]
        assert executed == run_dir / task / f"{task}.ipynb"
        assert (run_dir / task / "run.log").is_file()
        assert json.loads((run_dir / task / "status.json").read_text())["exit_code"] == 0

    # Parameter injected, outputs flowed through inputsFrom, dependencies copied.
    assert "A wrote bonjour" in outputs_of(run_dir / "a" / "a.ipynb")
    assert "bonjour from a via b" in outputs_of(run_dir / "b" / "b.ipynb")
    assert "1,one" in outputs_of(run_dir / "b" / "b.ipynb")
    d_out = outputs_of(run_dir / "d" / "d.ipynb")
    assert "b saw bonjour from a | c saw bonjour from a" in d_out
    # D's working dir held its file and its ancestors' outputs, nothing else.
    assert "['b.txt', 'c.txt', 'd.ipynb', 'data']" in d_out
    assert (run_dir / "a" / "outputs" / "data" / "a.txt").read_text() == "bonjour from a"
    assert nodes["a"]["outputs"] == [f"{run['artifacts_path']}/a/outputs/data/a.txt"]
    # Sources untouched; no working dir left in the run folder.
    assert {p.name: sha(p) for p in folder.glob("*.ipynb")} == sources
    assert not (run_dir / "a" / "data").exists()

    listing = await fetch_json(jp_fetch, "tekton", "runs", params={"pipeline_path": "flows/diamond.pipeline"})
    assert [r["id"] for r in listing["runs"]] == [run["id"]]
    assert listing["runs"][0]["node_counts"] == {"succeeded": 4}
    other = await fetch_json(jp_fetch, "tekton", "runs", params={"pipeline_path": "elsewhere.pipeline"})
    assert other["runs"] == []


async def test_failing_node_skips_downstream_and_keeps_executed_copy(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "bad.ipynb", "print('before the error')", "1 / 0", "print('never')")
    write_notebook(jp_root_dir / "after.ipynb", "print('should not run')")
    write_notebook(jp_root_dir / "after2.ipynb", "print('should not run either')")
    write_notebook(jp_root_dir / "other.ipynb", "import time; time.sleep(1); print('independent branch ok')")
    (jp_root_dir / "f.pipeline").write_text("{}")
    ir = ir_pipeline(
        "failing",
        [
            ir_node("bad", "bad.ipynb"),
            ir_node("other", "other.ipynb"),
            ir_node("after", "after.ipynb", run_after=["bad"]),
            ir_node("after2", "after2.ipynb", run_after=["after", "other"]),
        ],
    )
    run = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir, "f.pipeline")))["id"])

    assert run["status"] == "failed"
    assert "bad.ipynb" in run["message"]
    nodes = nodes_by_task(run)
    assert nodes["bad"]["status"] == "failed" and nodes["bad"]["exit_code"] == 1
    assert nodes["other"]["status"] == "succeeded"
    assert nodes["after"]["status"] == "skipped" and "bad" in nodes["after"]["message"]
    assert nodes["after2"]["status"] == "skipped"
    assert nodes["after"]["started"] is None
    executed = jp_root_dir / nodes["bad"]["notebook_path"]
    text = outputs_of(executed)
    assert "before the error" in text and "ZeroDivisionError" in text and "never" not in text
    assert not (jp_root_dir / run["artifacts_path"] / "after").exists()
    log = await fetch_json(jp_fetch, "tekton", "runs", run["id"], "nodes", "bad", "log")
    # (The papermill engine logs cell output but not the traceback; the notebook has it.)
    assert "exit code 1" in log["content"] and log["complete"] is True


async def test_script_nodes_and_missing_output_warning(jp_fetch, jp_root_dir):
    (jp_root_dir / "s").mkdir()
    (jp_root_dir / "s" / "make.py").write_text("open('made.txt','w').write('x')\nprint('made')\n")
    (jp_root_dir / "s" / "forget.py").write_text("print('I forgot my output')\n")
    (jp_root_dir / "s.pipeline").write_text("{}")
    ir = ir_pipeline(
        "scripts",
        [
            ir_node("make", "s/make.py", outputs=["made.txt", "*.none"]),
            ir_node("forget", "s/forget.py", outputs=["promised.txt"]),
        ],
    )
    run = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir, "s.pipeline")))["id"])
    nodes = nodes_by_task(run)
    assert nodes["make"]["status"] == "succeeded"
    assert nodes["make"]["notebook_path"] is None
    assert nodes["make"]["outputs"] == [f"{run['artifacts_path']}/make/outputs/made.txt"]
    # As on Tekton (save step): a missing output is a warning, not a failure.
    assert nodes["forget"]["status"] == "succeeded"
    assert nodes["forget"]["message"] == "declared output 'promised.txt' matched no file"
    run_dir = jp_root_dir / run["artifacts_path"]
    assert (run_dir / "forget" / "missing-outputs.txt").read_text() == "promised.txt\n"
    log = await fetch_json(jp_fetch, "tekton", "runs", run["id"], "nodes", "forget", "log")
    assert "I forgot my output" in log["content"]
    assert "[save] warning: declared output 'promised.txt' matched no file" in log["content"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_cancel_stops_kernels_and_marks_the_rest(jp_fetch, jp_root_dir, tmp_path):
    pids = tmp_path / "pids"
    pids.mkdir()
    for name in ("slow1", "slow2"):
        write_notebook(
            jp_root_dir / f"{name}.ipynb",
            f"import os, time\nopen({str(pids / name)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)",
        )
    write_notebook(jp_root_dir / "later.ipynb", "print('never')")
    (jp_root_dir / "c.pipeline").write_text("{}")
    ir = ir_pipeline(
        "cancelme",
        [
            ir_node("slow1", "slow1.ipynb"),
            ir_node("slow2", "slow2.ipynb"),
            ir_node("later", "later.ipynb", run_after=["slow1"]),
        ],
    )
    started = await start_run(jp_fetch, create_body(ir, "c.pipeline"))
    deadline = time.monotonic() + 90
    while len(list(pids.iterdir())) < 2:
        assert time.monotonic() < deadline, "kernels did not start"
        await __import__("asyncio").sleep(0.2)
    kernel_pids = [int(p.read_text()) for p in pids.iterdir()]
    assert all(_alive(p) for p in kernel_pids)

    t0 = time.monotonic()
    cancelled = await fetch_json(jp_fetch, "tekton", "runs", started["id"], "cancel", method="POST")
    assert cancelled["id"] == started["id"]
    run = await wait_run(jp_fetch, started["id"], timeout=30)
    assert time.monotonic() - t0 < 15
    assert run["status"] == "cancelled"
    assert {t: n["status"] for t, n in nodes_by_task(run).items()} == {
        "slow1": "cancelled",
        "slow2": "cancelled",
        "later": "cancelled",
    }
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in kernel_pids):
        assert time.monotonic() < deadline, f"kernels still alive: {kernel_pids}"
        await __import__("asyncio").sleep(0.2)
    # Cancelling again: the run is finished.
    await assert_http_error(
        fetch_json(jp_fetch, "tekton", "runs", started["id"], "cancel", method="POST"), 409, "run_finished"
    )


async def test_incremental_log_reads(jp_fetch, jp_root_dir):
    write_notebook(
        jp_root_dir / "talk.ipynb",
        "import time\nfor i in range(6):\n    print('line', i, 'é', flush=True)\n    time.sleep(0.5)",
    )
    (jp_root_dir / "t.pipeline").write_text("{}")
    started = await start_run(jp_fetch, create_body(ir_pipeline("talk", [ir_node("talk", "talk.ipynb")]), "t.pipeline"))
    offset, text, reads = 0, "", 0
    while True:
        chunk = await fetch_json(
            jp_fetch, "tekton", "runs", started["id"], "nodes", "talk", "log", params={"offset": str(offset)}
        )
        assert chunk["offset"] == offset and chunk["next_offset"] >= offset
        text += chunk["content"]
        offset = chunk["next_offset"]
        reads += 1
        if chunk["complete"]:
            break
        await __import__("asyncio").sleep(0.3)
    assert reads > 2
    assert all(f"line {i} é" in text for i in range(6))
    # Small limits never split a multi-byte character.
    whole = ""
    offset = 0
    while True:
        chunk = await fetch_json(
            jp_fetch, "tekton", "runs", started["id"], "nodes", "talk", "log",
            params={"offset": str(offset), "limit": "7"},
        )
        whole += chunk["content"]
        if chunk["next_offset"] == offset:
            break
        offset = chunk["next_offset"]
    assert whole == text
    await assert_http_error(
        fetch_json(jp_fetch, "tekton", "runs", started["id"], "nodes", "nope", "log"), 404, "node_not_found"
    )
    await assert_http_error(
        fetch_json(jp_fetch, "tekton", "runs", started["id"], "nodes", "talk", "log", params={"offset": "x"}), 400
    )


async def test_unknown_run_delete_and_conflicts(jp_fetch, jp_root_dir):
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", "local-nope"), 404, "run_not_found")
    write_notebook(jp_root_dir / "w.ipynb", "import time; time.sleep(3)")
    (jp_root_dir / "w.pipeline").write_text("{}")
    started = await start_run(jp_fetch, create_body(ir_pipeline("w", [ir_node("w", "w.ipynb")]), "w.pipeline"))
    await assert_http_error(
        fetch_json(jp_fetch, "tekton", "runs", started["id"], method="DELETE"), 409, "run_active"
    )
    await wait_run(jp_fetch, started["id"])
    response = await jp_fetch("tekton", "runs", started["id"], method="DELETE")
    assert response.code == 204
    assert not (jp_root_dir / "pipeline-runs" / "w" / started["id"]).exists()
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", started["id"]), 404)


async def test_timeout_fails_the_node(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "long.ipynb", "import time; time.sleep(60)")
    (jp_root_dir / "l.pipeline").write_text("{}")
    ir = ir_pipeline("long", [ir_node("long", "long.ipynb", timeout="3s")])
    t0 = time.monotonic()
    run = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir, "l.pipeline")))["id"], timeout=60)
    assert time.monotonic() - t0 < 30
    node = nodes_by_task(run)["long"]
    assert run["status"] == "failed" and node["status"] == "failed"
    assert node["message"] == "timed out after 3s"


async def test_server_shutdown_interrupts_active_runs(tmp_path):
    """What TektonApp.stop_extension does: stop our runs and record them as interrupted."""
    from jupyterlab_tekton.models import CreateLocalRun
    from jupyterlab_tekton.paths import ServerRoot
    from jupyterlab_tekton.runs import LocalRunService

    write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(60)")
    (tmp_path / "s.pipeline").write_text("{}")
    service = LocalRunService(root=ServerRoot(tmp_path), runs_root="runs", max_parallelism=2)
    ir = ir_pipeline("stop", [ir_node("slow", "slow.ipynb"), ir_node("after", "slow.ipynb", run_after=["slow"])])
    started = service.start(CreateLocalRun(ir=ir, pipeline_path="s.pipeline"))
    deadline = time.monotonic() + 60
    while service.describe(started.id).nodes[0].status.value != "running":
        assert time.monotonic() < deadline
        await __import__("asyncio").sleep(0.1)
    await __import__("asyncio").sleep(2)  # let the kernel start
    t0 = time.monotonic()
    await service.shutdown(timeout=20)
    assert time.monotonic() - t0 < 15
    on_disk = json.loads((tmp_path / "runs" / "stop" / started.id / "run.json").read_text())
    assert on_disk["status"] == "interrupted" and "server stopped" in on_disk["message"]
    assert [n["status"] for n in on_disk["nodes"]] == ["cancelled", "cancelled"]
    assert not service.active
