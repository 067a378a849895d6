"""Builders for the tests: notebooks, compiled IR in the compiler's documented shape
(src/compiler/types.ts), and REST helpers around jp_fetch."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

FINISHED = {"succeeded", "failed", "cancelled", "interrupted"}


def notebook(*sources: str) -> dict:
    """An nbformat 4.5 notebook with one code cell per source, python3 kernel.

    A source starting with "# parameters" is tagged `parameters` (papermill's convention:
    injected values go right after it).
    """
    return {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {"tags": ["parameters"]} if src.startswith("# parameters") else {},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for i, src in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(*sources), indent=1))
    return path


def ir_node(
    task: str,
    file: str,
    *,
    run_after: list[str] | None = None,
    kind: str | None = None,
    dependencies: list[str] | None = None,
    include_subdirectories: bool = False,
    outputs: list[str] | None = None,
    env: dict[str, str] | None = None,
    parameters: list[str] | None = None,
    node_id: str | None = None,
    label: str | None = None,
    timeout: str | None = None,
) -> dict:
    base = file.rsplit("/", 1)[0] if "/" in file else ""
    if kind is None:
        kind = {"ipynb": "notebook", "py": "python", "r": "r"}[file.rsplit(".", 1)[1].lower()]
    node = {
        "id": node_id or f"id-{task}",
        "label": label or file.rsplit("/", 1)[-1],
        "taskName": task,
        "kind": kind,
        "file": file,
        "baseDir": base,
        "dependencies": dependencies or [],
        "includeSubdirectories": include_subdirectories,
        "outputs": outputs or [],
        "runtimeImage": "quay.io/jupyter/scipy-notebook:latest",
        "env": [{"name": k, "value": v} for k, v in (env or {}).items()],
        "secrets": [],
        "volumes": [],
        "resources": {},
        "podLabels": [],
        "podAnnotations": [],
        "tolerations": [],
        "nodeSelector": [],
        "parameters": parameters or [],
        "runAfter": run_after or [],
        "inputsFrom": [],
    }
    if timeout:
        node["timeout"] = timeout
    return node


def ir_pipeline(name: str, nodes: list[dict], parameters: list[dict] | None = None) -> dict:
    """IR with inputsFrom = all ancestors (as the compiler computes it); nodes in given order."""
    by_task = {n["taskName"]: n for n in nodes}

    def ancestors(task: str) -> list[str]:
        found: list[str] = []
        for up in by_task[task]["runAfter"]:
            for a in [*ancestors(up), up]:
                if a not in found:
                    found.append(a)
        return found

    order = [n["taskName"] for n in nodes]
    for n in nodes:
        n["inputsFrom"] = sorted(ancestors(n["taskName"]), key=order.index)
    return {"name": name, "displayName": name, "parameters": parameters or [], "nodes": nodes}


def create_body(ir: dict, pipeline_path: str, uploads: list | None = None, parameters: dict | None = None) -> dict:
    body: dict[str, Any] = {"ir": ir, "uploads": uploads or [], "pipeline_path": pipeline_path}
    if parameters is not None:
        body["parameters"] = parameters
    return body


async def fetch_json(jp_fetch, *parts: str, method: str = "GET", body: Any = None, params: dict | None = None):
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
    elif method in ("POST", "PUT"):
        kwargs["body"] = b""
        kwargs["allow_nonstandard_methods"] = True
    response = await jp_fetch(*parts, params=params, **kwargs)
    return json.loads(response.body) if response.body else None


async def assert_http_error(coro, status: int, reason: str | None = None) -> dict:
    """Await a request expected to fail; check status and the JSON error shape; return it."""
    with pytest.raises(HTTPClientError) as info:
        await coro
    assert info.value.code == status, info.value.response.body if info.value.response else info.value
    body = json.loads(info.value.response.body)
    assert isinstance(body.get("message"), str) and body["message"]
    assert "traceback" not in body or not body["traceback"]
    if reason is not None:
        assert body.get("reason") == reason, body
    return body


async def start_run(jp_fetch, body: dict) -> dict:
    return await fetch_json(jp_fetch, "tekton", "runs", "local", method="POST", body=body)


async def wait_run(jp_fetch, run_id: str, timeout: float = 120, until=None) -> dict:
    """Poll GET /tekton/runs/{id} until it finishes (or `until(run)` holds)."""
    deadline = time.monotonic() + timeout
    while True:
        run = await fetch_json(jp_fetch, "tekton", "runs", run_id)
        if (until(run) if until else run["status"] in FINISHED):
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} not done after {timeout}s: {json.dumps(run, indent=1)}")
        await asyncio.sleep(0.2)


def nodes_by_task(run: dict) -> dict[str, dict]:
    return {n["task_name"]: n for n in run["nodes"]}


def outputs_of(notebook_path: Path) -> str:
    """All text outputs of an executed notebook, joined (stream text and text/plain)."""
    nb = json.loads(notebook_path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
            elif "text/plain" in out.get("data", {}):
                data = out["data"]["text/plain"]
                parts.append("".join(data) if isinstance(data, list) else data)
            elif out.get("output_type") == "error":
                parts.append(f"{out['ename']}: {out['evalue']}")
    return "".join(parts)


REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "jupyterlab_tekton" / "cli" / "tekton-pipeline.cjs"


def compile_bundle(root: Path, pipeline: str, workdir: Path, *args: str) -> dict:
    """Compile a real .pipeline with the TypeScript compiler (the `tekton-pipeline` CLI):
    the body it writes with --bundle is exactly the server's CreateLocalRun request."""
    import subprocess

    if not CLI.is_file():  # a source checkout before `npm run build`: the bundle is quick to make
        subprocess.run(["npm", "run", "-s", "build:cli"], cwd=REPO, check=True, capture_output=True, timeout=300)
    bundle, yaml = workdir / "bundle.json", workdir / "pipeline.yaml"
    out = subprocess.run(
        ["node", str(CLI), "compile", pipeline, "--root", str(root), "--bundle", str(bundle), "-o", str(yaml), *args],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, f"compile failed ({out.returncode}):\n{out.stderr}"
    return json.loads(bundle.read_text())


# ---- swappable backends, selected through TektonApp traitlets like an operator would ------

from jupyterlab_tekton.local import LocalRunner  # noqa: E402
from jupyterlab_tekton.storage import ObjectStorage  # noqa: E402


class BrokenStorage(ObjectStorage):
    """Fails with an unexpected exception: the handler must answer a bare 500."""

    def check(self, create_missing: bool = False):
        raise RuntimeError("internal detail that must not reach the client")


class ExplodingLocalRunner(LocalRunner):
    """Its execute() crashes: the template method must record the run as failed."""

    async def execute(self) -> None:
        raise RuntimeError("runner bug")

    def cancel(self) -> None:
        self.cancel_requested = True
