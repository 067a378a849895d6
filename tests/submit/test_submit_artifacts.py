"""A Tekton run's artifacts through the REST API, from the real MinIO of its runtime configuration:
list, download (only keys under the run's prefix), and copy a node's folder under the server
root so that its executed notebook opens in JupyterLab.

kwok pods run no script, so the save step's files are put where it would put them
(`<pipeline>/<run>/<task>/`, src/compiler/steps/README.md) with the MinIO client, after the run
succeeded in the cluster."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic.json_schema import models_json_schema
from jupyter_server.utils import url_path_join

from jupyterlab_tekton import models as m
from submit_support import (
    assert_no_secret,
    compile_for,
    create_config,
    fetch_json,
    http_error,
    run_path,
    wait_run,
    write_pipeline,
)

EXECUTED = json.dumps({"cells": [{"cell_type": "code", "id": "c0", "metadata": {}, "source": "print('hi')",
                                   "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
                                   "execution_count": 1}],
                       "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                       "nbformat": 4, "nbformat_minor": 5}).encode()


async def submit_and_finish(jp_fetch, jp_root_dir, tmp_path, runtime_config) -> dict:
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "flows" / "art.pipeline", [
        {"label": "load", "file": "nb/load.ipynb"},
        {"label": "train", "file": "nb/train.ipynb", "after": ["load"]},
    ], name="art")
    body = compile_for(jp_root_dir, "flows/art.pipeline", tmp_path / "c", runtime_config)
    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    done = await wait_run(jp_fetch, "testcluster", submitted["id"])
    assert done["status"] == "succeeded", done
    return done


def save_step_files(minio, run: dict, task: str, notebook: str) -> dict[str, bytes]:
    """What the save step of `task` writes, at the keys it writes them to."""
    prefix = f"{run['pipeline_name']}/{run['id']}/{task}/"
    files = {
        notebook: EXECUTED,
        "run.log": b"[runner] executing load.ipynb\nhi\n",
        "status.json": b'{"exit_code": 0, "engine": "jupyter_client"}',
        "outputs/data/ünïcode table.csv": b"a,b\n1,2\n",
    }
    s3 = minio.boto3_client()
    for name, content in files.items():
        s3.put_object(Bucket=minio.bucket, Key=prefix + name, Body=content)
    return files


@pytest.fixture
def download(http_server_client, jp_auth_header, jp_base_url):
    """GET …/artifacts/PATH with PATH sent exactly as given (already URL-encoded): jp_fetch
    would encode it again, and could not send `%2F` or `..` segments."""

    async def get(run: dict, path: str):
        url = url_path_join(jp_base_url, "/".join(run_path("testcluster", run["id"], "artifacts"))) + "/" + path
        return await http_server_client.fetch(url, headers=jp_auth_header, method="GET", request_timeout=60)

    return get


async def test_list_download_and_copy_a_nodes_artifacts(jp_fetch, download, jp_root_dir, tmp_path, minio, namespace, runtime_config):
    run = await submit_and_finish(jp_fetch, jp_root_dir, tmp_path, runtime_config)
    nodes = {n["task_name"]: n for n in run["nodes"]}
    # The save step keeps the notebook's path relative to its folder.
    assert nodes["load"]["notebook_uri"] == f"s3://pipelines/art/{run['id']}/load/load.ipynb"
    files = save_step_files(minio, run, "load", "load.ipynb")

    listed = await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "artifacts"), params={"node": "load"})
    assert listed["uri"] == f"s3://pipelines/art/{run['id']}/load/"
    assert sorted(a["path"] for a in listed["artifacts"]) == sorted(f"load/{name}" for name in files)
    assert {a["path"]: a["size"] for a in listed["artifacts"]}["load/load.ipynb"] == len(EXECUTED)
    # The whole run: the submitter's uploads are under the same prefix.
    everything = await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "artifacts"))
    assert {"_tekton/runner.py", "_sources/load/load.ipynb"} <= {a["path"] for a in everything["artifacts"]}
    assert_no_secret([listed, everything])

    # Download: the exact bytes, as an attachment that the browser never renders in Jupyter's origin.
    response = await download(run, "load/load.ipynb")
    assert response.body == EXECUTED
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="load.ipynb"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csv = await download(run, "load/outputs/data/%C3%BCn%C3%AFcode%20table.csv")
    assert csv.body == files["outputs/data/ünïcode table.csv"]
    assert "filename*=UTF-8''%C3%BCn%C3%AFcode%20table.csv" in csv.headers["Content-Disposition"]

    # Copy the node's folder under the server root and open the notebook with the contents API.
    copied = await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "nodes", "load", "copy"), method="POST")
    folder = f"pipeline-runs/art/{run['id']}/load"
    assert copied["path"] == folder
    assert copied["notebook_path"] == f"{folder}/load.ipynb"
    assert copied["log_path"] == f"{folder}/run.log"
    assert sorted(copied["files"]) == sorted(f"{folder}/{name}" for name in files)
    assert copied["bytes"] == sum(len(c) for c in files.values())
    for name, content in files.items():
        assert (jp_root_dir / folder / name).read_bytes() == content
    assert not [p for p in (jp_root_dir / folder).rglob("*.part")]
    opened = await fetch_json(jp_fetch, "api", "contents", *copied["notebook_path"].split("/"))
    assert opened["type"] == "notebook"
    assert opened["content"]["cells"][0]["outputs"][0]["text"] == "hi\n"

    # A second copy after the node's files changed replaces them.
    minio.boto3_client().put_object(Bucket=minio.bucket, Key=f"art/{run['id']}/load/run.log", Body=b"newer\n")
    await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "nodes", "load", "copy"), method="POST")
    assert (jp_root_dir / folder / "run.log").read_bytes() == b"newer\n"

    # The local run list is not confused by the copied folder.
    local = await fetch_json(jp_fetch, "tekton", "runs", params={"backend": "local"})
    assert local["runs"] == []


async def test_paths_cannot_leave_the_runs_prefix(jp_fetch, download, jp_root_dir, tmp_path, minio, namespace, runtime_config):
    run = await submit_and_finish(jp_fetch, jp_root_dir, tmp_path, runtime_config)
    # Objects beside the run: another run of the same pipeline, and another pipeline.
    s3 = minio.boto3_client()
    s3.put_object(Bucket=minio.bucket, Key="art/other-run/load/secret.txt", Body=b"not yours")
    s3.put_object(Bucket=minio.bucket, Key="secret.txt", Body=b"not yours")
    for path in ("..%2Fother-run%2Fload%2Fsecret.txt", "load/../../../secret.txt", "%2Fsecret.txt", "..%2F..%2Fsecret.txt",
                 "%2E%2E/other-run/load/secret.txt"):
        status, error = await http_error(download(run, path))
        assert status == 400, (path, error)
        assert error["reason"] == "path_outside_root" and error["details"]["property"] == "path"
    status, error = await http_error(download(run, "load/nothing-here.ipynb"))
    assert (status, error["reason"]) == (404, "storage_not_found")
    assert_no_secret(error)

    # A node whose save step wrote nothing yet; a node the run does not have.
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", run["id"], "nodes", "train", "copy"), method="POST"))
    assert (status, error["reason"]) == (404, "artifacts_not_found")
    assert f"s3://pipelines/art/{run['id']}/train/" in error["message"]
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", run["id"], "nodes", "nope", "copy"), method="POST"))
    assert (status, error["reason"]) == (404, "node_not_found")
    status, error = await http_error(download({"id": "no-such-run"}, "load/load.ipynb"))
    assert (status, error["reason"]) == (404, "run_not_found")
    status, error = await http_error(
        fetch_json(jp_fetch, *run_path("testcluster", run["id"], "artifacts"), params={"node": "Bad_Task"})
    )
    assert (status, error["details"]["property"]) == (400, "node")
    assert not (jp_root_dir / "pipeline-runs" / "art" / run["id"] / "train").exists()


SPEC = Path(__file__).resolve().parents[2] / "jupyterlab_tekton" / "openapi.yaml"


def inline_schema(model) -> dict:
    """The model's JSON schema with every $ref resolved in place (as openapi.yaml writes it)."""
    _, top = models_json_schema([(model, "serialization")], ref_template="#/$defs/{model}")

    def resolve(o):
        if isinstance(o, dict):
            if "$ref" in o:
                return resolve(top["$defs"][o["$ref"].rsplit("/", 1)[1]])
            return {k: resolve(v) for k, v in o.items() if k != "title"}
        if isinstance(o, list):
            return [resolve(v) for v in o]
        return o

    return resolve(top["$defs"][model.__name__])


def reply_schema(path: str, verb: str) -> dict:
    spec = yaml.safe_load(SPEC.read_text())
    return spec["paths"][path][verb]["responses"]["200"]["content"]["application/json"]["schema"]


def test_openapi_artifact_schemas_are_the_models():
    base = "/runs/tekton/{runtime_config}/{run_id}"
    assert reply_schema(f"{base}/artifacts", "get") == inline_schema(m.ListRunArtifactsResponse)
    assert reply_schema(f"{base}/nodes/{{task_name}}/copy", "post") == inline_schema(m.CopiedNodeArtifacts)


async def test_artifact_replies_validate_against_the_spec(jp_fetch, jp_root_dir, tmp_path, minio, namespace, runtime_config):
    run = await submit_and_finish(jp_fetch, jp_root_dir, tmp_path, runtime_config)
    save_step_files(minio, run, "train", "train.ipynb")
    base = "/runs/tekton/{runtime_config}/{run_id}"
    listed = await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "artifacts"))
    jsonschema.Draft202012Validator(reply_schema(f"{base}/artifacts", "get")).validate(listed)
    assert any(a["last_modified"] for a in listed["artifacts"])
    copied = await fetch_json(jp_fetch, *run_path("testcluster", run["id"], "nodes", "train", "copy"), method="POST")
    jsonschema.Draft202012Validator(reply_schema(f"{base}/nodes/{{task_name}}/copy", "post")).validate(copied)
    assert copied["notebook_path"] == f"pipeline-runs/art/{run['id']}/train/train.ipynb"
