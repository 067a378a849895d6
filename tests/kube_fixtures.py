"""Test-cluster fixtures shared by tests/cluster and tests/submit (their conftests import them).

The session fixture reuses a cluster that `scripts/testcluster status` reports as up (and then
leaves it running); otherwise it runs `scripts/testcluster up` (building the binaries on the
first run, which takes long) and `down` at the end. A cluster that cannot start fails the
tests with the script's own message; nothing is skipped.
"""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from kubernetes import client, config

TESTCLUSTER = Path(__file__).resolve().parents[1] / "scripts" / "testcluster"
# A cold build of kube-apiserver & co. on 2 shared cores takes tens of minutes.
UP_TIMEOUT_S = int(os.environ.get("TESTCLUSTER_UP_TIMEOUT", "3600"))
# pytest-jupyter points HOME at a temp dir during a test; the test cluster's binaries and Go
# caches live under the real one (else a test would start a cold Kubernetes build).
REAL_HOME = os.path.expanduser("~")


def tool_env(**extra: str) -> dict:
    """The environment for the test cluster's tools: this one with the real HOME."""
    return {**os.environ, "HOME": REAL_HOME, **extra}


def testcluster(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(TESTCLUSTER), *args], capture_output=True, text=True, timeout=timeout, env=tool_env())


@dataclass
class Cluster:
    kubeconfig: Path
    api: client.ApiClient

    @property
    def state_dir(self) -> Path:
        # scripts/testcluster writes the kubeconfig at the top of its state dir.
        return self.kubeconfig.parent

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


@pytest.fixture
def namespace_prefix() -> str:
    """Start of the test namespaces' names (a folder's conftest may override it)."""
    return "tc"


@pytest.fixture
def namespace(cluster, namespace_prefix):
    """A fresh namespace with its `default` ServiceAccount (made by kube-controller-manager)."""
    name = f"{namespace_prefix}-{uuid.uuid4().hex[:8]}"
    cluster.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    deadline = time.monotonic() + 30
    while not any(sa.metadata.name == "default" for sa in cluster.core.list_namespaced_service_account(name).items):
        if time.monotonic() > deadline:
            pytest.fail("no ServiceAccount 'default' after 30s: is kube-controller-manager running?", pytrace=False)
        time.sleep(0.2)
    yield name
    cluster.core.delete_namespace(name)
