"""openapi.yaml describes the Tekton-run endpoints: the inline CreateTektonRun request schema is
the pydantic model's, and real replies of a submit (pending, running, done), of the list with a
failing configuration, and of a log read validate against the spec."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml
from pydantic.json_schema import models_json_schema

from jupyterlab_tekton import models as m
from submit_support import compile_for, create_config, fetch_json, run_path, wait_run, write_pipeline

SPEC = Path(__file__).resolve().parents[2] / "jupyterlab_tekton" / "openapi.yaml"


def strip_titles(o):
    if isinstance(o, dict):
        return {k: strip_titles(v) for k, v in o.items() if k != "title"}
    if isinstance(o, list):
        return [strip_titles(v) for v in o]
    return o


def test_create_tekton_run_schema_is_the_models():
    spec = yaml.safe_load(SPEC.read_text())
    documented = spec["paths"]["/runs/tekton"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    _, top = models_json_schema([(m.CreateTektonRun, "validation")], ref_template="#/components/schemas/{model}")
    assert documented == strip_titles(top["$defs"]["CreateTektonRun"])
    for name, schema in top["$defs"].items():  # what it references is in components
        if name != "CreateTektonRun":
            assert spec["components"]["schemas"][name] == strip_titles(schema), name


def validate(instance, name: str, spec: dict) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


async def test_tekton_replies_validate_against_the_spec(jp_fetch, jp_root_dir, tmp_path, namespace, runtime_config):
    spec = yaml.safe_load(SPEC.read_text())
    await create_config(jp_fetch, runtime_config)
    await create_config(jp_fetch, {**runtime_config, "name": "broken", "kubeconfig": str(tmp_path / "missing")})
    write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}, {"label": "b", "file": "b.ipynb", "after": ["a"]}])
    body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", runtime_config)
    jsonschema.Draft202012Validator(
        {**spec["paths"]["/runs/tekton"]["post"]["requestBody"]["content"]["application/json"]["schema"],
         "components": spec["components"]}
    ).validate(body)

    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    validate(submitted, "DescribeRun", spec)
    seen = []
    done = await wait_run(jp_fetch, "testcluster", submitted["id"], on_poll=lambda r: (validate(r, "DescribeRun", spec), seen.append(r["status"])))
    assert done["status"] == "succeeded" and "running" in seen
    listed = await fetch_json(jp_fetch, "tekton", "runs")
    validate(listed, "ListRunsResponse", spec)
    assert [e["runtime_config"] for e in listed["errors"]] == ["broken"]
    assert listed["errors"][0]["reason"] == "kubeconfig_invalid"
    log = await fetch_json(jp_fetch, *run_path("testcluster", submitted["id"], "nodes", "a", "log"))
    validate(log, "NodeLog", spec)
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "broken", "test", method="POST")
    validate(check, "CheckRuntimeConfigResponse", spec)
    assert check["kubernetes"] == {"ok": False, "message": f"runtime configuration 'broken': kubeconfig file {tmp_path / 'missing'} does not exist"}
