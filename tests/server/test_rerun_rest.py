"""POST /tekton/runs/{id}/rerun through the REST API: a finished local run again, same
parameter values, current node files; 404 for an unknown run, 409 while it still runs."""
from __future__ import annotations

import json

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


async def test_rerun_repeats_a_finished_run_with_its_parameters(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "say.ipynb", "# parameters\nword = 'default'", "print(word, open('v.txt').read())")
    (jp_root_dir / "v.txt").write_text("one")
    (jp_root_dir / "say.pipeline").write_text("{}")
    ir = ir_pipeline("say", [ir_node("say", "say.ipynb", dependencies=["v.txt"], parameters=["word"])],
                     parameters=[{"name": "word", "type": "String", "value": "hi", "required": False}])
    first = await wait_run(jp_fetch, (await start_run(jp_fetch, create_body(ir, "say.pipeline", parameters={"word": "salut"})))["id"])
    assert first["status"] == "succeeded", json.dumps(first, indent=1)

    (jp_root_dir / "v.txt").write_text("two")
    started = await fetch_json(jp_fetch, "tekton", "runs", first["id"], "rerun", method="POST")
    assert started["id"] != first["id"] and started["pipeline_path"] == "say.pipeline"
    second = await wait_run(jp_fetch, started["id"])
    assert second["status"] == "succeeded", json.dumps(second, indent=1)
    assert [(p["name"], p["value"]) for p in second["parameters"]] == [("word", "salut")]
    node = nodes_by_task(second)["say"]
    assert "salut two" in outputs_of(jp_root_dir / node["notebook_path"])
    # The first run's artifacts are untouched.
    assert "salut one" in outputs_of(jp_root_dir / nodes_by_task(first)["say"]["notebook_path"])
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"pipeline_path": "say.pipeline"})
    assert {first["id"], second["id"]} <= {r["id"] for r in listed["runs"]}


async def test_rerun_refuses_unknown_and_running_runs(jp_fetch, jp_root_dir):
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runs", "no-such-run", "rerun", method="POST"), 404)
    write_notebook(jp_root_dir / "slow.ipynb", "import time\ntime.sleep(60)")
    (jp_root_dir / "slow.pipeline").write_text("{}")
    started = await start_run(jp_fetch, create_body(ir_pipeline("slow", [ir_node("slow", "slow.ipynb")]), "slow.pipeline"))
    try:
        await assert_http_error(
            fetch_json(jp_fetch, "tekton", "runs", started["id"], "rerun", method="POST"), 409, "run_active")
    finally:
        await fetch_json(jp_fetch, "tekton", "runs", started["id"], "cancel", method="POST")
        await wait_run(jp_fetch, started["id"], timeout=30)
