"""`tekton-pipeline config …` and JupyterLab share one store: a configuration made in a terminal
is the one the server lists, tests and submits with, and the other way round. The real CLI
(Node → `python -m jupyterlab_tekton config`) against the test cluster and MinIO."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from submit_support import ACCESS_KEY, CLI, REPO, SECRET_KEY, assert_no_secret, build_cli, fetch_json, http_error


def config_cli(jupyter_data_dir, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    build_cli()
    full_env = {
        "PATH": os.environ["PATH"],
        "HOME": str(jupyter_data_dir.parent),
        "JUPYTER_DATA_DIR": str(jupyter_data_dir),
        "TEKTON_PIPELINE_PYTHON": sys.executable,
        "PYTHONPATH": str(REPO),
        **(env or {}),
    }
    out = subprocess.run(["node", str(CLI), "config", *args], env=full_env, capture_output=True, text=True, timeout=120)
    assert_no_secret(out.stdout + out.stderr)
    return out


async def test_terminal_and_jupyterlab_share_configurations(jp_fetch, jupyter_data_dir, tekton_config_dir, cluster, minio, namespace):
    sets = {
        "kubeconfig": str(cluster.kubeconfig), "namespace": namespace, "service_account": "default",
        "storage_endpoint": "http://minio.minio.svc:9000", "storage_server_endpoint": minio.endpoint,
        "bucket": minio.bucket, "storage_secret_name": "object-storage", "credentials_mode": "keys",
    }
    args = [arg for key, value in sets.items() for arg in ("--set", f"{key}={value}")]
    created = config_cli(
        jupyter_data_dir, "create", "from-terminal", *args,
        "--from-env", "access_key_id=S3_KEY", "--from-env", "secret_access_key=S3_SECRET",
        env={"S3_KEY": ACCESS_KEY, "S3_SECRET": SECRET_KEY},
    )
    assert created.returncode == 0, created.stderr
    assert (tekton_config_dir / "from-terminal.json").stat().st_mode & 0o777 == 0o600

    # JupyterLab sees it, without its secrets, and its "Test connection" passes.
    listed = await fetch_json(jp_fetch, "tekton", "runtime-configs")
    [described] = listed["runtime_configs"]
    assert described["name"] == "from-terminal" and described["has_secret_key"] is True
    assert_no_secret(listed)

    # `config test` checks the same things as the server, with the same words.
    tested = config_cli(jupyter_data_dir, "test", "from-terminal")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    server_check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "from-terminal", "test", method="POST")
    assert tested.stdout == (
        f"object storage: ok - {server_check['storage']['message']}\n"
        f"kubernetes: ok - {server_check['kubernetes']['message']}\n"
    )
    assert f"PipelineRuns can be created in namespace '{namespace}'" in tested.stdout

    # A change made in JupyterLab shows in the terminal; secrets are kept.
    await fetch_json(jp_fetch, "tekton", "runtime-configs", "from-terminal", method="PUT",
                     body={**{k: v for k, v in described.items() if k in sets}, "display_name": "Edited in JupyterLab"})
    shown = json.loads(config_cli(jupyter_data_dir, "show", "from-terminal", "--json").stdout)
    assert shown["display_name"] == "Edited in JupyterLab" and shown["has_secret_key"] is True

    # A namespace the cluster does not have: `config test` exits 1 and says so.
    edited = config_cli(jupyter_data_dir, "edit", "from-terminal", "--set", "namespace=no-such-namespace")
    assert edited.returncode == 0, edited.stderr
    failing = config_cli(jupyter_data_dir, "test", "from-terminal")
    assert failing.returncode == 1
    assert "kubernetes: FAILED - namespace 'no-such-namespace' does not exist on the cluster" in failing.stdout

    deleted = config_cli(jupyter_data_dir, "delete", "from-terminal")
    assert deleted.returncode == 0, deleted.stderr
    status, error = await http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", "from-terminal"))
    assert (status, error["reason"]) == (404, "runtime_config_not_found")
