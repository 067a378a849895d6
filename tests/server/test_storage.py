"""S3ObjectStorage against a real MinIO on 127.0.0.1: a run's uploads, listing, downloads, errors."""
from __future__ import annotations

import os

import pytest

from jupyterlab_tekton.config import StoredRuntimeConfig
from jupyterlab_tekton.errors import Forbidden, InvalidRequest, NotFound, PathOutsideRoot, Unavailable
from jupyterlab_tekton.models import ContentUpload, FilesUpload
from jupyterlab_tekton.paths import ServerRoot
from jupyterlab_tekton.storage import S3ObjectStorage
from minio_server import MinioServer


@pytest.fixture(scope="module")
def minio():
    with MinioServer(bucket="runs") as server:
        yield server


def storage_for(minio, **overrides) -> S3ObjectStorage:
    fields = dict(
        name="t", storage_endpoint="http://minio.minio:9000", storage_server_endpoint=minio.endpoint,
        bucket="runs", credentials_mode="keys", access_key_id=minio.access_key, secret_access_key=minio.secret_key,
    )
    fields.update(overrides)
    return S3ObjectStorage(StoredRuntimeConfig(**fields))


@pytest.fixture
def root(tmp_path) -> ServerRoot:
    r = tmp_path / "root"
    (r / "flows" / "data" / "sub").mkdir(parents=True)
    (r / "flows" / "a.ipynb").write_text("{}")
    (r / "flows" / "data" / "x.csv").write_text("x\n1\n")
    (r / "flows" / "data" / "sub" / "y.csv").write_text("y\n2\n")
    (r / "flows" / "big.bin").write_bytes(os.urandom(9 * 1024 * 1024))  # multipart-sized
    (tmp_path / "secret.txt").write_text("secret")
    (r / "flows" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return ServerRoot(r)


def uploads(**files_overrides):
    files = dict(
        kind="files", key_prefix="_sources/a/", task_name="a", node_id="n-a", base_dir="flows",
        patterns=["a.ipynb", "data", "big.bin"], include_subdirectories=True,
    )
    files.update(files_overrides)
    return [ContentUpload(kind="content", key="_tekton/runner.py", content="print('runner')\n"), FilesUpload(**files)]


def test_upload_run_lays_out_keys_and_reports_progress(minio, root):
    storage = storage_for(minio)
    events = []
    keys = storage.upload_run(uploads(), "pipe/run-1", root, progress=events.append)
    expected = [
        "pipe/run-1/_sources/a/a.ipynb",
        "pipe/run-1/_sources/a/big.bin",
        "pipe/run-1/_sources/a/data/sub/y.csv",
        "pipe/run-1/_sources/a/data/x.csv",
        "pipe/run-1/_tekton/runner.py",
    ]
    assert sorted(keys) == expected
    assert minio.list_keys("pipe/run-1") == expected  # seen by another client (mc)
    assert minio.get("pipe/run-1/_sources/a/data/sub/y.csv") == b"y\n2\n"
    assert minio.get("pipe/run-1/_sources/a/big.bin") == (root.path / "flows" / "big.bin").read_bytes()
    total = sum(p.stat().st_size for p in (root.path / "flows").rglob("*") if p.is_file() and not p.is_symlink()) + len(
        "print('runner')\n"
    )
    assert events[-1].bytes_done == events[-1].bytes_total == total
    assert events[-1].files_done == events[-1].files_total == 5
    assert len(events) > 5  # byte-level progress inside the big file
    assert all(b.bytes_done <= c.bytes_done for b, c in zip(events, events[1:]))

    listed = storage.list("pipe/run-1/_sources/a/data/")
    assert sorted((o.key, o.size) for o in listed) == [
        ("pipe/run-1/_sources/a/data/sub/y.csv", 4),
        ("pipe/run-1/_sources/a/data/x.csv", 4),
    ]
    assert storage.download("pipe/run-1/_tekton/runner.py") == b"print('runner')\n"


def test_download_file_and_missing_key(minio, root, tmp_path):
    storage = storage_for(minio)
    storage.upload_run(uploads(patterns=["a.ipynb"]), "pipe/run-2", root)
    target = tmp_path / "dl" / "a.ipynb"
    storage.download_file("pipe/run-2/_sources/a/a.ipynb", target)
    assert target.read_text() == "{}"
    with pytest.raises(NotFound):
        storage.download("pipe/run-2/nope")


def test_paths_outside_the_root_are_never_uploaded(minio, root):
    storage = storage_for(minio)
    for bad in (dict(patterns=["leak.txt"]), dict(patterns=["../secret.txt"]), dict(base_dir="../"),
                dict(patterns=["/etc/passwd"])):
        with pytest.raises(PathOutsideRoot):
            storage.upload_run(uploads(**bad), "pipe/run-3", root)
    with pytest.raises(PathOutsideRoot):
        storage.upload_run([ContentUpload(kind="content", key="../escape", content="x")], "pipe/run-3", root)
    with pytest.raises(InvalidRequest):
        storage.upload_run(uploads(patterns=["missing.csv"]), "pipe/run-3", root)
    assert minio.list_keys("pipe/run-3") == []


def test_errors_are_mapped_and_carry_no_secret(minio, root):
    wrong = storage_for(minio, secret_access_key="wrong-secret-value")
    with pytest.raises(Forbidden) as info:
        wrong.upload_run(uploads(patterns=["a.ipynb"]), "pipe/run-4", root)
    assert "wrong-secret-value" not in info.value.message and minio.secret_key not in info.value.message
    with pytest.raises(Forbidden):
        wrong.list("pipe/")
    down = storage_for(minio, storage_server_endpoint="http://127.0.0.1:9")
    with pytest.raises(Unavailable):
        down.list("pipe/")
    missing_bucket = storage_for(minio, bucket="no-such-bucket")
    with pytest.raises(NotFound):
        missing_bucket.upload_run(uploads(patterns=["a.ipynb"]), "pipe/run-5", root)
    missing_bucket.ensure_bucket()
    missing_bucket.upload_run(uploads(patterns=["a.ipynb"]), "pipe/run-5", root)
    assert missing_bucket.list("pipe/run-5/")[0].key.endswith("a.ipynb")


def test_credentials_modes(minio, root, monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    env_mode = storage_for(minio, credentials_mode="env", access_key_id=None, secret_access_key=None)
    with pytest.raises(InvalidRequest) as info:
        env_mode.list("x/")
    assert "AWS_ACCESS_KEY_ID" in info.value.message
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", minio.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", minio.secret_key)
    assert storage_for(minio, credentials_mode="env", access_key_id=None, secret_access_key=None).list("none/") == []

    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[tekton]\naws_access_key_id = {minio.access_key}\naws_secret_access_key = {minio.secret_key}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    profile = storage_for(minio, credentials_mode="profile", aws_profile="tekton", access_key_id=None, secret_access_key=None)
    assert profile.check().ok
    with pytest.raises(InvalidRequest):
        storage_for(minio, credentials_mode="profile", aws_profile="nope", access_key_id=None, secret_access_key=None).list("x/")
