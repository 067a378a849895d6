"""Tekton on a Kubernetes cluster, as one runtime configuration reaches it.

`TektonCluster` is the contract (`TektonApp.cluster_class`): the handful of Kubernetes API
calls that submitting and watching runs needs, in the configuration's namespace.
`KubernetesTektonCluster` is the default, over the official `kubernetes` client
(CustomObjectsApi for Tekton objects, CoreV1Api for pod logs) built from a kubeconfig
(file + context) or the pod's own service account (`in_cluster`: KUBERNETES_SERVICE_HOST/PORT
and the token and CA in /var/run/secrets/kubernetes.io/serviceaccount, or in the folder named
by $JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR).

Every call has a connect and a read timeout, so a cluster that goes away is a 503 within
seconds, not a hang. Errors become TektonErrors with a message a data scientist can act
on plus the API server's own text (`details.api_message`); no message, log line or reply
ever contains a credential (tokens travel in headers, which are never echoed).
"""
from __future__ import annotations

import json
import os
import threading
from typing import Any

from traitlets import Float, Int
from traitlets.config import LoggingConfigurable

from .config import StoredRuntimeConfig
from .errors import Conflict, Forbidden, InvalidRequest, NotFound, TektonError, Unavailable, UpstreamError
from .models import ConnectionCheck

GROUP = "tekton.dev"
VERSION = "v1"
API_VERSION = f"{GROUP}/{VERSION}"
# The labels the compiler puts on every object (src/compiler/tekton.ts).
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "jupyterlab-tekton"
PIPELINE_LABEL = "jupyterlab-tekton/pipeline"
# Labels Tekton puts on TaskRuns and pods.
PIPELINE_RUN_LABEL = "tekton.dev/pipelineRun"
PIPELINE_TASK_LABEL = "tekton.dev/pipelineTask"
# spec.status values of a PipelineRun.
PENDING = "PipelineRunPending"
CANCELLED = "Cancelled"

PLURALS = {"Task": "tasks", "Pipeline": "pipelines", "PipelineRun": "pipelineruns", "TaskRun": "taskruns"}
KINDS = {plural: kind for kind, plural in PLURALS.items()}

# What a user needs to submit and watch runs: checked by "Test connection".
REQUIRED_ACCESS = [
    ("create", GROUP, "pipelineruns", None),
    ("list", GROUP, "pipelineruns", None),
    ("patch", GROUP, "pipelineruns", None),
    ("list", GROUP, "taskruns", None),
    ("get", "", "pods", "log"),
]


class TektonCluster(LoggingConfigurable):
    """One runtime configuration's namespace on a Tekton cluster.

    Implementations raise TektonErrors only: InvalidRequest (bad kubeconfig/context,
    invalid object, admission denial), Forbidden (credentials refused, RBAC), NotFound
    (object or namespace missing), Conflict (already exists), Unavailable (unreachable,
    Tekton not installed), UpstreamError (other API errors). Objects are plain dicts as
    the API returns them.
    """

    def __init__(self, runtime_config: StoredRuntimeConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime_config = runtime_config

    @property
    def namespace(self) -> str:
        return self.runtime_config.namespace

    @property
    def server(self) -> str:
        """The API server's URL, for messages."""
        raise NotImplementedError

    def access_text(self) -> str:
        """Whose credentials are used, for messages (never the credentials themselves)."""
        return f"the credentials of runtime configuration '{self.runtime_config.name}'"

    def check(self) -> ConnectionCheck:
        """Tekton installed, namespace reachable, and the access REQUIRED_ACCESS lists granted."""
        raise NotImplementedError

    def create(self, body: dict) -> dict:
        """Create a Tekton object (Task, Pipeline, PipelineRun) in the namespace."""
        raise NotImplementedError

    def apply(self, body: dict) -> dict:
        """Create a Task or Pipeline, or replace the one of that name (separate-objects mode)."""
        raise NotImplementedError

    def get_pipeline_run(self, name: str) -> dict:
        raise NotImplementedError

    def list_pipeline_runs(self, label_selector: str) -> list[dict]:
        raise NotImplementedError

    def list_task_runs(self, pipeline_run: str, task: str | None = None) -> list[dict]:
        """TaskRuns of one PipelineRun (optionally of one pipeline task), by Tekton's labels."""
        raise NotImplementedError

    def patch_pipeline_run(self, name: str, patch: dict | list) -> dict:
        """A merge patch (dict) or a JSON patch (list, e.g. with a `test` operation)."""
        raise NotImplementedError

    def delete_pipeline_run(self, name: str) -> None:
        """Delete it with its TaskRuns and pods (background propagation)."""
        raise NotImplementedError

    def read_log(self, pod: str, container: str, limit_bytes: int | None = None) -> bytes:
        """A container's log from its start (at most `limit_bytes`)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""


class KubernetesTektonCluster(TektonCluster):
    """The default: the official `kubernetes` Python client."""

    connect_timeout = Float(5.0, config=True, help="Seconds to wait for a connection to the Kubernetes API.")
    request_timeout = Float(20.0, config=True, help="Seconds to wait for a Kubernetes API reply.")
    connect_retries = Int(
        0, config=True, help="Retries of a connection that could not be established (each waits connect_timeout)."
    )

    def __init__(self, runtime_config: StoredRuntimeConfig, **kwargs: Any) -> None:
        super().__init__(runtime_config, **kwargs)
        self._api = None
        self._host = ""
        self._lock = threading.Lock()

    # ---- client -----------------------------------------------------------------------

    @property
    def api(self):
        with self._lock:  # calls come from several threads
            if self._api is None:
                self._api = self._make_client()
            return self._api

    @property
    def server(self) -> str:
        if not self._host:
            self.api  # noqa: B018 - loads the configuration
        return self._host

    def _make_client(self):
        import urllib3
        from kubernetes import client, config

        rc = self.runtime_config
        configuration = client.Configuration()
        try:
            if rc.in_cluster:
                load_in_cluster(configuration)
            else:
                path = os.path.expanduser(rc.kubeconfig) if rc.kubeconfig else None
                if path and not os.path.isfile(path):
                    raise InvalidRequest(
                        f"runtime configuration '{rc.name}': kubeconfig file {path} does not exist",
                        property="kubeconfig",
                        reason="kubeconfig_invalid",
                    )
                config.load_kube_config(
                    config_file=path,
                    context=rc.kube_context or None,
                    client_configuration=configuration,
                    persist_config=False,
                )
        except TektonError:
            raise
        except config.ConfigException as e:
            raise InvalidRequest(
                f"runtime configuration '{rc.name}': {self.access_text()} cannot be used: {first_line(e)}",
                property="in_cluster" if rc.in_cluster else ("kube_context" if rc.kube_context else "kubeconfig"),
                reason="kubeconfig_invalid",
            ) from None
        except Exception as e:  # noqa: BLE001 - YAML/IO errors; their text may quote the file: not shown
            raise InvalidRequest(
                f"runtime configuration '{rc.name}': {self.access_text()} cannot be read ({type(e).__name__})",
                property="kubeconfig",
                reason="kubeconfig_invalid",
            ) from None
        # Fail fast (connect_retries, default none) and never retry a request that was sent.
        configuration.retries = urllib3.Retry(
            total=self.connect_retries, connect=self.connect_retries, read=0, redirect=0, status=0, other=0
        )
        self._host = configuration.host
        return client.ApiClient(configuration)

    def access_text(self) -> str:
        rc = self.runtime_config
        if rc.in_cluster:
            return "the in-cluster service account"
        where = rc.kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
        return f"kube context '{rc.kube_context}' of {where}" if rc.kube_context else f"the kubeconfig {where}"

    @property
    def _timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.request_timeout)

    def _custom(self):
        from kubernetes import client

        return client.CustomObjectsApi(self.api)

    def _core(self):
        from kubernetes import client

        return client.CoreV1Api(self.api)

    def _call(self, action: Action, fn, *args, **kwargs):
        """Run one API call with timeouts, mapping every failure to a TektonError."""
        from kubernetes.client.exceptions import ApiException, OpenApiException

        try:
            return fn(*args, _request_timeout=self._timeout, **kwargs)
        except TektonError:
            raise
        except ApiException as e:
            raise api_error(e, action, self) from None
        except OpenApiException as e:
            raise UpstreamError(
                f"{action.describe(self.namespace)}: unexpected reply from {self.server}: {first_line(e)}",
                reason="kube_error",
            ) from None
        except Exception as e:  # noqa: BLE001 - urllib3/ssl/socket errors: the cluster is not reachable
            error = connection_error(e, action, self)
            if error is None:
                raise
            raise error from None

    # ---- objects ----------------------------------------------------------------------

    def create(self, body: dict) -> dict:
        kind = body.get("kind", "")
        plural = plural_of(kind)
        name = body.get("metadata", {}).get("name")
        return self._call(
            Action("create", plural, name),
            self._custom().create_namespaced_custom_object,
            GROUP, VERSION, self.namespace, plural, body,
        )

    def apply(self, body: dict) -> dict:
        try:
            return self.create(body)
        except Conflict:
            pass
        plural = plural_of(body.get("kind", ""))
        name = body["metadata"]["name"]
        current = self._call(
            Action("get", plural, name), self._custom().get_namespaced_custom_object,
            GROUP, VERSION, self.namespace, plural, name,
        )
        replacement = json.loads(json.dumps(body))
        replacement["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        return self._call(
            Action("update", plural, name), self._custom().replace_namespaced_custom_object,
            GROUP, VERSION, self.namespace, plural, name, replacement,
        )

    def get_pipeline_run(self, name: str) -> dict:
        return self._call(
            Action("get", "pipelineruns", name), self._custom().get_namespaced_custom_object,
            GROUP, VERSION, self.namespace, "pipelineruns", name,
        )

    def list_pipeline_runs(self, label_selector: str) -> list[dict]:
        result = self._call(
            Action("list", "pipelineruns"), self._custom().list_namespaced_custom_object,
            GROUP, VERSION, self.namespace, "pipelineruns", label_selector=label_selector,
        )
        return result.get("items", [])

    def list_task_runs(self, pipeline_run: str, task: str | None = None) -> list[dict]:
        selector = f"{PIPELINE_RUN_LABEL}={pipeline_run}"
        if task:
            selector += f",{PIPELINE_TASK_LABEL}={task}"
        result = self._call(
            Action("list", "taskruns"), self._custom().list_namespaced_custom_object,
            GROUP, VERSION, self.namespace, "taskruns", label_selector=selector,
        )
        return result.get("items", [])

    def patch_pipeline_run(self, name: str, patch: dict | list) -> dict:
        content_type = "application/json-patch+json" if isinstance(patch, list) else "application/merge-patch+json"
        return self._call(
            Action("patch", "pipelineruns", name), self._custom().patch_namespaced_custom_object,
            GROUP, VERSION, self.namespace, "pipelineruns", name, patch, _content_type=content_type,
        )

    def delete_pipeline_run(self, name: str) -> None:
        self._call(
            Action("delete", "pipelineruns", name), self._custom().delete_namespaced_custom_object,
            GROUP, VERSION, self.namespace, "pipelineruns", name, propagation_policy="Background",
        )

    def read_log(self, pod: str, container: str, limit_bytes: int | None = None) -> bytes:
        response = self._call(
            Action("get", "pods/log", pod, container=container), self._core().read_namespaced_pod_log,
            pod, self.namespace, container=container, limit_bytes=limit_bytes, _preload_content=False,
        )
        return response.data

    # ---- test connection --------------------------------------------------------------

    def check(self) -> ConnectionCheck:
        from kubernetes import client

        try:
            resources = self._call(
                Action("discover", "pipelineruns"), self._custom().get_api_resources, GROUP, VERSION
            )
            served = {r.name for r in resources.resources or []}
            if "pipelineruns" not in served:
                return ConnectionCheck(
                    ok=False,
                    message=f"Tekton is not installed on the cluster at {self.server}: "
                    f"{API_VERSION} serves no PipelineRuns",
                )
            namespace_note = self._namespace_note()
            if namespace_note is not None and not namespace_note[0]:
                return ConnectionCheck(ok=False, message=namespace_note[1])
            missing = []
            auth = client.AuthorizationV1Api(self.api)
            for verb, group, resource, sub in REQUIRED_ACCESS:
                review = {
                    "apiVersion": "authorization.k8s.io/v1",
                    "kind": "SelfSubjectAccessReview",
                    "spec": {
                        "resourceAttributes": {
                            "namespace": self.namespace, "verb": verb, "group": group,
                            "resource": resource, **({"subresource": sub} if sub else {}),
                        }
                    },
                }
                result = self._call(
                    Action("create", "selfsubjectaccessreviews"), auth.create_self_subject_access_review, review
                )
                if not (result.status and result.status.allowed):
                    missing.append(f"{verb} {resource}{'/' + sub if sub else ''}")
        except TektonError as e:
            return ConnectionCheck(ok=False, message=e.message)
        if missing:
            return ConnectionCheck(
                ok=False,
                message=f"Tekton is installed at {self.server}, but {self.access_text()} may not "
                f"{', '.join(missing)} in namespace '{self.namespace}'; ask a cluster administrator "
                "for a Role that allows it",
            )
        note = f" ({namespace_note[1]})" if namespace_note else ""
        return ConnectionCheck(
            ok=True,
            message=f"Tekton is installed at {self.server} and PipelineRuns can be created in "
            f"namespace '{self.namespace}'{note}",
        )

    def _namespace_note(self) -> tuple[bool, str] | None:
        """(exists, text) — or a note when we may not read namespaces (common for users)."""
        try:
            self._call(Action("get", "namespaces", self.namespace), self._core().read_namespace, self.namespace)
            return None
        except NotFound:
            return (False, f"namespace '{self.namespace}' does not exist on the cluster at {self.server}")
        except Forbidden:
            return (True, f"whether namespace '{self.namespace}' exists could not be checked: reading namespaces is not allowed")

    def close(self) -> None:
        if self._api is not None:
            try:
                self._api.close()
            except Exception:  # noqa: BLE001 - closing a pool must never fail a request
                pass
            self._api = None


# ---- in-cluster access --------------------------------------------------------------------

# Where Kubernetes mounts a pod's service account (token, ca.crt, namespace). Overridable for
# tests and for pods that mount a projected token elsewhere.
SERVICEACCOUNT_DIR_ENV = "JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR"
DEFAULT_SERVICEACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def serviceaccount_dir() -> str:
    return os.environ.get(SERVICEACCOUNT_DIR_ENV) or DEFAULT_SERVICEACCOUNT_DIR


def load_in_cluster(configuration) -> None:
    """The kubernetes client's in-cluster loader (KUBERNETES_SERVICE_HOST/PORT, the token
    re-read every minute, so rotated projected tokens keep working), reading the token and CA
    from `$JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR` (default: the standard mount)."""
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import SERVICE_HOST_ENV_NAME, SERVICE_PORT_ENV_NAME, InClusterConfigLoader

    directory = serviceaccount_dir()
    if not (os.environ.get(SERVICE_HOST_ENV_NAME) and os.environ.get(SERVICE_PORT_ENV_NAME)):
        raise ConfigException(
            f"{SERVICE_HOST_ENV_NAME}/{SERVICE_PORT_ENV_NAME} are not set: the Jupyter server does not run in a "
            "Kubernetes pod (use a kubeconfig context instead)"
        )
    for name in ("token", "ca.crt"):
        if not os.path.isfile(os.path.join(directory, name)):
            raise ConfigException(
                f"no service account {name} in {directory} (is a service account token mounted? "
                f"{SERVICEACCOUNT_DIR_ENV} names another folder)"
            )
    InClusterConfigLoader(
        token_filename=os.path.join(directory, "token"),
        cert_filename=os.path.join(directory, "ca.crt"),
        try_refresh_token=True,
    ).load_and_set(configuration)


# ---- error mapping ------------------------------------------------------------------------


class Action:
    """What a call tried to do, for messages: verb, resource (plural), object name."""

    def __init__(self, verb: str, resource: str, name: str | None = None, container: str | None = None) -> None:
        self.verb, self.resource, self.name, self.container = verb, resource, name, container

    @property
    def kind(self) -> str:
        if self.resource == "pods/log":
            return "pod log"
        return KINDS.get(self.resource, self.resource.rstrip("s"))

    def describe(self, namespace: str) -> str:
        what = f"{self.kind} '{self.name}'" if self.name else KINDS.get(self.resource, self.resource) + "s"
        if self.container:
            what = f"log of container '{self.container}' of pod '{self.name}'"
        return f"{self.verb} {what} in namespace '{namespace}'"


def plural_of(kind: str) -> str:
    try:
        return PLURALS[kind]
    except KeyError:
        raise InvalidRequest(
            f"documents: kind '{kind}' is not a Tekton object this extension creates "
            f"(expected one of {', '.join(PLURALS)})",
            property="documents",
        ) from None


def first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


def status_body(error) -> dict:
    """The API's Status object from an ApiException, or {} when the body is not one."""
    try:
        body = json.loads(error.body or "")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def api_error(error, action: Action, cluster: TektonCluster) -> TektonError:
    """An ApiException as the TektonError a user understands, with the API's own text."""
    status = error.status or 0
    body = status_body(error)
    api_message = str(body.get("message") or (error.body or "").strip() or error.reason or "")[:2000]
    api_reason = str(body.get("reason") or error.reason or "")
    details = body.get("details") or {}
    ns = cluster.namespace
    extra = {"api_status": status, "api_reason": api_reason, "api_message": api_message}
    said = f" Kubernetes said: {api_message}" if api_message else ""
    # Webhooks: 'admission webhook "x" denied the request'; ValidatingAdmissionPolicy: '… denied request'.
    admission = any(t in api_message for t in ("admission webhook", "denied the request", "denied request"))
    kind = action.kind

    if admission and status in (400, 403, 422, 500):
        return InvalidRequest(
            f"The cluster's admission control rejected the {kind}.{said}", reason="admission_denied", **extra
        )
    if status == 401:
        return Forbidden(
            f"The Kubernetes API server at {cluster.server} did not accept the credentials "
            f"({cluster.access_text()}): they may have "
            "expired; log in again or refresh the kubeconfig.",
            reason="kube_unauthorized", **extra,
        )
    if status == 403:
        return Forbidden(
            f"Not allowed to {action.describe(ns)} with {cluster.access_text()}: ask a cluster administrator for a Role that "
            f"allows '{action.verb}' on '{action.resource}' in that namespace.{said}",
            reason="kube_forbidden", **extra,
        )
    if status == 404:
        if not details.get("name") and not details.get("kind") and action.resource in KINDS:
            return Unavailable(
                f"Tekton is not installed on the cluster at {cluster.server}: its API has no "
                f"{API_VERSION} {action.resource}. Install Tekton Pipelines (or OpenShift Pipelines), "
                "or choose another runtime configuration.",
                reason="tekton_not_installed", **extra,
            )
        if details.get("kind") == "namespaces":
            return NotFound(
                f"Namespace '{ns}' does not exist on the cluster at {cluster.server}.{said}",
                reason="namespace_not_found", property="namespace", **extra,
            )
        return NotFound(f"Not found: {action.describe(ns)}.{said}", reason="kube_not_found", **extra)
    if status == 409 and api_reason == "AlreadyExists":
        return Conflict(f"A {kind} named '{action.name or details.get('name')}' already exists in namespace '{ns}'; "
                        "use another name, or none so that Kubernetes generates one.", reason="kube_conflict", **extra)
    if status == 409:
        return Conflict(f"Cannot {action.describe(ns)}: it conflicts with the cluster's state.{said}",
                        reason="kube_conflict", **extra)
    if status == 422:
        return InvalidRequest(f"Kubernetes rejected the {kind} as invalid.{said}", reason="kube_invalid", **extra)
    if status == 400:
        return InvalidRequest(f"Kubernetes refused to {action.describe(ns)}.{said}", reason="kube_bad_request", **extra)
    if status in (429, 503, 504):
        return Unavailable(
            f"The Kubernetes API server at {cluster.server} is overloaded or unavailable ({status}); try again.{said}",
            reason="kube_unavailable", **extra,
        )
    return UpstreamError(f"Kubernetes could not {action.describe(ns)} ({status}).{said}", reason="kube_error", **extra)


def connection_error(error: Exception, action: Action, cluster: TektonCluster) -> TektonError | None:
    """A network-level failure as a 503, or None when `error` is not one (a bug)."""
    import ssl

    import urllib3.exceptions as ux

    cause: BaseException = error
    if isinstance(error, ux.MaxRetryError) and error.reason is not None:
        cause = error.reason
    # (NewConnectionError is a ConnectTimeoutError in urllib3 2: test it first.)
    if isinstance(cause, ux.NameResolutionError):
        why = "its host name does not resolve"
    elif isinstance(cause, (ux.NewConnectionError, ConnectionError)) and "timed out" not in str(cause):
        why = f"connection failed: {_tail(cause)}"
    elif isinstance(cause, (ux.ConnectTimeoutError, ux.NewConnectionError)):
        why = "the connection timed out"
    elif isinstance(cause, (ux.ReadTimeoutError, TimeoutError)):
        why = "it did not answer in time"
    elif isinstance(cause, (ux.SSLError, ssl.SSLError)):
        why = f"TLS failed: {_tail(cause)}"
    elif isinstance(cause, (ux.ProtocolError, ux.HTTPError, OSError)):
        why = f"{type(cause).__name__}: {_tail(cause)}"
    else:
        return None
    return Unavailable(
        f"The Kubernetes API server at {cluster.server} is unreachable ({why}) — could not "
        f"{action.describe(cluster.namespace)}. Is the cluster running, and is the kubeconfig current?",
        reason="cluster_unreachable",
    )


def _tail(error: BaseException) -> str:
    """The human part of a urllib3/socket error ('[Errno 111] Connection refused')."""
    text = str(error)
    if "]" in text and "[Errno" in text:
        return text[text.index("[Errno"):].split("'")[0].split('"')[0].strip(" )")
    return text.split(": ", 1)[-1][:200]
