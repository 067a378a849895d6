"""Submit through the REST API to the test cluster (real kube-apiserver + Tekton controller +
kwok pods) with uploads to a real MinIO; then read everything back from the API server and
the bucket, and watch the run as the Runs panel does."""
from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from submit_support import (
    HELLO,
    assert_no_secret,
    compile_for,
    create_config,
    fetch_json,
    http_error,
    run_path,
    wait_run,
    write_pipeline,
)


def kube_token(cluster) -> str:
    import yaml

    return yaml.safe_load(cluster.kubeconfig.read_text())["users"][0]["user"]["token"]


def without_empty(value):
    """An object without the empty values (None, {}) defaulting adds."""
    if isinstance(value, dict):
        cleaned = {k: without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v != {}}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def assert_clean(payload, cluster) -> None:
    """No storage key and no Kubernetes token anywhere in a reply."""
    assert_no_secret(payload)
    assert kube_token(cluster) not in json.dumps(payload)


async def test_submit_fixture_creates_labelled_run_uploads_files_and_succeeds(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config
):
    await create_config(jp_fetch, runtime_config)
    shutil.copytree(HELLO, jp_root_dir / "hello")
    body = compile_for(jp_root_dir, "hello/hello-generic-world.pipeline", tmp_path / "compiled", runtime_config)
    ir = body["ir"]

    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    assert_clean(submitted, cluster)
    name = submitted["id"]
    assert name.startswith("hello-generic-world-") and submitted["backend"] == "tekton"
    assert submitted["namespace"] == namespace and submitted["runtime_config"] == "testcluster"
    assert submitted["links"] == {
        "dashboard": f"https://dashboard.example.test/tekton/#/namespaces/{namespace}/pipelineruns/{name}",
        "console": f"https://console.example.test/k8s/ns/{namespace}/tekton.dev~v1~PipelineRun/{name}",
    }
    assert submitted["status"] == "pending" and submitted["upload"]["state"] in ("uploading", "done")
    assert [(n["id"], n["task_name"], n["label"]) for n in submitted["nodes"]] == [
        (n["id"], n["taskName"], n["label"]) for n in ir["nodes"]
    ]
    assert submitted["pipeline_path"] == "hello/hello-generic-world.pipeline"
    assert submitted["artifacts_uri"] == f"s3://pipelines/hello-generic-world/{name}/"

    # Watch it as the Runs panel does, until Tekton finishes it.
    seen: dict[str, set[str]] = {}
    run_states: list[str] = []

    def record(run):
        assert_clean(run, cluster)
        run_states.append(run["status"])
        for node in run["nodes"]:
            seen.setdefault(node["task_name"], set()).add(node["status"])

    done = await wait_run(jp_fetch, "testcluster", name, on_poll=record)
    assert done["status"] == "succeeded", json.dumps(done, indent=1)
    assert "running" in run_states and run_states[-1] == "succeeded"
    nodes = {n["task_name"]: n for n in done["nodes"]}
    assert all(n["status"] == "succeeded" and n["exit_code"] == 0 for n in nodes.values()), nodes
    assert any("running" in states for states in seen.values()), seen
    # runAfter order, as the canvas shows it: part 1 starts after the load finished.
    first, second = nodes["load-weather-data"], nodes["part-1-data-cleaning-ipynb"]
    assert second["started"] >= first["finished"]
    assert done["started"] and done["finished"] and done["duration_seconds"] >= 0
    assert first["notebook_uri"] == f"s3://pipelines/hello-generic-world/{name}/load-weather-data/load_data.ipynb"
    assert done["upload"] is None  # upload finished: no progress to show any more

    # The PipelineRun as the API server has it: the compiled spec, our labels, started.
    pr = cluster.pipeline_run(namespace, name)
    compiled = body["documents"][-1]
    assert pr["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "jupyterlab-tekton"
    assert pr["metadata"]["labels"]["jupyterlab-tekton/pipeline"] == "hello-generic-world"
    assert pr["metadata"]["annotations"]["jupyterlab-tekton/pipeline-path"] == "hello/hello-generic-world.pipeline"
    assert pr["metadata"]["annotations"]["jupyterlab-tekton/runtime-config"] == "testcluster"
    assert "status" not in pr["spec"], "the run must have been started (pending status removed)"
    # (Tekton's reconciler writes back empty defaults such as `computeResources: {}`.)
    assert without_empty(pr["spec"]["pipelineSpec"]) == compiled["spec"]["pipelineSpec"]
    assert pr["spec"]["taskRunTemplate"]["serviceAccountName"] == "default"

    # What the fetch steps will download: runner, node sources, and what ran.
    prefix = f"hello-generic-world/{name}/"
    keys = {k for k in minio.list_keys(prefix.rstrip("/"))}
    expected = {
        prefix + "_tekton/runner.py",
        prefix + "_sources/load-weather-data/load_data.ipynb",
        prefix + "_sources/part-1-data-cleaning-ipynb/Part 1 - Data Cleaning.ipynb",
        prefix + "_sources/part-2-data-analysis-ipynb/Part 2 - Data Analysis.ipynb",
        prefix + "_sources/part-3-time-series-forecasting-ipynb/Part 3 - Time Series Forecasting.ipynb",
        prefix + "_pipeline/ir.json",
        prefix + "_pipeline/hello-generic-world.pipeline",
    }
    assert keys == expected
    assert minio.get(prefix + "_sources/load-weather-data/load_data.ipynb") == (jp_root_dir / "hello" / "load_data.ipynb").read_bytes()
    assert json.loads(minio.get(prefix + "_pipeline/ir.json"))["nodes"] == ir["nodes"]
    runner = next(u for u in body["uploads"] if u["kind"] == "content")
    assert minio.get(prefix + "_tekton/runner.py").decode() == runner["content"]

    # One list for local and Tekton runs.
    listed = await fetch_json(jp_fetch, "tekton", "runs")
    assert_clean(listed, cluster)
    assert listed["errors"] == []
    summary = next(r for r in listed["runs"] if r["id"] == name)
    assert summary["backend"] == "tekton" and summary["status"] == "succeeded"
    assert summary["node_counts"] == {"succeeded": 4}
    assert summary["runtime_config"] == "testcluster" and summary["links"]["dashboard"].endswith(name)
    by_path = await fetch_json(jp_fetch, "tekton", "runs", params={"pipeline_path": "hello/hello-generic-world.pipeline"})
    assert [r["id"] for r in by_path["runs"]] == [name]
    by_name = await fetch_json(jp_fetch, "tekton", "runs", params={"pipeline_name": "other", "backend": "tekton"})
    assert by_name["runs"] == []
    local_only = await fetch_json(jp_fetch, "tekton", "runs", params={"backend": "local"})
    assert all(r["backend"] == "local" for r in local_only["runs"])

    # A node's log: the pod's step containers, in order, from the kubelet (kwok's log).
    log = await fetch_json(jp_fetch, *run_path("testcluster", name, "nodes", "load-weather-data", "log"))
    assert log["complete"] is True and log["next_offset"] == log["size"] > 0
    content = log["content"]
    assert content.index("── fetch ──") < content.index("── run ──") < content.index("── save ──")
    assert content.count("testcluster: fake step output from the kwok kubelet") == 3
    # Incremental reads continue where the last one stopped.
    first_part = await fetch_json(jp_fetch, *run_path("testcluster", name, "nodes", "load-weather-data", "log"), params={"limit": "20"})
    rest = await fetch_json(
        jp_fetch, *run_path("testcluster", name, "nodes", "load-weather-data", "log"),
        params={"offset": str(first_part["next_offset"])},
    )
    assert first_part["complete"] is False and first_part["content"] + rest["content"] == content
    run_only = await fetch_json(jp_fetch, *run_path("testcluster", name, "nodes", "load-weather-data", "log"), params={"step": "run"})
    assert run_only["content"] == "testcluster: fake step output from the kwok kubelet\ntestcluster: step finished\n"
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", name, "nodes", "no-such-task", "log")))
    assert (status, error["reason"]) == (404, "node_not_found")
    # Once the pod is gone (pruned), the log is the run.log the save step stored.
    pod = next(p for p in cluster.core.list_namespaced_pod(namespace).items
               if p.metadata.labels.get("tekton.dev/pipelineTask") == "part-2-data-analysis-ipynb")
    cluster.core.delete_namespaced_pod(pod.metadata.name, namespace, grace_period_seconds=0)
    minio.boto3_client().put_object(Bucket="pipelines", Key=f"{prefix}part-2-data-analysis-ipynb/run.log", Body=b"[runner] stored log\n")
    while any(p.metadata.name == pod.metadata.name for p in cluster.core.list_namespaced_pod(namespace).items):
        await asyncio.sleep(0.2)
    stored = await fetch_json(jp_fetch, *run_path("testcluster", name, "nodes", "part-2-data-analysis-ipynb", "log"))
    assert stored["content"] == (
        "[the pod is gone; this is run.log as the save step stored it in object storage]\n[runner] stored log\n"
    )
    assert stored["complete"] is True

    # A finished run cannot be cancelled; it can be deleted (with its TaskRuns).
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", name, "cancel"), method="POST"))
    assert (status, error["reason"]) == (409, "run_finished")
    await jp_fetch(*run_path("testcluster", name), method="DELETE")
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", name)))
    assert (status, error["reason"]) == (404, "run_not_found")


async def test_failing_task_fails_the_run_and_skips_downstream(jp_fetch, jp_root_dir, tmp_path, cluster, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "flows" / "fails.pipeline", [
        {"label": "prepare", "file": "prepare.ipynb"},
        {"label": "fail-me", "file": "fail.ipynb", "after": ["prepare"]},
        {"label": "after-fail", "file": "after.ipynb", "after": ["fail-me"]},
    ])
    body = compile_for(jp_root_dir, "flows/fails.pipeline", tmp_path / "c", runtime_config)
    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)

    done = await wait_run(jp_fetch, "testcluster", submitted["id"])
    assert done["status"] == "failed"
    assert "Failed" in done["message"] and "Skipped: 1" in done["message"]
    nodes = {n["task_name"]: n for n in done["nodes"]}
    assert nodes["prepare"]["status"] == "succeeded"
    failed = nodes["fail-me"]
    assert failed["status"] == "failed" and failed["exit_code"] == 1
    assert failed["message"].startswith("StepFailed: ") and "exited with code 1" in failed["message"]
    assert nodes["after-fail"]["status"] == "skipped" and nodes["after-fail"]["message"] == "PipelineRun was stopping"
    assert nodes["after-fail"]["started"] is None
    # A skipped node has no pod: its log is empty and complete.
    log = await fetch_json(jp_fetch, *run_path("testcluster", submitted["id"], "nodes", "after-fail", "log"))
    assert (log["content"], log["complete"]) == ("", True)
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "testcluster"})
    assert listed["runs"][0]["node_counts"] == {"succeeded": 1, "failed": 1, "skipped": 1}


async def test_cancel_then_rerun_with_the_same_parameters(jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    chain = [{"label": f"step-{i}", "file": f"s{i}.ipynb", "after": [f"step-{i - 1}"] if i else []} for i in range(6)]
    write_pipeline(jp_root_dir / "chain.pipeline", chain)
    body = compile_for(jp_root_dir, "chain.pipeline", tmp_path / "c", runtime_config)
    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    name = submitted["id"]

    await wait_run(jp_fetch, "testcluster", name, until=lambda r: any(n["status"] == "running" for n in r["nodes"]))
    cancelling = await fetch_json(jp_fetch, *run_path("testcluster", name, "cancel"), method="POST")
    assert cancelling["id"] == name and cancelling["status"] in ("running", "cancelled")
    assert cluster.pipeline_run(namespace, name)["spec"]["status"] == "Cancelled"
    done = await wait_run(jp_fetch, "testcluster", name)
    assert done["status"] == "cancelled", done
    states = [n["status"] for n in done["nodes"]]
    assert states[-1] == "cancelled" and "succeeded" not in states[-3:], states
    assert set(states) <= {"succeeded", "cancelled"}, states

    rerun = await fetch_json(jp_fetch, *run_path("testcluster", name, "rerun"), method="POST")
    assert rerun["id"] != name and rerun["id"].startswith("chain-")
    again = await wait_run(jp_fetch, "testcluster", rerun["id"], timeout=180)
    assert again["status"] == "succeeded", again
    assert [n["id"] for n in again["nodes"]] == [n["id"] for n in submitted["nodes"]]
    old, new = cluster.pipeline_run(namespace, name), cluster.pipeline_run(namespace, rerun["id"])
    assert new["metadata"]["annotations"]["jupyterlab-tekton/rerun-of"] == name
    assert without_empty(new["spec"]["pipelineSpec"]) == without_empty(old["spec"]["pipelineSpec"])
    assert new["spec"].get("params") == old["spec"].get("params")
    # The rerun got its own copy of the files (its fetch steps read its own prefix).
    old_keys = [k.split("/", 2)[2] for k in minio.list_keys(f"chain/{name}")]
    new_keys = [k.split("/", 2)[2] for k in minio.list_keys(f"chain/{rerun['id']}")]
    assert new_keys == old_keys and "_tekton/runner.py" in new_keys
    assert minio.get(f"chain/{rerun['id']}/_sources/step-0/s0.ipynb") == (jp_root_dir / "s0.ipynb").read_bytes()


async def test_separate_objects_mode_applies_tasks_and_pipeline(jp_fetch, jp_root_dir, tmp_path, cluster, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "two.pipeline", [{"label": "a", "file": "a.ipynb"}, {"label": "b", "file": "b.ipynb", "after": ["a"]}])
    body = compile_for(jp_root_dir, "two.pipeline", tmp_path / "c", runtime_config, "--separate")
    assert [d["kind"] for d in body["documents"]] == ["Task", "Task", "Pipeline", "PipelineRun"]
    first = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    # Submitting again replaces the Tasks and the Pipeline instead of failing with 409.
    second = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    for run in (first, second):
        done = await wait_run(jp_fetch, "testcluster", run["id"])
        assert done["status"] == "succeeded" and [n["status"] for n in done["nodes"]] == ["succeeded"] * 2
    tasks = cluster.custom.list_namespaced_custom_object("tekton.dev", "v1", namespace, "tasks")["items"]
    assert sorted(t["metadata"]["name"] for t in tasks) == sorted(d["metadata"]["name"] for d in body["documents"][:2])
    pipeline = cluster.custom.get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelines", "two")
    assert pipeline["spec"]["tasks"] == body["documents"][2]["spec"]["tasks"]


async def test_upload_failure_deletes_the_pending_run_and_says_why(jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config):
    # A MinIO user who may read the bucket but not write to it: the bucket check passes, the
    # first upload is refused (a real AccessDenied from MinIO).
    policy = tmp_path / "read-only.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{minio.bucket}", f"arn:aws:s3:::{minio.bucket}/*"],
    }]}))
    minio.mc("admin", "policy", "create", "test", "list-and-read", str(policy))
    minio.mc("admin", "user", "add", "test", "readonly-user", "readonly-user-secret")
    minio.mc("admin", "policy", "attach", "test", "list-and-read", "--user", "readonly-user")
    config = {**runtime_config, "access_key_id": "readonly-user", "secret_access_key": "readonly-user-secret"}
    await create_config(jp_fetch, config)
    write_pipeline(jp_root_dir / "one.pipeline", [{"label": "only", "file": "only.ipynb"}])
    body = compile_for(jp_root_dir, "one.pipeline", tmp_path / "c", runtime_config)

    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    name = submitted["id"]
    failed = await wait_run(jp_fetch, "testcluster", name, until=lambda r: r["status"] == "failed", timeout=60)
    assert failed["upload"]["state"] == "failed"
    message = failed["message"]
    assert message.startswith("upload failed: ") and "AccessDenied" in message, message
    assert "the pending PipelineRun was deleted" in message
    assert "readonly-user-secret" not in json.dumps(failed)
    assert [pr["metadata"]["name"] for pr in cluster.pipeline_runs(namespace)] == []
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "testcluster"})
    assert [(r["id"], r["status"]) for r in listed["runs"]] == [(name, "failed")]
    # Deleting it dismisses the failure.
    await jp_fetch(*run_path("testcluster", name), method="DELETE")
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "testcluster"})
    assert listed["runs"] == []


async def test_connection_check_passes_for_the_test_cluster(jp_fetch, cluster, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "testcluster", "test", method="POST")
    assert check["storage"]["ok"] is True, check
    assert check["kubernetes"]["ok"] is True, check
    assert f"namespace '{namespace}'" in check["kubernetes"]["message"]
    assert_clean(check, cluster)


@pytest.mark.parametrize("verb", ["describe", "cancel", "rerun", "delete"])
async def test_unknown_run_is_404(jp_fetch, runtime_config, verb):
    await create_config(jp_fetch, runtime_config)
    method, parts = {
        "describe": ("GET", ()), "cancel": ("POST", ("cancel",)), "rerun": ("POST", ("rerun",)), "delete": ("DELETE", ()),
    }[verb]
    status, error = await http_error(fetch_json(jp_fetch, *run_path("testcluster", "nope-12345", *parts), method=method))
    assert status == 404 and error["reason"] in ("run_not_found", "kube_not_found"), error
    status, error = await http_error(fetch_json(jp_fetch, *run_path("no-such-config", "nope-12345")))
    assert (status, error["reason"]) == (404, "runtime_config_not_found")


async def test_upload_progress_is_visible_and_cancel_stops_the_upload(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config
):
    await create_config(jp_fetch, runtime_config)
    data = jp_root_dir / "data"
    data.mkdir()
    for i in range(1000):  # many objects: the upload takes seconds against MinIO
        (data / f"part-{i:04}.csv").write_text("x,y\n" * 100)
    write_pipeline(jp_root_dir / "big.pipeline", [{"label": "load", "file": "load.ipynb", "dependencies": ["data/*.csv"]}])
    body = compile_for(jp_root_dir, "big.pipeline", tmp_path / "c", runtime_config)
    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    name = submitted["id"]

    uploading = await wait_run(
        jp_fetch, "testcluster", name, timeout=60,
        until=lambda r: r["upload"] and 0 < r["upload"]["files_done"] < r["upload"]["files_total"],
    )
    assert uploading["status"] == "pending" and uploading["upload"]["state"] == "uploading"
    assert uploading["upload"]["files_total"] == 1000 + 4  # data, notebook, runner, ir.json, .pipeline
    assert uploading["message"].startswith("uploading its files: ")
    assert cluster.pipeline_run(namespace, name)["spec"]["status"] == "PipelineRunPending"

    await fetch_json(jp_fetch, *run_path("testcluster", name, "cancel"), method="POST")
    done = await wait_run(jp_fetch, "testcluster", name, until=lambda r: r["status"] == "cancelled", timeout=60)
    assert done["upload"]["state"] == "cancelled"
    assert done["upload"]["files_done"] < done["upload"]["files_total"]
    # The user cancelled: the PipelineRun stays (cancelled, never started), the upload stopped.
    pr = cluster.pipeline_run(namespace, name)
    assert pr["spec"]["status"] == "Cancelled"
    assert not pr["status"].get("childReferences")
    assert len(minio.list_keys(f"big/{name}")) < 1004
    assert [n["status"] for n in done["nodes"]] == ["cancelled"]


async def test_task_and_pipeline_timeouts_show_as_timed_out(jp_fetch, jp_root_dir, tmp_path, cluster, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    # A node timeout (the node's `timeout` property) shorter than kwok's pod (Running + 1 s).
    write_pipeline(jp_root_dir / "slow.pipeline", [
        {"label": "slow", "file": "slow.ipynb", "timeout": "1s"},
        {"label": "next", "file": "next.ipynb", "after": ["slow"]},
    ])
    slow = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST",
                            body=compile_for(jp_root_dir, "slow.pipeline", tmp_path / "slow", runtime_config))
    # The pipeline's timeout (compile option) shorter than a chain of eight one-second tasks.
    write_pipeline(jp_root_dir / "long.pipeline", [
        {"label": f"part-{i}", "file": f"p{i}.ipynb", "after": [f"part-{i - 1}"] if i else []} for i in range(8)
    ])
    long = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST",
                            body=compile_for(jp_root_dir, "long.pipeline", tmp_path / "long", runtime_config, "--timeout", "3s"))

    done = await wait_run(jp_fetch, "testcluster", slow["id"])
    nodes = {n["task_name"]: n for n in done["nodes"]}
    assert done["status"] == "failed"
    assert nodes["slow"]["status"] == "timed_out" and 'failed to finish within "1s"' in nodes["slow"]["message"]
    assert nodes["next"]["status"] == "skipped"

    done = await wait_run(jp_fetch, "testcluster", long["id"])
    assert done["status"] == "timed_out" and 'failed to finish within "3s"' in done["message"]
    states = [n["status"] for n in done["nodes"]]
    # How far the chain got before the deadline depends on the machine's load: the first
    # tasks succeeded, the one at the deadline timed out, and the rest either timed out
    # before starting or were skipped by Tekton while the run stopped.
    cut = states.index("timed_out")
    assert cut >= 1 and set(states[:cut]) == {"succeeded"} and set(states[cut:]) <= {"timed_out", "skipped"}, states
    assert "running" not in states and "pending" not in states, states
