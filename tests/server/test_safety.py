"""Hostile and malformed requests: 400 with a located message, never a 500, nothing run."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from server_helpers import assert_http_error, create_body, fetch_json, ir_node, ir_pipeline, write_notebook


@pytest.fixture
def root(jp_root_dir: Path, tmp_path: Path) -> Path:
    """A server root with a notebook and a pipeline, and secrets just outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    write_notebook(outside / "evil.ipynb", "print('should never run')")
    write_notebook(jp_root_dir / "ok.ipynb", "print('ok')")
    (jp_root_dir / "p.pipeline").write_text("{}")
    (jp_root_dir / "link-to-secret.txt").symlink_to(outside / "secret.txt")
    (jp_root_dir / "link-to-evil.ipynb").symlink_to(outside / "evil.ipynb")
    (jp_root_dir / "link-to-outside").symlink_to(outside, target_is_directory=True)
    (jp_root_dir / "deps").mkdir()
    (jp_root_dir / "deps" / "inner-link.txt").symlink_to(outside / "secret.txt")
    return jp_root_dir


def one(**node_kwargs) -> dict:
    file = node_kwargs.pop("file", "ok.ipynb")
    return ir_pipeline("p", [ir_node("n", file, node_id="node-1", **node_kwargs)])


ESCAPES = [
    # (description, body changes, property)
    ("pipeline path with ..", {"pipeline_path": "../outside/x.pipeline"}, "pipeline_path"),
    ("absolute pipeline path", {"pipeline_path": "/etc/passwd"}, "pipeline_path"),
    ("node file with ..", {"ir": one(file="../outside/evil.ipynb")}, "filename"),
    ("absolute node file", {"ir": one(file="/etc/hostname", kind="python")}, "filename"),
    ("node file symlinked out", {"ir": one(file="link-to-evil.ipynb")}, "filename"),
    ("node folder symlinked out", {"ir": one(file="link-to-outside/evil.ipynb")}, "filename"),
    ("dependency with ..", {"ir": one(dependencies=["../outside/secret.txt"])}, "dependencies"),
    ("absolute dependency", {"ir": one(dependencies=["/etc/passwd"])}, "dependencies"),
    ("dependency symlinked out", {"ir": one(dependencies=["link-to-secret.txt"])}, "dependencies"),
    ("dependency glob reaching a link", {"ir": one(dependencies=["deps"], include_subdirectories=True)}, "dependencies"),
    ("dependency dir symlinked out", {"ir": one(dependencies=["link-to-outside/*"])}, "dependencies"),
    ("output with ..", {"ir": one(outputs=["../../escape.txt"])}, "outputs"),
    ("absolute output", {"ir": one(outputs=["/tmp/escape.txt"])}, "outputs"),
]


@pytest.mark.parametrize("what,changes,prop", ESCAPES, ids=[e[0] for e in ESCAPES])
async def test_path_escapes_are_refused(jp_fetch, root, what, changes, prop):
    body = {**create_body(one(), "p.pipeline"), **changes}
    error = await assert_http_error(start_run_raw(jp_fetch, body), 400, "path_outside_root")
    assert error["details"]["property"] == prop, error
    if prop not in ("pipeline_path",):
        assert error["details"]["nodeId"] == "node-1", error
    assert "top secret" not in json.dumps(error)
    assert not (root / "pipeline-runs").exists() or not any((root / "pipeline-runs").rglob("run.json"))


def start_run_raw(jp_fetch, body):
    return fetch_json(jp_fetch, "tekton", "runs", "local", method="POST", body=body)


async def test_runs_root_outside_is_refused_at_startup(tmp_path):
    from jupyterlab_tekton.errors import PathOutsideRoot
    from jupyterlab_tekton.paths import ServerRoot
    from jupyterlab_tekton.runs import LocalRunService

    (tmp_path / "root").mkdir()
    os.symlink(tmp_path, tmp_path / "root" / "up")
    for bad in ("../runs", "/tmp/runs", "up/runs"):
        with pytest.raises(PathOutsideRoot):
            LocalRunService(root=ServerRoot(tmp_path / "root"), runs_root=bad)


MALFORMED = [
    ("not json", "{nope", None, "invalid_json"),
    ("invalid utf-8", b"\xff\xfe{", None, "invalid_json"),
    ("empty body", "", None, "invalid_json"),
    ("array body", "[]", None, "invalid_json"),
    ("missing ir", {"pipeline_path": "p.pipeline"}, "ir", None),
    ("ir not an object", {"ir": 3, "pipeline_path": "p.pipeline"}, "ir", None),
    ("no nodes", {"ir": {"name": "p", "nodes": []}, "pipeline_path": "p.pipeline"}, "ir.nodes", None),
    ("unknown field", {**create_body(one(), "p.pipeline"), "surprise": 1}, "surprise", None),
    ("bad task name", {"ir": ir_pipeline("p", [ir_node("../x", "ok.ipynb")]), "pipeline_path": "p.pipeline"}, "label", None),
    ("bad pipeline name", {"ir": {**one(), "name": "../../x"}, "pipeline_path": "p.pipeline"}, "ir.name", None),
    ("bad kind", {"ir": ir_pipeline("p", [ir_node("n", "ok.ipynb", kind="java")]), "pipeline_path": "p.pipeline"}, "kind", None),
    (
        "cycle / forward reference",
        {"ir": ir_pipeline("p", [ir_node("a", "ok.ipynb", run_after=["b"]), ir_node("b", "ok.ipynb")]), "pipeline_path": "p.pipeline"},
        "links",
        None,
    ),
    (
        "duplicate task",
        {"ir": ir_pipeline("p", [ir_node("a", "ok.ipynb"), ir_node("a", "ok.ipynb")]), "pipeline_path": "p.pipeline"},
        "label",
        None,
    ),
    ("missing node file", {"ir": one(file="missing.ipynb"), "pipeline_path": "p.pipeline"}, "filename", None),
    ("missing dependency", {"ir": one(dependencies=["nope/*.csv"]), "pipeline_path": "p.pipeline"}, "dependencies", None),
    ("missing pipeline file", {"ir": one(), "pipeline_path": "nope.pipeline"}, "pipeline_path", None),
    ("unknown parameter", {**create_body(one(), "p.pipeline"), "parameters": {"x": 1}}, "pipeline_parameters", None),
    (
        "parameter of wrong type",
        {
            "ir": ir_pipeline("p", [ir_node("n", "ok.ipynb", parameters=["k"])], [{"name": "k", "type": "Integer", "value": 1}]),
            "pipeline_path": "p.pipeline",
            "parameters": {"k": "ten"},
        },
        "pipeline_parameters",
        None,
    ),
    (
        "required parameter without value",
        {
            "ir": ir_pipeline("p", [ir_node("n", "ok.ipynb", parameters=["k"])], [{"name": "k", "type": "String", "required": True}]),
            "pipeline_path": "p.pipeline",
        },
        "pipeline_parameters",
        None,
    ),
    (
        "node consumes an unknown parameter",
        {"ir": ir_pipeline("p", [ir_node("n", "ok.ipynb", parameters=["zzz"])]), "pipeline_path": "p.pipeline"},
        "pipeline_parameters",
        None,
    ),
]


@pytest.mark.parametrize("what,body,prop,reason", MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_requests_get_400(jp_fetch, root, what, body, prop, reason):
    error = await assert_http_error(start_run_raw(jp_fetch, body), 400, reason)
    if prop:
        assert error["details"]["property"] == prop, error
    assert not any((root / "pipeline-runs").rglob("run.json")) if (root / "pipeline-runs").exists() else True


async def test_bad_queries_get_400(jp_fetch, root):
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", params={"limit": "lots"}), 400)
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", params={"status": "sleeping"}), 400)
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", params={"limit": "0"}), 400)


async def test_output_symlinked_out_of_the_working_dir_is_not_saved(jp_fetch, root):
    (root / "leak.py").write_text("import os\nos.symlink('/etc/hostname', 'leak.txt')\n")
    ir = ir_pipeline("leak", [ir_node("leak", "leak.py", outputs=["leak.txt"])])
    from server_helpers import start_run, wait_run, nodes_by_task

    run = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir, "p.pipeline")))["id"])
    node = nodes_by_task(run)["leak"]
    assert node["status"] == "succeeded"  # the script did its job; the save refused the link
    assert "symlink to a location outside the working directory; not saved" in node["message"]
    assert not (root / run["artifacts_path"] / "leak" / "outputs" / "leak.txt").exists()


async def test_a_run_json_naming_another_folder_is_ignored(jp_fetch, root):
    """run.json is data in a user-writable folder: its content never redirects deletes or reads."""
    victim = root / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    fake = root / "pipeline-runs" / "p" / "local-20260101-000000-bbbbbb"
    fake.mkdir(parents=True)
    (fake / "run.json").write_text(json.dumps({
        "id": "local-20260101-000000-bbbbbb", "pipeline_name": "../../precious", "display_name": "x",
        "pipeline_path": "p.pipeline", "status": "failed", "created": "2026-01-01T00:00:00Z", "nodes": [],
    }))
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", "local-20260101-000000-bbbbbb", method="DELETE"), 404)
    assert (victim / "keep.txt").exists()
    assert (await fetch_json(jp_fetch, "tekton", "runs"))["runs"] == []
