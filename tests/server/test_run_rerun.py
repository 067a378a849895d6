"""Rerun of a finished local run (LocalRunService.rerun, behind POST /tekton/runs/{id}/rerun):
the pipeline as compiled then, the same parameter values, today's node files."""
from __future__ import annotations

import hashlib
import json

import pytest

from jupyterlab_tekton.errors import Conflict, NotFound
from jupyterlab_tekton.models import CreateLocalRun, ListRunsQuery
from server_helpers import ir_node, ir_pipeline, write_notebook
from test_local_warm import finished, service


def pipeline_with_parameter(tmp_path):
    write_notebook(tmp_path / "n.ipynb", "# parameters\ngreeting = 'hi'", "print(greeting, open('v.txt').read())")
    (tmp_path / "v.txt").write_text("first")
    (tmp_path / "p.pipeline").write_text('{"version": 1}')
    ir = ir_pipeline("again", [ir_node("n", "n.ipynb", dependencies=["v.txt"], parameters=["greeting"])],
                     parameters=[{"name": "greeting", "type": "String", "value": "hi"}])
    return ir


def printed(root, node):
    nb = json.loads((root / node.notebook_path).read_text())
    return "".join(o.get("text", "") for c in nb["cells"] for o in c.get("outputs", []))


async def test_rerun_repeats_the_compiled_pipeline_with_the_same_values(tmp_path):
    ir = pipeline_with_parameter(tmp_path)
    svc = service(tmp_path, 1)
    first = await finished(svc, svc.start(CreateLocalRun(
        ir=ir, pipeline_path="p.pipeline", parameters={"greeting": "bonjour"})).id)
    assert first.status.value == "succeeded" and printed(tmp_path, first.nodes[0]) == "bonjour first\n"

    # Since then: the pipeline file changed, a dependency too.
    (tmp_path / "p.pipeline").write_text('{"version": 2}')
    (tmp_path / "v.txt").write_text("second")
    started = svc.rerun(first.id)
    assert started.id != first.id
    second = await finished(svc, started.id)
    assert second.status.value == "succeeded"
    assert printed(tmp_path, second.nodes[0]) == "bonjour second\n"
    assert [(p.name, p.value) for p in second.parameters] == [("greeting", "bonjour")]
    # Provenance: the pipeline it really ran (the first run's copy), under the same path.
    assert second.pipeline_path == "p.pipeline"
    assert second.pipeline_sha256 == first.pipeline_sha256 == hashlib.sha256(b'{"version": 1}').hexdigest()
    run_dir = tmp_path / second.artifacts_path
    assert (tmp_path / second.pipeline_copy_path).read_text() == '{"version": 1}'
    assert json.loads((run_dir / "ir.json").read_text()) == json.loads((tmp_path / first.artifacts_path / "ir.json").read_text())
    assert json.loads((run_dir / "run.json").read_text())["rerun_of"] == first.id
    # Listed beside the first one (same pipeline path).
    assert {r.id for r in svc.list(ListRunsQuery(pipeline_path="p.pipeline"))} == {first.id, second.id}


async def test_rerun_works_when_the_pipeline_file_is_gone(tmp_path):
    ir = pipeline_with_parameter(tmp_path)
    svc = service(tmp_path, 1)
    first = await finished(svc, svc.start(CreateLocalRun(ir=ir, pipeline_path="p.pipeline")).id)
    (tmp_path / "p.pipeline").unlink()
    second = await finished(svc, svc.rerun(first.id).id)
    assert second.status.value == "succeeded" and printed(tmp_path, second.nodes[0]) == "hi first\n"


async def test_rerun_is_refused_while_running_and_for_unknown_or_broken_runs(tmp_path):
    write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    (tmp_path / "p.pipeline").write_text("{}")
    svc = service(tmp_path, 1)
    run_id = svc.start(CreateLocalRun(ir=ir_pipeline("slow", [ir_node("s", "slow.ipynb")]), pipeline_path="p.pipeline")).id
    with pytest.raises(Conflict, match="cancel it first"):
        svc.rerun(run_id)
    await svc.cancel(run_id)
    record = await finished(svc, run_id)
    with pytest.raises(NotFound):
        svc.rerun("local-20000101-000000-abcdef")
    (tmp_path / record.artifacts_path / "ir.json").unlink()
    with pytest.raises(Conflict, match="ir.json"):
        svc.rerun(run_id)
