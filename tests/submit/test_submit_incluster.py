"""In-cluster mode (JupyterLab in a pod, `in_cluster: true`) against the real test cluster.

The kubernetes client's in-cluster loader is used as it runs in a pod: KUBERNETES_SERVICE_HOST
and KUBERNETES_SERVICE_PORT point at the API server, the token and CA are read from the
service-account folder — here a temp folder named by JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR
holding a real token of a ServiceAccount (TokenRequest API) with a Role for what submitting
and watching needs, in its own namespace only."""
from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from kubernetes import client

from submit_support import (
    assert_no_secret,
    compile_for,
    create_config,
    fetch_json,
    http_error,
    run_path,
    wait_run,
    write_pipeline,
)

SA = "jupyterlab"


def mount_service_account(cluster, namespace: str, directory: Path) -> str:
    """What the kubelet mounts into a pod: token, ca.crt, namespace. Returns the token."""
    cluster.core.create_namespaced_service_account(namespace, client.V1ServiceAccount(metadata=client.V1ObjectMeta(name=SA)))
    rbac = client.RbacAuthorizationV1Api(cluster.api)
    rules = [
        client.V1PolicyRule(api_groups=["tekton.dev"], resources=["pipelineruns"],
                            verbs=["create", "get", "list", "watch", "patch", "delete"]),
        client.V1PolicyRule(api_groups=["tekton.dev"], resources=["taskruns"], verbs=["get", "list", "watch"]),
        client.V1PolicyRule(api_groups=[""], resources=["pods", "pods/log"], verbs=["get"]),
    ]
    rbac.create_namespaced_role(namespace, client.V1Role(metadata=client.V1ObjectMeta(name="submit-runs"), rules=rules))
    rbac.create_namespaced_role_binding(namespace, client.V1RoleBinding(
        metadata=client.V1ObjectMeta(name="jupyterlab-submit-runs"),
        role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name="submit-runs"),
        subjects=[client.RbacV1Subject(kind="ServiceAccount", name=SA, namespace=namespace)],
    ))
    request = client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=3600))
    token = cluster.core.create_namespaced_service_account_token(SA, namespace, request).status.token
    directory.mkdir(parents=True)
    (directory / "token").write_text(token)
    ca = yaml.safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]["certificate-authority"]
    shutil.copy(ca, directory / "ca.crt")
    (directory / "namespace").write_text(namespace)
    return token


@pytest.fixture
def in_pod(cluster, namespace, tmp_path, monkeypatch):
    """The Jupyter server's environment as in a pod of `namespace` running as ServiceAccount SA."""
    directory = tmp_path / "serviceaccount"
    token = mount_service_account(cluster, namespace, directory)
    server = urlparse(yaml.safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]["server"])
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", server.hostname)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(server.port))
    monkeypatch.setenv("JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR", str(directory))
    # Nothing may fall back to the admin's kubeconfig.
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    return token


@pytest.fixture
def other_namespace(cluster):
    """A namespace where the ServiceAccount has no rights at all."""
    name = f"other-{uuid.uuid4().hex[:8]}"
    cluster.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    cluster.core.delete_namespace(name)


def in_cluster_config(runtime_config: dict, name: str, namespace: str) -> dict:
    config = {**runtime_config, "name": name, "namespace": namespace, "in_cluster": True}
    config.pop("kubeconfig")
    return config


async def test_in_cluster_service_account_submits_and_watches(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config, in_pod, caplog
):
    config = in_cluster_config(runtime_config, "in-pod", namespace)
    created = await create_config(jp_fetch, config)
    assert created["in_cluster"] is True and created["kubeconfig"] is None

    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "in-pod", "test", method="POST")
    assert check["storage"]["ok"] is True, check
    assert check["kubernetes"]["ok"] is True, check
    assert f"PipelineRuns can be created in namespace '{namespace}'" in check["kubernetes"]["message"]
    # The Role grants nothing cluster-wide: whether the namespace exists cannot be read, and it says so.
    assert "reading namespaces is not allowed" in check["kubernetes"]["message"]

    write_pipeline(jp_root_dir / "in-pod.pipeline", [{"label": "a", "file": "a.ipynb"}, {"label": "b", "file": "b.ipynb", "after": ["a"]}])
    body = compile_for(jp_root_dir, "in-pod.pipeline", tmp_path / "c", config)
    submitted = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
    assert submitted["namespace"] == namespace and submitted["runtime_config"] == "in-pod"
    done = await wait_run(jp_fetch, "in-pod", submitted["id"])
    assert done["status"] == "succeeded", done
    assert [n["status"] for n in done["nodes"]] == ["succeeded", "succeeded"]

    # Read back as the admin: the run the service account created, labelled as ours.
    pipeline_run = cluster.pipeline_run(namespace, submitted["id"])
    assert pipeline_run["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "jupyterlab-tekton"
    assert pipeline_run["spec"]["taskRunTemplate"]["serviceAccountName"] == "default"
    # Listing and pod logs go through the same token.
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "in-pod"})
    assert [r["id"] for r in listed["runs"]] == [submitted["id"]] and listed["errors"] == []
    log = await fetch_json(jp_fetch, *run_path("in-pod", submitted["id"], "nodes", "a", "log"))
    assert "fake step output from the kwok kubelet" in log["content"]
    assert in_pod not in json.dumps([created, check, submitted, done, listed, log]) and in_pod not in caplog.text
    assert_no_secret([created, check, submitted, done, listed, log])


async def test_in_cluster_namespace_without_permission_is_a_clear_403(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, other_namespace, runtime_config, in_pod, caplog
):
    config = in_cluster_config(runtime_config, "elsewhere", other_namespace)
    await create_config(jp_fetch, config)
    write_pipeline(jp_root_dir / "denied.pipeline", [{"label": "a", "file": "a.ipynb"}])
    body = compile_for(jp_root_dir, "denied.pipeline", tmp_path / "c", config)

    status, error = await http_error(fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body))
    assert (status, error["reason"]) == (403, "kube_forbidden"), error
    message = error["message"]
    assert message.startswith(f"Not allowed to create PipelineRuns in namespace '{other_namespace}'"), message
    assert "the in-cluster service account" in message and "ask a cluster administrator" in message
    # The API's own words name the pod's identity.
    assert f"system:serviceaccount:{namespace}:{SA}" in error["details"]["api_message"]
    assert error["details"]["api_status"] == 403
    assert in_pod not in json.dumps(error) and in_pod not in caplog.text
    assert cluster.pipeline_runs(other_namespace) == []
    assert minio.list_keys(body["ir"]["name"] + "/") == []

    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "elsewhere", "test", method="POST")
    assert check["kubernetes"]["ok"] is False
    assert "the in-cluster service account may not create pipelineruns" in check["kubernetes"]["message"]


async def test_in_cluster_without_a_pod_environment_says_what_is_missing(
    jp_fetch, tmp_path, minio, namespace, runtime_config, monkeypatch
):
    await create_config(jp_fetch, in_cluster_config(runtime_config, "nowhere", namespace))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT", raising=False)
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "nowhere", "test", method="POST")
    assert check["kubernetes"]["ok"] is False
    assert "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set" in check["kubernetes"]["message"]

    # In a "pod" whose service account folder holds no token. (A fresh configuration: the
    # first one's client is not rebuilt until the configuration changes.)
    await create_config(jp_fetch, in_cluster_config(runtime_config, "no-token", namespace))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "1")
    empty = tmp_path / "empty-sa"
    empty.mkdir()
    monkeypatch.setenv("JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR", str(empty))
    started = time.monotonic()
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "no-token", "test", method="POST")
    assert check["kubernetes"]["ok"] is False
    assert f"no service account token in {empty}" in check["kubernetes"]["message"]
    assert time.monotonic() - started < 10
