"""PipelineRuns driven by the real Tekton controller against the test cluster."""
from __future__ import annotations

import pytest

import tekton_runs as tr


def diamond() -> list[dict]:
    """a -> b, a -> c"""
    return [tr.task("a"), tr.task("b", ["a"]), tr.task("c", ["a"])]


def test_pipelinerun_runs_tasks_in_dependency_order_and_succeeds(cluster, namespace):
    created = tr.create(cluster.custom, namespace, tr.pipeline_run("diamond-", diamond()))
    name = created["metadata"]["name"]

    watch = tr.OrderWatcher(cluster.custom, namespace, name, {"b": ["a"], "c": ["a"]})
    done = tr.wait_done(cluster.custom, namespace, name, on_poll=watch)

    cond = tr.succeeded_condition(done)
    assert (cond["status"], cond["reason"]) == ("True", "Succeeded"), cond
    assert "Running" in watch.reasons_seen, f"never saw the run in progress; reasons seen: {watch.reasons_seen}"
    assert watch.upstreams_done_at_creation == {"a": True, "b": True, "c": True}, (
        "b and c must be created only after a succeeded"
    )

    children = done["status"]["childReferences"]
    assert sorted(c["pipelineTaskName"] for c in children) == ["a", "b", "c"]
    assert {c["kind"] for c in children} == {"TaskRun"}

    runs = tr.task_runs(cluster.custom, namespace, name)
    assert sorted(runs) == ["a", "b", "c"]
    for task_name, run in runs.items():
        run_cond = tr.succeeded_condition(run)
        assert run_cond["status"] == "True", f"TaskRun of {task_name}: {run_cond}"
        assert [s["name"] for s in run["status"]["steps"]] == ["fetch", "run", "save"]
        assert all(s["terminated"]["exitCode"] == 0 for s in run["status"]["steps"])
    for downstream in ("b", "c"):
        # RFC 3339 timestamps in whole seconds compare as strings.
        assert runs[downstream]["status"]["startTime"] >= runs["a"]["status"]["completionTime"]

    pods = tr.pods(cluster.core, namespace, name)
    assert sorted(pods) == ["a", "b", "c"]
    for pod in pods.values():
        assert pod.spec.node_name == "kwok-node-0", "kube-scheduler should have bound the pod to the kwok node"
        assert pod.status.phase == "Succeeded"
        assert [c.name for c in pod.spec.containers] == ["step-fetch", "step-run", "step-save"]


def test_pipelinerun_compiled_from_a_fixture_runs_in_dependency_order(cluster, namespace, tmp_path):
    # Elyra's hello-generic-world: load -> part 1 -> {part 2, part 3}, notebooks and a script.
    fixture = tr.FIXTURES / "elyra-examples/pipelines/run-generic-pipelines-on-kubeflow-pipelines/hello-generic-world.pipeline"
    compiled = tr.compile_fixture(fixture, tmp_path)
    tasks = compiled["spec"]["pipelineSpec"]["tasks"]
    run_after = {t["name"]: t.get("runAfter", []) for t in tasks}
    assert len(tasks) == 4 and sum(1 for deps in run_after.values() if deps) == 3

    name = tr.create(cluster.custom, namespace, compiled)["metadata"]["name"]
    watch = tr.OrderWatcher(cluster.custom, namespace, name, run_after)
    done = tr.wait_done(cluster.custom, namespace, name, on_poll=watch)

    cond = tr.succeeded_condition(done)
    assert (cond["status"], cond["reason"]) == ("True", "Succeeded"), cond
    assert watch.upstreams_done_at_creation == {t: True for t in run_after}
    runs = tr.task_runs(cluster.custom, namespace, name)
    assert sorted(runs) == sorted(run_after)
    for task_name, upstreams in run_after.items():
        for up in upstreams:
            assert runs[task_name]["status"]["startTime"] >= runs[up]["status"]["completionTime"]
    pods = tr.pods(cluster.core, namespace, name)
    assert {p.metadata.labels["jupyterlab-tekton/pipeline"] for p in pods.values()} == {"hello-generic-world"}


def test_failing_task_fails_the_run_and_its_downstream_tasks_never_run(cluster, namespace):
    tasks = [tr.task("setup"), tr.task("fail-me", ["setup"]), tr.task("after-fail", ["fail-me"])]
    name = tr.create(cluster.custom, namespace, tr.pipeline_run("failing-", tasks))["metadata"]["name"]

    done = tr.wait_done(cluster.custom, namespace, name)

    cond = tr.succeeded_condition(done)
    assert (cond["status"], cond["reason"]) == ("False", "Failed"), cond
    assert "Failed: 1" in cond["message"] and "Skipped: 1" in cond["message"], cond["message"]

    runs = tr.task_runs(cluster.custom, namespace, name)
    assert sorted(runs) == ["fail-me", "setup"], "after-fail must not get a TaskRun"
    assert tr.succeeded_condition(runs["setup"])["status"] == "True"
    failed = tr.succeeded_condition(runs["fail-me"])
    assert (failed["status"], failed["reason"]) == ("False", "StepFailed"), failed
    assert "exited with code 1" in failed["message"], failed["message"]
    assert any(s["terminated"]["exitCode"] == 1 for s in runs["fail-me"]["status"]["steps"])

    skipped = {s["name"]: s["reason"] for s in done["status"].get("skippedTasks", [])}
    assert skipped == {"after-fail": "PipelineRun was stopping"}
    assert sorted(tr.pods(cluster.core, namespace, name)) == ["fail-me", "setup"]


@pytest.mark.parametrize(
    ("tasks", "reason", "mentions"),
    [
        pytest.param([tr.task("Not_A_DNS_Label")], "PipelineValidationFailed", "Not_A_DNS_Label", id="bad-task-name"),
        pytest.param([tr.task("a", ["b"]), tr.task("b", ["a"])], "PipelineInvalidGraph", "cycle", id="cycle"),
        pytest.param([tr.task("a", ["missing"])], "PipelineInvalidGraph", "missing", id="unknown-run-after"),
    ],
)
def test_invalid_embedded_spec_fails_with_tektons_validation_reason(cluster, namespace, tasks, reason, mentions):
    # Without the admission webhook the API server stores the run; the reconciler rejects it.
    name = tr.create(cluster.custom, namespace, tr.pipeline_run("invalid-", tasks))["metadata"]["name"]

    done = tr.wait_done(cluster.custom, namespace, name, timeout_s=60)

    cond = tr.succeeded_condition(done)
    assert (cond["status"], cond["reason"]) == ("False", reason), cond
    assert mentions in cond["message"], cond["message"]
    assert tr.task_runs(cluster.custom, namespace, name) == {}


def test_pod_logs_are_readable_through_the_api(cluster, namespace):
    name = tr.create(cluster.custom, namespace, tr.pipeline_run("logs-", [tr.task("only")]))["metadata"]["name"]
    done = tr.wait_done(cluster.custom, namespace, name)
    assert tr.succeeded_condition(done)["status"] == "True"

    # kwok's fake kubelet serves this CRI-format file for every container (scripts/testcluster).
    cri_lines = (cluster.state_dir / "kwok-logs" / "step.log").read_text().splitlines()
    messages = [line.split(" ", 3)[3] for line in cri_lines]
    assert len(messages) >= 2

    pod = tr.pods(cluster.core, namespace, name)["only"]
    for container in ("step-fetch", "step-run", "step-save"):
        text = cluster.core.read_namespaced_pod_log(pod.metadata.name, namespace, container=container)
        assert text.splitlines() == messages, container
    last = cluster.core.read_namespaced_pod_log(pod.metadata.name, namespace, container="step-run", tail_lines=1)
    assert last.splitlines() == messages[-1:]
    stamped = cluster.core.read_namespaced_pod_log(pod.metadata.name, namespace, container="step-run", timestamps=True)
    assert stamped.splitlines()[0].startswith(cri_lines[0].split(" ")[0][:19])
