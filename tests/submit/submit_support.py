"""Helpers for the submit tests: .pipeline files, the real compiler (the `tekton-pipeline` CLI),
the test cluster, REST calls, and kubeconfigs for users with less rights."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "jupyterlab_tekton" / "cli" / "tekton-pipeline.cjs"
FIXTURES = Path(os.environ.get("TEKTON_FIXTURES", REPO.parent / "shared" / "fixtures"))
HELLO = FIXTURES / "elyra-examples" / "pipelines" / "run-generic-pipelines-on-kubeflow-pipelines"
FINISHED = {"succeeded", "failed", "cancelled", "interrupted", "timed_out"}

# Values the tests look for in every reply and log: none may ever appear.
ACCESS_KEY = "submit-test-access-key"
SECRET_KEY = "submit-test-secret-key-never-returned"


def config_body(name: str, kubeconfig: Path, namespace: str, minio, **overrides) -> dict:
    body = {
        "name": name,
        "display_name": "Test cluster",
        "kubeconfig": str(kubeconfig),
        "namespace": namespace,
        "service_account": "default",
        # Object storage as the (kwok) pods would reach it, and as this server does.
        "storage_endpoint": "http://minio.minio.svc:9000",
        "storage_server_endpoint": minio.endpoint,
        "bucket": minio.bucket,
        "storage_secret_name": "object-storage",
        "credentials_mode": "keys",
        "access_key_id": ACCESS_KEY,
        "secret_access_key": SECRET_KEY,
        "default_runtime_image": "python:3.12-slim",
        "transfer_image": "minio/mc:latest",
        "dashboard_url": "https://dashboard.example.test/tekton/",
        "console_url": "https://console.example.test",
    }
    body.update(overrides)
    return body


# ---- .pipeline files and the compiler -----------------------------------------------------


def notebook(source: str) -> dict:
    return {
        "cells": [{"cell_type": "code", "id": "c0", "metadata": {}, "source": source, "outputs": [], "execution_count": None}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_pipeline(path: Path, nodes: list[dict], name: str | None = None) -> Path:
    """A pipeline-flow v3 file (as Elyra writes it) with one notebook node per entry:
    {"label", "file", "after": [labels], "dependencies": [...], "timeout"?}; notebooks are created too."""
    ids = {n["label"]: f"{uuid.uuid5(uuid.NAMESPACE_URL, n['label'])}" for n in nodes}
    flow_nodes = []
    for i, n in enumerate(nodes):
        nb = path.parent / n["file"]
        nb.parent.mkdir(parents=True, exist_ok=True)
        if not nb.exists():
            nb.write_text(json.dumps(notebook(f"print({n['label']!r})")))
        flow_nodes.append(
            {
                "id": ids[n["label"]],
                "type": "execution_node",
                "op": "execute-notebook-node",
                "app_data": {
                    "component_parameters": {
                        "filename": n["file"],
                        "runtime_image": "python:3.12-slim",
                        "dependencies": n.get("dependencies", []),
                        "include_subdirectories": False,
                        "outputs": [],
                        "env_vars": [],
                        **({"timeout": n["timeout"]} if "timeout" in n else {}),
                    },
                    "label": n["label"],
                    "ui_data": {"label": n["label"], "x_pos": 100 + 200 * i, "y_pos": 100},
                },
                "inputs": [
                    {
                        "id": "inPort",
                        "app_data": {"ui_data": {"label": "Input Port"}},
                        "links": [
                            {"id": f"l-{ids[a]}-{ids[n['label']]}", "node_id_ref": ids[a], "port_id_ref": "outPort"}
                            for a in n.get("after", [])
                        ],
                    }
                ],
                "outputs": [{"id": "outPort", "app_data": {"ui_data": {"label": "Output Port"}}}],
            }
        )
    doc = {
        "doc_type": "pipeline",
        "version": "3.0",
        "json_schema": "http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json",
        "id": "elyra-auto-generated-pipeline",
        "primary_pipeline": "primary",
        "pipelines": [
            {
                "id": "primary",
                "nodes": flow_nodes,
                "app_data": {"ui_data": {"comments": []}, "version": 8, "runtime_type": "KUBEFLOW_PIPELINES",
                             "properties": {"name": name or path.stem, "runtime": "Generic"}},
                "runtime_ref": "",
            }
        ],
        "schemas": [],
    }
    path.write_text(json.dumps(doc, indent=1))
    return path


def build_cli() -> None:
    if not CLI.is_file():  # a source checkout before `npm run build`
        subprocess.run(["npm", "run", "-s", "build:cli"], cwd=REPO, check=True, capture_output=True, timeout=300)


def compile_for(root: Path, pipeline: str, workdir: Path, config: dict, *extra: str) -> dict:
    """The body of POST /tekton/runs/tekton for a .pipeline, made by the real compiler with
    the runtime configuration's settings (as the editor and `tekton-pipeline submit` do)."""
    build_cli()
    workdir.mkdir(parents=True, exist_ok=True)
    bundle, out = workdir / "bundle.json", workdir / "pipeline.yaml"
    args = [
        "--namespace", config["namespace"], "--bucket", config["bucket"], "--endpoint", config["storage_endpoint"],
        "--storage-secret", config["storage_secret_name"], "--service-account", config["service_account"],
        "--default-image", config["default_runtime_image"], "--transfer-image", config["transfer_image"],
    ]
    proc = subprocess.run(
        ["node", str(CLI), "compile", pipeline, "--root", str(root), "--bundle", str(bundle), "-o", str(out), *args, *extra],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, f"tekton-pipeline compile failed ({proc.returncode}):\n{proc.stderr}"
    run = json.loads(bundle.read_text())
    documents = [d for d in yaml.safe_load_all(out.read_text()) if d]
    return {
        "runtime_config": config["name"],
        "ir": run["ir"],
        "uploads": run["uploads"],
        "documents": documents,
        "pipeline_path": run["pipeline_path"],
    }


# ---- REST ----------------------------------------------------------------------------------


async def fetch_json(jp_fetch, *parts: str, method: str = "GET", body: Any = None, params: dict | None = None):
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    elif method in ("POST", "PUT"):
        kwargs["body"] = b""
        kwargs["allow_nonstandard_methods"] = True
    response = await jp_fetch(*parts, params=params, **kwargs)
    return json.loads(response.body) if response.body else None


async def http_error(coro) -> tuple[int, dict]:
    from tornado.httpclient import HTTPClientError

    try:
        await coro
    except HTTPClientError as e:
        return e.code, json.loads(e.response.body)
    raise AssertionError("the request succeeded; an error was expected")


async def create_config(jp_fetch, body: dict) -> dict:
    created = await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=body)
    assert_no_secret(created)
    return created


def run_path(config: str, name: str, *rest: str) -> tuple[str, ...]:
    return ("tekton", "runs", "tekton", config, name, *rest)


async def wait_run(jp_fetch, config: str, name: str, until=None, timeout: float = 120, on_poll=None) -> dict:
    """Poll the run's detail (as the Runs panel does) until `until(run)` or it finished."""
    deadline = time.monotonic() + timeout
    while True:
        run = await fetch_json(jp_fetch, *run_path(config, name))
        if on_poll:
            on_poll(run)
        if until(run) if until else run["status"] in FINISHED:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {name} not done after {timeout}s: {json.dumps(run, indent=1)}")
        await asyncio.sleep(0.25)


def assert_no_secret(payload: Any) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    assert SECRET_KEY not in text and ACCESS_KEY not in text, "a credential reached a reply"


# ---- kubeconfigs -----------------------------------------------------------------------------


def write_kubeconfig(path: Path, server: str, ca_file: str, token: str, user: str = "test-user") -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server, "certificate-authority": ca_file}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": user}}],
        "current-context": "c",
    }
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return path


def service_account_kubeconfig(core, admin_kubeconfig: Path, namespace: str, name: str, path: Path) -> Path:
    """A kubeconfig for a new ServiceAccount that has no RBAC binding at all (a real token
    from the TokenRequest API): it authenticates, and is forbidden everything but discovery."""
    from kubernetes import client

    core.create_namespaced_service_account(namespace, client.V1ServiceAccount(metadata=client.V1ObjectMeta(name=name)))
    request = client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=3600))
    token = core.create_namespaced_service_account_token(name, namespace, request).status.token
    admin = yaml.safe_load(admin_kubeconfig.read_text())
    cluster = admin["clusters"][0]["cluster"]
    return write_kubeconfig(path, cluster["server"], cluster["certificate-authority"], token, user=name)
