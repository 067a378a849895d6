"""Submit tests against real parts: the test cluster (kube-apiserver, Tekton controller, kwok
pods; tools/testcluster), a real MinIO on 127.0.0.1, and the Jupyter server with the
extension (tests/conftest.py). Nothing is mocked.

The `cluster` and `namespace` fixtures are shared with tests/cluster (tests/kube_fixtures.py):
a cluster that `scripts/testcluster status` reports as up is reused and left running.
Runtime configurations are created through the REST API in a folder laid out like the
Jupyter data dir, so that the CLI (`python -m jupyterlab_tekton config get`) finds them
through JUPYTER_DATA_DIR.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kube_fixtures import cluster, namespace  # noqa: F401 - fixtures
from minio_server import MinioServer
from submit_support import ACCESS_KEY, SECRET_KEY, config_body


@pytest.fixture
def namespace_prefix() -> str:
    return "submit"


@pytest.fixture(scope="session")
def minio():
    with MinioServer(bucket="pipelines", access_key=ACCESS_KEY, secret_key=SECRET_KEY) as server:
        yield server


@pytest.fixture
def jupyter_data_dir(tmp_path) -> Path:
    return tmp_path / "jupyter-data"


@pytest.fixture
def tekton_config_dir(jupyter_data_dir):
    # Where `python -m jupyterlab_tekton config get` looks with JUPYTER_DATA_DIR set.
    return jupyter_data_dir / "tekton" / "runtime-configs"


@pytest.fixture
def tekton_app_config():
    # Polling tests must see a cluster come and go at once.
    return {"list_error_ttl": 0}


@pytest.fixture
def runtime_config(cluster, namespace, minio) -> dict:
    """Settings of a runtime configuration for the test cluster and the MinIO; tests create it
    through the REST API (`await create_config(jp_fetch, runtime_config)`)."""
    return config_body("testcluster", cluster.kubeconfig, namespace, minio)
