"""Plays compiled Tekton YAML's TaskRuns as local processes, to prove compiler and steps agree.

Only what our compiled output uses is emulated, each the way Tekton and Kubernetes do it:
Tekton's `$(params.*)`, `$(context.*)` and `$(steps.step-*.exitCode.path)` substitution in
step `script`/`env`; the pod template's env merged into every step (the step's own wins);
Kubernetes env construction (`envFrom` Secret, `secretKeyRef`, downward-API labels,
`$(VAR)` expansion with `$$` escapes); a `script` without shebang run as
`#!/bin/sh` + `set -e`; `onError: continue` recording the exit code; a failed step
ending the TaskRun. Images are not run: the transfer image's steps get `mc` on PATH,
runtime images the test's Python. `/workspace` is a temp dir.
"""
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from steps_support import tekton_script

TEKTON_VAR = re.compile(r"\$\(([a-zA-Z0-9_.\-\[\]'\"]+)\)")


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str
    continue_on_error: bool


@dataclass
class TaskRun:
    task: str
    steps: List[StepRun] = field(default_factory=list)
    step_count: int = 0

    @property
    def succeeded(self):
        """Tekton: every step ran, and each failing one had `onError: continue`."""
        return len(self.steps) == self.step_count and all(
            s.returncode == 0 or s.continue_on_error for s in self.steps)

    def step(self, name):
        return next(s for s in self.steps if s.name == name)


class PipelineRunPlayer:
    def __init__(self, documents, run_name, secrets: Dict[str, Dict[str, str]], transfer_path, runtime_path,
                 root: Path):
        self.docs = documents
        self.run_name = run_name
        self.secrets = secrets
        self.transfer_path = transfer_path
        self.runtime_path = runtime_path
        self.root = root
        self.pipeline_run = next(d for d in documents if d["kind"] == "PipelineRun")
        spec = self.pipeline_run["spec"]
        if "pipelineSpec" in spec:
            self.pipeline_spec = spec["pipelineSpec"]
        else:
            ref = spec["pipelineRef"]["name"]
            self.pipeline_spec = next(d for d in documents if d["kind"] == "Pipeline"
                                      and d["metadata"]["name"] == ref)["spec"]
        self.pod_env = (spec.get("taskRunTemplate", {}).get("podTemplate", {}) or {}).get("env", [])

    def pipeline_params(self):
        values = {p["name"]: p.get("default") for p in self.pipeline_spec.get("params", [])}
        values.update({p["name"]: p["value"] for p in self.pipeline_run["spec"].get("params", [])})
        return values

    def task_spec(self, pipeline_task):
        if "taskSpec" in pipeline_task:
            return pipeline_task["taskSpec"]
        ref = pipeline_task["taskRef"]["name"]
        return next(d for d in self.docs if d["kind"] == "Task" and d["metadata"]["name"] == ref)["spec"]

    def ordered_tasks(self):
        tasks = {t["name"]: t for t in self.pipeline_spec["tasks"]}
        done, order = set(), []
        while len(order) < len(tasks):
            ready = [n for n, t in tasks.items() if n not in done and set(t.get("runAfter", [])) <= done]
            assert ready, "cycle in runAfter"
            for name in ready:
                done.add(name)
                order.append(tasks[name])
        return order

    def play(self):
        """Runs every task in DAG order; returns {task name: TaskRun}."""
        results = {}
        pparams = self.pipeline_params()
        for pt in self.ordered_tasks():
            params = {}
            for p in pt.get("params", []):
                params[p["name"]] = self.substitute(p["value"], {"params": pparams})
            spec = self.task_spec(pt)
            for p in spec.get("params", []):
                params.setdefault(p["name"], p.get("default"))
            if "taskSpec" in pt:  # embedded specs see the pipeline's params (propagation)
                params = dict(pparams, **params)
            results[pt["name"]] = self.play_task(pt["name"], spec, params)
        return results

    def substitute(self, text, scope):
        def repl(m):
            ref = m.group(1)
            if ref.startswith("params."):
                return str(scope["params"][ref[len("params."):]])
            if ref == "context.pipelineRun.name":
                return self.run_name
            if ref == "context.pipelineTask.name":
                return scope["task"]
            step = re.fullmatch(r"steps\.step-([a-z0-9-]+)\.exitCode\.path", ref)
            if step:
                return str(scope["tekton"] / "steps" / ("step-" + step.group(1)) / "exitCode")
            return m.group(0)  # not a Tekton variable: Kubernetes' $(VAR), or plain text
        return TEKTON_VAR.sub(repl, text) if isinstance(text, str) else text

    def container_env(self, task, step, template, scope):
        """The env of a step's container: stepTemplate and pod-template env merged in (the
        step's own entries win), then built the way Kubernetes builds it."""
        def tekton(entries):
            return [dict(e, value=self.substitute(e["value"], scope)) if "value" in e else e for e in entries]

        own = tekton(step.get("env", []))
        names = {e["name"] for e in own}
        own = [e for e in tekton(template.get("env", [])) if e["name"] not in names] + own
        names = {e["name"] for e in own}
        entries = [e for e in self.pod_env if e["name"] not in names] + own
        env = {}
        for source in step.get("envFrom", []):
            env.update(self.secrets[source["secretRef"]["name"]])
        for e in entries:
            if "value" in e:
                env[e["name"]] = expand_k8s(e["value"], env)
            else:
                src = e["valueFrom"]
                if "secretKeyRef" in src:
                    env[e["name"]] = self.secrets[src["secretKeyRef"]["name"]][src["secretKeyRef"]["key"]]
                else:
                    path = src["fieldRef"]["fieldPath"]
                    labels = {"tekton.dev/pipelineTask": task, "tekton.dev/pipelineRun": self.run_name}
                    m = re.fullmatch(r"metadata\.labels\['([^']+)'\]", path)
                    assert m and m.group(1) in labels, "unsupported fieldRef " + path
                    env[e["name"]] = labels[m.group(1)]
        return {k: remap_workspace(v, scope["workspace"]) for k, v in env.items()}

    def play_task(self, task, spec, params):
        pod = self.root / ("pod-" + task)
        workspace, tekton = pod / "workspace", pod / "tekton"
        workspace.mkdir(parents=True)
        scope = {"params": params, "task": task, "tekton": tekton, "workspace": workspace}
        template = spec.get("stepTemplate", {})
        result = TaskRun(task, step_count=len(spec["steps"]))
        for step in spec["steps"]:
            image = step.get("image", template.get("image"))
            transfer = image == template.get("image") and step["name"] != "run"
            env = self.container_env(task, step, template, scope)
            env.update(PATH=os.pathsep.join(map(str, self.transfer_path if transfer else self.runtime_path)),
                       HOME=str(pod / ("home-" + step["name"])), LANG="C.UTF-8")
            Path(env["HOME"]).mkdir(parents=True)
            script = pod / "scripts" / step["name"]
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(tekton_script(self.substitute(step["script"], scope)))
            script.chmod(0o755)
            proc = subprocess.run([str(script)], env=env, cwd=str(workspace), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
            result.steps.append(StepRun(step["name"], proc.returncode, proc.stdout, proc.stderr,
                                        step.get("onError") == "continue"))
            exit_file = tekton / "steps" / ("step-" + step["name"]) / "exitCode"
            exit_file.parent.mkdir(parents=True, exist_ok=True)
            exit_file.write_text(str(proc.returncode))
            if proc.returncode and step.get("onError") != "continue":
                break
        return result


def expand_k8s(value, env):
    """Kubernetes' $(VAR) expansion of an env value: `$$` is a literal `$`."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "$" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "(":
                end = value.find(")", i + 2)
                if end != -1 and value[i + 2:end] in env:
                    out.append(env[value[i + 2:end]])
                    i = end + 1
                    continue
        out.append(c)
        i += 1
    return "".join(out)


def remap_workspace(value, workspace):
    """Container paths under /workspace point into the pod's temp workspace."""
    if value == "/workspace" or value.startswith("/workspace/"):
        return str(workspace) + value[len("/workspace"):]
    return value
