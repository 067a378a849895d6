"""Backends are chosen through TektonApp traitlets; their failures never leak or hang."""
from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from server_helpers import create_body, fetch_json, ir_node, ir_pipeline, start_run, wait_run, write_notebook


@pytest.fixture
def tekton_app_config():
    return {
        "storage_class": "server_helpers.BrokenStorage",
        "local_runner_class": "server_helpers.ExplodingLocalRunner",
        "runs_root": "elsewhere/runs",
    }


async def test_unexpected_errors_are_a_bare_500(jp_fetch):
    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST",
                     body={"name": "x", "bucket": "abc", "storage_endpoint": "http://127.0.0.1:9"})
    with pytest.raises(HTTPClientError) as info:
        await fetch_json(jp_fetch, "tekton", "runtime-configs", "x", "test", method="POST")
    assert info.value.code == 500
    body = json.loads(info.value.response.body)
    assert body["message"] == "Unhandled error" and not body.get("traceback")
    assert "internal detail" not in info.value.response.body.decode()


async def test_a_crashing_runner_fails_the_run(jp_fetch, jp_root_dir):
    info = await fetch_json(jp_fetch, "tekton", "info")
    assert info["runs_root"] == "elsewhere/runs"
    write_notebook(jp_root_dir / "a.ipynb", "print('a')")
    (jp_root_dir / "a.pipeline").write_text("{}")
    run = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir_pipeline("a", [ir_node("a", "a.ipynb")]), "a.pipeline")))["id"])
    assert run["status"] == "failed"
    assert run["message"] == "the local runner failed: RuntimeError: runner bug"
    assert run["nodes"][0]["status"] == "cancelled"
    assert (jp_root_dir / "elsewhere" / "runs" / "a" / run["id"] / "run.json").is_file()
