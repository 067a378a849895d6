"""Submit tests against real parts: the test cluster (kube-apiserver, Tekton controller, kwok
pods; tools/testcluster), a real MinIO on 127.0.0.1, and the Jupyter server with the
extension (tests/conftest.py). Nothing is mocked.

The cluster fixture reuses a cluster that `scripts/testcluster status` reports as up and
leaves it running; otherwise it runs `scripts/testcluster up` (building on the first run)
and `down` at the end — as tests/cluster does. Runtime configurations are created through
the REST API in a folder laid out like the Jupyter data dir, so that the CLI
(`python -m jupyterlab_tekton config get`) finds them through JUPYTER_DATA_DIR.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from kubernetes import client, config

from minio_server import MinioServer
from submit_support import ACCESS_KEY, SECRET_KEY, UP_TIMEOUT_S, config_body, testcluster


@dataclass
class Cluster:
    kubeconfig: Path
    api: client.ApiClient

    @property
    def core(self) -> client.CoreV1Api:
        return client.CoreV1Api(self.api)

    @property
    def custom(self) -> client.CustomObjectsApi:
        return client.CustomObjectsApi(self.api)

    def pipeline_run(self, namespace: str, name: str) -> dict:
        return self.custom.get_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", name)

    def pipeline_runs(self, namespace: str) -> list[dict]:
        return self.custom.list_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns")["items"]


@pytest.fixture(scope="session")
def cluster():
    started_here = False
    if testcluster("status").returncode != 0:
        up = testcluster("up", timeout=UP_TIMEOUT_S)
        if up.returncode != 0:
            pytest.fail(f"scripts/testcluster up failed (exit {up.returncode}):\n{up.stderr[-6000:]}", pytrace=False)
        started_here = True
    env = testcluster("env")
    if env.returncode != 0:
        pytest.fail(f"scripts/testcluster env failed: {env.stderr}", pytrace=False)
    kubeconfig = Path(env.stdout.strip().removeprefix("export KUBECONFIG="))
    api = config.new_client_from_config(config_file=str(kubeconfig))
    yield Cluster(kubeconfig=kubeconfig, api=api)
    api.close()
    if started_here:
        down = testcluster("down")
        assert down.returncode == 0, down.stderr


@pytest.fixture(scope="session")
def minio():
    with MinioServer(bucket="pipelines", access_key=ACCESS_KEY, secret_key=SECRET_KEY) as server:
        yield server


@pytest.fixture
def namespace(cluster):
    """A fresh namespace with its `default` ServiceAccount (made by kube-controller-manager)."""
    name = f"submit-{uuid.uuid4().hex[:8]}"
    cluster.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    deadline = time.monotonic() + 30
    while not any(sa.metadata.name == "default" for sa in cluster.core.list_namespaced_service_account(name).items):
        if time.monotonic() > deadline:
            pytest.fail("no ServiceAccount 'default' after 30s: is kube-controller-manager running?", pytrace=False)
        time.sleep(0.2)
    yield name
    cluster.core.delete_namespace(name)


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
