"""`tekton-pipeline submit FILE --config NAME` end to end: the real CLI (Node) compiles with the
runtime configuration it reads from `python -m jupyterlab_tekton config get`, then hands the
bundle to `python -m jupyterlab_tekton submit`, which runs the server's own submit code
against the test cluster and MinIO."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from submit_support import CLI, HELLO, REPO, assert_no_secret, build_cli, create_config, wait_run, write_pipeline


def tekton_pipeline(root, jupyter_data_dir, *args: str) -> subprocess.CompletedProcess:
    build_cli()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(jupyter_data_dir.parent),
        "JUPYTER_DATA_DIR": str(jupyter_data_dir),  # where `config get` finds the configuration
        "TEKTON_PIPELINE_PYTHON": sys.executable,
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(["node", str(CLI), *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


async def test_cli_submit_creates_and_starts_the_run(jp_fetch, jp_root_dir, jupyter_data_dir, cluster, minio, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    shutil.copytree(HELLO, jp_root_dir / "hello")

    out = tekton_pipeline(jp_root_dir, jupyter_data_dir, "submit", "hello/hello-generic-world.pipeline", "--config", "testcluster")
    assert out.returncode == 0, out.stderr
    assert_no_secret(out.stdout + out.stderr)
    first = out.stdout.splitlines()[0]
    assert first.startswith("PipelineRun hello-generic-world-") and first.endswith(
        f"created in namespace {namespace} (runtime configuration testcluster)"
    ), out.stdout
    name = first.split()[1]
    assert f"  Tekton Dashboard: https://dashboard.example.test/tekton/#/namespaces/{namespace}/pipelineruns/{name}" in out.stdout
    assert "uploading: 7/7 files" in out.stderr

    pr = cluster.pipeline_run(namespace, name)
    assert "status" not in pr["spec"], "started"
    assert pr["metadata"]["labels"]["jupyterlab-tekton/pipeline"] == "hello-generic-world"
    assert pr["metadata"]["annotations"]["jupyterlab-tekton/pipeline-path"] == "hello/hello-generic-world.pipeline"
    # Compiled with the configuration's settings (namespace, service account, bucket, secret).
    assert pr["spec"]["taskRunTemplate"]["serviceAccountName"] == "default"
    env = {e["name"]: e.get("value") for e in pr["spec"]["taskRunTemplate"]["podTemplate"]["env"]}
    assert env["TEKTON_S3_BUCKET"] == "pipelines" and env["TEKTON_S3_ENDPOINT"] == "http://minio.minio.svc:9000"
    assert len(minio.list_keys(f"hello-generic-world/{name}")) == 7

    # The server lists the CLI's run like its own.
    done = await wait_run(jp_fetch, "testcluster", name)
    assert done["status"] == "succeeded" and done["pipeline_path"] == "hello/hello-generic-world.pipeline"


async def test_cli_submit_wait_follows_the_run_and_exits_with_its_outcome(
    jp_fetch, jp_root_dir, jupyter_data_dir, cluster, namespace, runtime_config
):
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "fails.pipeline", [
        {"label": "prepare", "file": "prepare.ipynb"},
        {"label": "fail-me", "file": "fail.ipynb", "after": ["prepare"]},
    ])
    out = tekton_pipeline(jp_root_dir, jupyter_data_dir, "submit", "fails.pipeline", "--config", "testcluster", "--", "--wait", "--json")
    assert out.returncode == 1, out.stderr
    run = json.loads(out.stdout)
    assert run["status"] == "failed" and run["namespace"] == namespace
    assert [(n["task_name"], n["status"]) for n in run["nodes"]] == [("prepare", "succeeded"), ("fail-me", "failed")]
    assert "  fail-me                  failed - StepFailed: " in out.stderr
    assert f"run {run['id']} failed" in out.stderr


async def test_cli_submit_reports_an_unreachable_cluster_with_exit_3(jp_fetch, jp_root_dir, jupyter_data_dir, tmp_path, runtime_config):
    kubeconfig = tmp_path / "nowhere.kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "never-printed-token"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }))
    await create_config(jp_fetch, {**runtime_config, "kubeconfig": str(kubeconfig)})
    write_pipeline(jp_root_dir / "one.pipeline", [{"label": "a", "file": "a.ipynb"}])
    out = tekton_pipeline(jp_root_dir, jupyter_data_dir, "submit", "one.pipeline", "--config", "testcluster")
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert "error: The Kubernetes API server at https://127.0.0.1:9 is unreachable" in out.stderr
    assert "never-printed-token" not in out.stdout + out.stderr
    missing = tekton_pipeline(jp_root_dir, jupyter_data_dir, "submit", "one.pipeline", "--config", "nope")
    assert missing.returncode == 1 and "no runtime configuration 'nope'" in missing.stderr
