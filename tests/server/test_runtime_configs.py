"""Runtime configurations over REST: CRUD, validation, secrets never sent back, file modes."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from minio_server import MinioServer
from server_helpers import assert_http_error, fetch_json

REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Value-that-must-never-leak"
KEY_ID = "AKIA-key-id-never-returned"


def config(name="dev", **overrides):
    body = {
        "name": name,
        "display_name": "Dev cluster",
        "kube_context": "kind-dev",
        "namespace": "pipelines",
        "service_account": "pipeline-runner",
        "storage_endpoint": "http://minio.minio:9000",
        "storage_server_endpoint": "http://127.0.0.1:9000",
        "bucket": "notebooks",
        "region": "us-east-1",
        "storage_secret_name": "minio-keys",
        "credentials_mode": "keys",
        "access_key_id": KEY_ID,
        "secret_access_key": SECRET,
        "default_runtime_image": "quay.io/jupyter/scipy-notebook:2024-07-29",
        "transfer_image": "quay.io/minio/mc:latest",
        "dashboard_url": "https://tekton.example.test",
    }
    body.update(overrides)
    return body


def assert_no_secret(payload):
    """No secret value anywhere; replies describing a configuration carry no secret fields."""
    text = json.dumps(payload)
    assert SECRET not in text and KEY_ID not in text
    for described in payload.get("runtime_configs", [payload]) if isinstance(payload, dict) else []:
        if "bucket" in described:
            assert "secret_access_key" not in described and "access_key_id" not in described


async def test_crud_never_returns_secrets(jp_fetch, tekton_config_dir):
    created = await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config())
    assert_no_secret(created)
    assert created["has_secret_key"] is True and created["has_access_key_id"] is True
    assert created["namespace"] == "pipelines" and created["updated"]

    # On disk: the secrets are kept (server side), in a 0600 file in a 0700 folder.
    path = tekton_config_dir / "dev.json"
    stored = json.loads(path.read_text())
    assert stored["secret_access_key"] == SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(tekton_config_dir.stat().st_mode) == 0o700
    assert not [p for p in tekton_config_dir.iterdir() if p.name != "dev.json"]  # no temp files left

    listed = await fetch_json(jp_fetch, "tekton", "runtime-configs")
    assert [c["name"] for c in listed["runtime_configs"]] == ["dev"]
    assert_no_secret(listed)
    one = await fetch_json(jp_fetch, "tekton", "runtime-configs", "dev")
    assert_no_secret(one)
    assert one == created

    # Update without secrets keeps them; changed fields change.
    changed = {k: v for k, v in config(namespace="other").items() if k not in ("name", "access_key_id", "secret_access_key")}
    updated = await fetch_json(jp_fetch, "tekton", "runtime-configs", "dev", method="PUT", body=changed)
    assert updated["namespace"] == "other" and updated["has_secret_key"] is True
    assert json.loads(path.read_text())["secret_access_key"] == SECRET
    assert_no_secret(updated)

    # Empty strings clear stored secrets (allowed once the mode no longer needs them).
    cleared = await fetch_json(
        jp_fetch, "tekton", "runtime-configs", "dev", method="PUT",
        body={**changed, "credentials_mode": "env", "access_key_id": "", "secret_access_key": ""},
    )
    assert cleared["has_secret_key"] is False and cleared["has_access_key_id"] is False
    assert "secret_access_key" not in json.dumps(json.loads(path.read_text())).replace('"secret_access_key": null', "")

    response = await jp_fetch("tekton", "runtime-configs", "dev", method="DELETE")
    assert response.code == 204
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", "dev"), 404, "runtime_config_not_found")
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", "dev", method="DELETE"), 404)


async def test_validation_errors_name_the_field(jp_fetch):
    cases = [
        (config(name="bad name!"), "name"),
        (config(bucket="Not_A_Bucket"), "bucket"),
        (config(namespace="Upper"), "namespace"),
        (config(storage_endpoint="ftp://x"), "storage_endpoint"),
        (config(dashboard_url="javascript:alert(1)"), "dashboard_url"),
        (config(credentials_mode="sometimes"), "credentials_mode"),
        (config(credentials_mode="profile"), None),
        ({**config(), "surprise": True}, "surprise"),
        ({"name": "x", "credentials_mode": "keys"}, "secret_access_key"),
    ]
    for body, prop in cases:
        error = await assert_http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=body), 400)
        if prop:
            assert error["details"]["property"] == prop, (body, error)
        assert_no_secret(error)
    await assert_http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body="nope"), 400, "invalid_json")
    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config())
    error = await assert_http_error(fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config()), 409)
    assert error["details"]["property"] == "name"
    await assert_http_error(
        fetch_json(jp_fetch, "tekton", "runtime-configs", "missing", method="PUT", body={"namespace": "x"}), 404
    )


def test_cli_config_get_prints_no_secret(tmp_path):
    from jupyterlab_tekton.config import RuntimeConfigStore
    from jupyterlab_tekton.models import CreateRuntimeConfig

    RuntimeConfigStore(tmp_path).create(CreateRuntimeConfig(**config()))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-m", "jupyterlab_tekton", "config", "get", "dev", "--config-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    described = json.loads(out.stdout)
    assert described["bucket"] == "notebooks" and described["has_secret_key"] is True
    assert_no_secret(described)
    missing = subprocess.run(
        [sys.executable, "-m", "jupyterlab_tekton", "config", "get", "nope", "--config-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )
    assert missing.returncode == 1 and "no runtime configuration 'nope'" in missing.stderr


@pytest.fixture(scope="module")
def minio():
    with MinioServer(bucket="existing") as server:
        yield server


async def test_connection_check_against_minio(jp_fetch, minio):
    base = {"storage_endpoint": "http://minio.minio:9000", "storage_server_endpoint": minio.endpoint,
            "access_key_id": minio.access_key, "secret_access_key": minio.secret_key}

    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config("good", bucket="existing", **base))
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "good", "test", method="POST")
    assert check["storage"]["ok"] is True and "reachable" in check["storage"]["message"]

    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config("new", bucket="fresh-bucket", **base))
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "new", "test", method="POST")
    assert check["storage"] == {"ok": False, "message": f"bucket 'fresh-bucket' does not exist at {minio.endpoint}"}
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "new", "test", method="POST", params={"create_bucket": "true"})
    assert check["storage"]["ok"] is True and "created" in check["storage"]["message"]
    assert "fresh-bucket" in [b["Name"] for b in minio.boto3_client().list_buckets()["Buckets"]]

    wrong = {**base, "secret_access_key": "wrong-" + SECRET}
    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config("wrong", bucket="existing", **wrong))
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "wrong", "test", method="POST")
    assert check["storage"]["ok"] is False and "403" in check["storage"]["message"]
    assert_no_secret(check)

    down = {**base, "storage_server_endpoint": "http://127.0.0.1:9"}
    await fetch_json(jp_fetch, "tekton", "runtime-configs", method="POST", body=config("down", bucket="existing", **down))
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "down", "test", method="POST")
    assert check["storage"]["ok"] is False and "unreachable" in check["storage"]["message"]
