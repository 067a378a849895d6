"""What a PipelineRun and its TaskRuns mean for the Runs panel and the canvas.

Pure functions over the objects as the Kubernetes API returns them (dicts), so the
mapping is testable against real objects and costs no API call: run state from the
PipelineRun's `Succeeded` condition and `spec.status`, node state from each TaskRun's
condition, `status.skippedTasks` (skipped by `when`, or because upstream failed) and
the run's state for tasks that never got a TaskRun. Reasons are Tekton v1's
(`pkg/apis/pipeline/v1/{pipelinerun,taskrun}_types.go`).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from .kube import CANCELLED, MANAGED_BY_LABEL, PENDING, PIPELINE_LABEL, PIPELINE_TASK_LABEL
from .models import DescribeNode, NodeKind, NodeStatus, RunStatus

# Annotations the submitter adds to the PipelineRun (metadata only, next to the compiler's labels).
PIPELINE_PATH_ANNOTATION = "jupyterlab-tekton/pipeline-path"
DISPLAY_NAME_ANNOTATION = "jupyterlab-tekton/display-name"
RUNTIME_CONFIG_ANNOTATION = "jupyterlab-tekton/runtime-config"
RERUN_OF_ANNOTATION = "jupyterlab-tekton/rerun-of"

CANCEL_REQUESTS = {CANCELLED, "CancelledRunFinally", "StoppedRunFinally"}
_RUN_CANCELLED = {"Cancelled", "PipelineRunCancelled", "CancelledRunningFinally", "StoppedRunningFinally"}
_RUN_TIMED_OUT = {"PipelineRunTimeout", "PipelineRunTimeoutRunningFinally"}
_COUNTS = re.compile(
    r"Tasks Completed: (\d+) \(Failed: (\d+)(?: \(Ignored: \d+\))?, Cancelled (\d+)\)"
    r"(?:, Incomplete: (\d+))?, Skipped: (\d+)"
)


def succeeded_condition(obj: dict) -> dict | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Succeeded":
            return cond
    return None


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def is_ours(pipeline_run: dict) -> bool:
    labels = (pipeline_run.get("metadata") or {}).get("labels") or {}
    return labels.get(MANAGED_BY_LABEL) == "jupyterlab-tekton" and bool(labels.get(PIPELINE_LABEL))


def pipeline_name(pipeline_run: dict) -> str:
    return ((pipeline_run.get("metadata") or {}).get("labels") or {}).get(PIPELINE_LABEL, "")


def annotation(pipeline_run: dict, key: str) -> str | None:
    return ((pipeline_run.get("metadata") or {}).get("annotations") or {}).get(key)


def run_status(pipeline_run: dict) -> tuple[RunStatus, str | None]:
    """The run's state and, unless it succeeded, why (Tekton's reason and message)."""
    spec_status = (pipeline_run.get("spec") or {}).get("status")
    cond = succeeded_condition(pipeline_run)
    if cond is None or cond.get("status") == "Unknown":
        reason = (cond or {}).get("reason", "")
        if spec_status == PENDING or reason == "PipelineRunPending":
            return RunStatus.pending, "waiting to start: its files are being uploaded to object storage"
        if spec_status in CANCEL_REQUESTS:
            return RunStatus.running, "cancelling: running tasks are being stopped"
        if cond is None:
            return RunStatus.pending, "waiting for the Tekton controller"
        return RunStatus.running, cond.get("message") or None
    reason, message = cond.get("reason", ""), cond.get("message", "")
    if cond.get("status") == "True":
        return RunStatus.succeeded, None
    if reason in _RUN_CANCELLED:
        return RunStatus.cancelled, message or "cancelled"
    if reason in _RUN_TIMED_OUT:
        return RunStatus.timed_out, message or "the PipelineRun timed out"
    return RunStatus.failed, f"{reason}: {message}" if reason and message else (message or reason or "failed")


def node_counts(pipeline_run: dict, total: int) -> dict[str, int]:
    """Per-state node counts from the PipelineRun alone (no TaskRun listing), for run lists."""
    status, _ = run_status(pipeline_run)
    if status == RunStatus.pending:
        return {"pending": total} if total else {}
    match = _COUNTS.search((succeeded_condition(pipeline_run) or {}).get("message") or "")
    if not match:
        return {}
    completed, failed, cancelled, incomplete, skipped = (int(g) if g else 0 for g in match.groups())
    started = len((pipeline_run.get("status") or {}).get("childReferences") or [])
    running = max(0, min(incomplete, started - completed))
    counts = {
        "succeeded": completed - failed - cancelled,
        "failed": failed,
        "cancelled": cancelled,
        "skipped": skipped,
        "running": running,
        "pending": max(0, incomplete - running),
    }
    return {k: v for k, v in counts.items() if v > 0}


def task_runs_by_task(task_runs: list[dict]) -> dict[str, dict]:
    """The newest TaskRun of each pipeline task (retries create no new TaskRun, reruns a new run)."""
    found: dict[str, dict] = {}
    for tr in task_runs:
        task = ((tr.get("metadata") or {}).get("labels") or {}).get(PIPELINE_TASK_LABEL)
        if not task:
            continue
        previous = found.get(task)
        if previous is None or tr["metadata"].get("creationTimestamp", "") >= previous["metadata"].get("creationTimestamp", ""):
            found[task] = tr
    return found


def skipped_tasks(pipeline_run: dict) -> dict[str, str]:
    return {
        s.get("name"): s.get("reason") or "skipped"
        for s in (pipeline_run.get("status") or {}).get("skippedTasks") or []
        if s.get("name")
    }


def step_exit_code(task_run: dict, step: str = "run") -> int | None:
    """The exit code of a step (default: the one running the notebook)."""
    for state in (task_run.get("status") or {}).get("steps") or []:
        if state.get("name") == step and isinstance(state.get("terminated"), dict):
            code = state["terminated"].get("exitCode")
            return code if isinstance(code, int) else None
    return None


def node_state(
    task: str, task_run: dict | None, skipped: dict[str, str], run: RunStatus
) -> tuple[NodeStatus, str | None]:
    """One node's state from its TaskRun, the skipped list, or the run's outcome."""
    if task_run is None:
        if task in skipped:
            reason = skipped[task]
            if "cancel" in reason.lower():
                return NodeStatus.cancelled, reason
            if "timeout" in reason.lower():
                return NodeStatus.timed_out, reason
            return NodeStatus.skipped, reason
        if run == RunStatus.cancelled:
            return NodeStatus.cancelled, "the run was cancelled before this task started"
        if run == RunStatus.timed_out:
            return NodeStatus.timed_out, "the run timed out before this task started"
        if run in (RunStatus.failed, RunStatus.succeeded):
            return NodeStatus.skipped, "not run"
        return NodeStatus.pending, None
    cond = succeeded_condition(task_run)
    unfinished = cond is None or cond.get("status") not in ("True", "False")
    # The PipelineRun is already cancelled or timed out while Tekton is still stopping this
    # TaskRun: show the run's outcome, since a finished run's detail is not read again.
    if unfinished and run == RunStatus.cancelled:
        return NodeStatus.cancelled, "the run was cancelled while this task was running"
    if unfinished and run == RunStatus.timed_out:
        return NodeStatus.timed_out, "the run timed out while this task was running"
    if cond is None:
        return NodeStatus.pending, None
    reason, message = cond.get("reason", ""), cond.get("message") or None
    if cond.get("status") == "True":
        return NodeStatus.succeeded, None
    if cond.get("status") == "False":
        if reason == "TaskRunCancelled":
            # Tekton stops the running tasks of a timed-out PipelineRun by cancelling them.
            if run == RunStatus.timed_out:
                return NodeStatus.timed_out, message or "the run timed out while this task was running"
            return NodeStatus.cancelled, message
        if reason == "TaskRunTimeout":
            return NodeStatus.timed_out, message
        return NodeStatus.failed, f"{reason}: {message}" if reason and message else (message or reason)
    if reason in ("Running", "ToBeRetried"):
        return NodeStatus.running, message if reason == "ToBeRetried" else None
    # Started / Pending: the pod is being scheduled or pulling images; say why if Tekton does.
    return NodeStatus.pending, message


class NodeInfo:
    """What the run's nodes are (from the IR stored with the run, or the PipelineRun's spec)."""

    __slots__ = ("id", "label", "task_name", "kind", "file", "base_dir")

    def __init__(self, id: str, label: str, task_name: str, kind: str, file: str, base_dir: str = "") -> None:  # noqa: A002
        self.id, self.label, self.task_name, self.file, self.base_dir = id, label, task_name, file, base_dir
        self.kind = kind if kind in NodeKind.__members__ else "notebook"


def saved_notebook(node: NodeInfo) -> str | None:
    """Where the save step puts a notebook node's executed notebook, relative to `<task>/`
    (the node file relative to its folder; src/compiler/steps/README.md)."""
    if node.kind != "notebook" or not node.file:
        return None
    base = node.base_dir.strip("/")
    return node.file[len(base) + 1:] if base else node.file


def nodes_from_spec(pipeline_run: dict) -> list[NodeInfo]:
    """Node list when the IR is not at hand: the pipeline tasks of the spec (or of the
    status, where Tekton copies a referenced Pipeline's spec)."""
    spec = (pipeline_run.get("spec") or {}).get("pipelineSpec") or (pipeline_run.get("status") or {}).get("pipelineSpec") or {}
    nodes = []
    for task in spec.get("tasks") or []:
        name = task.get("name", "")
        file, kind = "", "notebook"
        for step in ((task.get("taskSpec") or {}).get("steps")) or []:
            for env in step.get("env") or []:
                if env.get("name") == "TEKTON_NODE_FILE":
                    file = env.get("value", "")
                elif env.get("name") == "TEKTON_NODE_KIND":
                    kind = env.get("value", kind)
        nodes.append(NodeInfo(id=name, label=task.get("displayName") or name, task_name=name, kind=kind, file=file))
    return nodes


def describe_nodes(
    nodes: list[NodeInfo],
    pipeline_run: dict,
    task_runs: list[dict],
    run: RunStatus,
    artifacts_uri: str | None,
) -> list[DescribeNode]:
    by_task = task_runs_by_task(task_runs)
    skipped = skipped_tasks(pipeline_run)
    described = []
    for node in nodes:
        tr = by_task.get(node.task_name)
        status, message = node_state(node.task_name, tr, skipped, run)
        started = parse_time(((tr or {}).get("status") or {}).get("startTime"))
        finished = parse_time(((tr or {}).get("status") or {}).get("completionTime"))
        node_uri = f"{artifacts_uri}{node.task_name}/" if artifacts_uri else None
        relative = saved_notebook(node)
        notebook_uri = node_uri + relative if node_uri and relative else None
        described.append(
            DescribeNode(
                id=node.id,
                label=node.label,
                task_name=node.task_name,
                kind=node.kind,
                file=node.file,
                status=status,
                started=started,
                finished=finished,
                duration_seconds=seconds_between(started, finished),
                exit_code=step_exit_code(tr) if tr else None,
                message=message,
                artifacts_uri=node_uri,
                notebook_uri=notebook_uri,
            )
        )
    return described


def count_states(nodes: list[DescribeNode]) -> dict[str, int]:
    return dict(Counter(n.status.value for n in nodes))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
