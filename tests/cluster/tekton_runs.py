"""Tekton v1 PipelineRuns for the cluster tests, and helpers to create and watch them.

The PipelineRuns have the shape our compiler emits (one PipelineRun with embedded specs, each
task with fetch/run/save steps that use `script:` so Tekton needs no image lookup). kwok plays
the pods: every pod succeeds about a second after it starts, a pipeline task named `fail-me`
fails (tools/testcluster/config/kwok-stages.yaml).
"""
from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from kubernetes import client

GROUP, VERSION = "tekton.dev", "v1"


def task(name: str, run_after: list[str] | None = None) -> dict:
    """A pipeline task with an embedded taskSpec in the compiler's three-step shape."""
    env = [
        {"name": "TEKTON_TASK", "value": name},
        {"name": "TEKTON_WORKDIR", "value": "/workspace/node"},
    ]
    steps = [
        {"name": "fetch", "image": "python:3.12-slim", "env": env, "script": "#!/bin/sh\nset -eu\nmkdir -p \"$TEKTON_WORKDIR\"\n"},
        {"name": "run", "image": "python:3.12-slim", "env": env, "script": "#!/usr/bin/env python3\nprint('running', __import__('os').environ['TEKTON_TASK'])\n"},
        {"name": "save", "image": "python:3.12-slim", "env": env, "script": "#!/bin/sh\necho saved \"$TEKTON_TASK\"\n"},
    ]
    spec: dict = {"name": name, "taskSpec": {"steps": steps}}
    if run_after:
        spec["runAfter"] = run_after
    return spec


def pipeline_run(generate_name: str, tasks: list[dict]) -> dict:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "PipelineRun",
        "metadata": {"generateName": generate_name, "labels": {"app.kubernetes.io/managed-by": "jupyterlab-tekton-tests"}},
        "spec": {
            "pipelineSpec": {"tasks": tasks},
            "timeouts": {"pipeline": "5m"},
            "taskRunTemplate": {"serviceAccountName": "default"},
        },
    }


def create(custom: client.CustomObjectsApi, namespace: str, body: dict) -> dict:
    return custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "pipelineruns", body)


def get(custom: client.CustomObjectsApi, namespace: str, name: str) -> dict:
    return custom.get_namespaced_custom_object(GROUP, VERSION, namespace, "pipelineruns", name)


def succeeded_condition(obj: dict) -> dict | None:
    for cond in obj.get("status", {}).get("conditions", []):
        if cond.get("type") == "Succeeded":
            return cond
    return None


def wait_done(
    custom: client.CustomObjectsApi,
    namespace: str,
    name: str,
    timeout_s: float = 120,
    on_poll: Callable[[dict], None] | None = None,
) -> dict:
    """Poll until the PipelineRun's Succeeded condition is True or False; return the object."""
    deadline = time.monotonic() + timeout_s
    obj: dict = {}
    while time.monotonic() < deadline:
        obj = get(custom, namespace, name)
        if on_poll:
            on_poll(obj)
        cond = succeeded_condition(obj)
        if cond and cond.get("status") in ("True", "False"):
            return obj
        time.sleep(0.2)
    raise AssertionError(f"PipelineRun {namespace}/{name} not done after {timeout_s}s; status: {obj.get('status')}")


def task_runs(custom: client.CustomObjectsApi, namespace: str, pipeline_run_name: str) -> dict[str, dict]:
    """TaskRuns of a PipelineRun by pipeline task name."""
    items = custom.list_namespaced_custom_object(
        GROUP, VERSION, namespace, "taskruns", label_selector=f"tekton.dev/pipelineRun={pipeline_run_name}"
    )["items"]
    return {tr["metadata"]["labels"]["tekton.dev/pipelineTask"]: tr for tr in items}


def pods(core: client.CoreV1Api, namespace: str, pipeline_run_name: str) -> dict[str, client.V1Pod]:
    """Pods of a PipelineRun by pipeline task name."""
    items = core.list_namespaced_pod(namespace, label_selector=f"tekton.dev/pipelineRun={pipeline_run_name}").items
    return {p.metadata.labels["tekton.dev/pipelineTask"]: p for p in items}


class OrderWatcher:
    """Records, for each TaskRun the first time a listing shows it, whether every task it runs
    after had already succeeded in that same (consistent) listing; and the run's reasons."""

    def __init__(self, custom: client.CustomObjectsApi, namespace: str, name: str, run_after: dict[str, list[str]]):
        self.custom, self.namespace, self.name, self.run_after = custom, namespace, name, run_after
        self.upstreams_done_at_creation: dict[str, bool] = {}
        self.reasons_seen: set[str] = set()

    def __call__(self, pipeline_run: dict) -> None:
        cond = succeeded_condition(pipeline_run)
        if cond:
            self.reasons_seen.add(cond.get("reason", ""))
        runs = task_runs(self.custom, self.namespace, self.name)  # one LIST: one snapshot
        for task_name in runs:
            if task_name not in self.upstreams_done_at_creation:
                self.upstreams_done_at_creation[task_name] = all(
                    up in runs and (succeeded_condition(runs[up]) or {}).get("status") == "True"
                    for up in self.run_after.get(task_name, [])
                )


REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "jupyterlab_tekton" / "cli" / "tekton-pipeline.cjs"
FIXTURES = REPO.parent / "shared" / "fixtures"


def compile_fixture(pipeline: Path, out_dir: Path) -> dict:
    """The PipelineRun our TypeScript compiler (the `tekton-pipeline` CLI) makes of a .pipeline."""
    if not CLI.is_file():  # a source checkout before `npm run build`
        subprocess.run(["npm", "run", "-s", "build:cli"], cwd=REPO, check=True, capture_output=True, timeout=300)
    out = out_dir / "compiled.yaml"
    proc = subprocess.run(
        ["node", str(CLI), "compile", str(pipeline), "--root", str(pipeline.parent), "-o", str(out),
         "--bucket", "pipelines", "--endpoint", "http://127.0.0.1:9", "--storage-secret", "object-storage"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, f"tekton-pipeline compile failed ({proc.returncode}):\n{proc.stderr}"
    docs = [d for d in yaml.safe_load_all(out.read_text()) if d]
    assert [d["kind"] for d in docs] == ["PipelineRun"], [d["kind"] for d in docs]
    return docs[0]
