"""Wire models of the REST API (`openapi.yaml`), named by verb.

Requests: `CreateLocalRun`, `CreateTektonRun`, `ListRunsQuery`, `CreateRuntimeConfig`, `UpdateRuntimeConfig`.
Replies: `DescribeRun`, `ListRunsResponse`, `NodeLog`, `DescribeRuntimeConfig`, ...
The TypeScript mirror is the `Tekton` namespace in `src/services/tekton.ts`: same names
(with an `I` prefix), same snake_case fields.

The compiled pipeline (`IRPipeline`, `IUpload`) is the compiler's contract
(`src/compiler/types.ts`) and keeps its camelCase field names; these models only check it
enough to run it safely (names usable as folder names, references to known tasks, a DAG).
"""
from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RUN_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,252}$")


def _check_dns_label(value: str, what: str) -> str:
    if not DNS1123_LABEL.match(value):
        raise ValueError(
            f"{what} '{value}' is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)"
        )
    return value


# ---- the compiled pipeline (compiler contract, camelCase) ------------------------------


class _IRModel(BaseModel):
    # Unknown compiler fields ride along (they are stored in ir.json untouched).
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class NodeKind(str, Enum):
    notebook = "notebook"
    python = "python"
    r = "r"


class ParameterType(str, Enum):
    String = "String"
    Integer = "Integer"
    Float = "Float"
    Bool = "Bool"


ParameterValue = Union[bool, int, float, str, None]


class IRParameter(_IRModel):
    name: str
    type: ParameterType = ParameterType.String
    value: ParameterValue = None
    description: str | None = None
    required: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError(f"parameter name '{value}' is not an identifier")
        return value


class IREnvVar(_IRModel):
    name: str
    value: str = ""

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not value or "=" in value or "\x00" in value:
            raise ValueError(f"environment variable name '{value}' is invalid")
        return value


class IRNode(_IRModel):
    id: str
    label: str = ""
    task_name: str
    kind: NodeKind
    file: str
    base_dir: str = ""
    dependencies: list[str] = []
    include_subdirectories: bool = False
    outputs: list[str] = []
    runtime_image: str = ""
    env: list[IREnvVar] = []
    parameters: list[str] = []
    timeout: str | None = None
    retries: int | None = None
    run_after: list[str] = []
    inputs_from: list[str] = []

    @field_validator("task_name")
    @classmethod
    def _task_name(cls, value: str) -> str:
        return _check_dns_label(value, "task name")

    @property
    def display(self) -> str:
        return self.label or self.task_name


class IRPipeline(_IRModel):
    name: str
    display_name: str = ""
    description: str | None = None
    parameters: list[IRParameter] = []
    nodes: list[IRNode] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_dns_label(value, "pipeline name")

    @model_validator(mode="after")
    def _dag(self) -> IRPipeline:
        """Task names unique; runAfter/inputsFrom name earlier nodes (so the order is a DAG)."""
        seen: set[str] = set()
        params = {p.name for p in self.parameters}
        for index, node in enumerate(self.nodes):
            if node.task_name in seen:
                raise ValueError(f"nodes.{index}.taskName: duplicate task name '{node.task_name}'")
            for prop in ("run_after", "inputs_from"):
                for upstream in getattr(node, prop):
                    if upstream not in seen:
                        raise ValueError(
                            f"nodes.{index}.{to_camel(prop)}: '{upstream}' is not a task that "
                            "comes earlier in the (topologically sorted) node list"
                        )
            for name in node.parameters:
                if name not in params:
                    raise ValueError(f"nodes.{index}.parameters: unknown pipeline parameter '{name}'")
            seen.add(node.task_name)
        return self

    def node(self, task_name: str) -> IRNode | None:
        return next((n for n in self.nodes if n.task_name == task_name), None)


class ContentUpload(_IRModel):
    kind: Literal["content"]
    key: str
    content: str


class FilesUpload(_IRModel):
    kind: Literal["files"]
    key_prefix: str
    task_name: str
    node_id: str
    base_dir: str = ""
    patterns: list[str]
    include_subdirectories: bool = False


Upload = Annotated[Union[ContentUpload, FilesUpload], Field(discriminator="kind")]


# ---- REST models (snake_case) -----------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateLocalRun(_Wire):
    """POST /tekton/runs/local: the compile result and the file it came from."""

    ir: IRPipeline
    uploads: list[Upload] = []
    pipeline_path: str
    # Overrides of `ir.parameters[].value` by name (e.g. "run again with x=2").
    parameters: dict[str, ParameterValue] = {}


class RunStatus(str, Enum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"  # the process running it went away (server restart)
    timed_out = "timed_out"  # Tekton: the PipelineRun exceeded its timeout


class NodeStatus(str, Enum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"  # an upstream node did not succeed (Tekton: also `when` was false)
    cancelled = "cancelled"
    interrupted = "interrupted"
    timed_out = "timed_out"  # Tekton: the TaskRun exceeded its timeout


FINISHED_RUN = {
    RunStatus.succeeded,
    RunStatus.failed,
    RunStatus.cancelled,
    RunStatus.interrupted,
    RunStatus.timed_out,
}
FINISHED_NODE = {
    NodeStatus.succeeded,
    NodeStatus.failed,
    NodeStatus.skipped,
    NodeStatus.cancelled,
    NodeStatus.interrupted,
    NodeStatus.timed_out,
}


class RunParameter(_Wire):
    name: str
    type: ParameterType
    value: ParameterValue


class Interpreter(_Wire):
    """What executed the nodes: the Python running runner.py (and its kernel)."""

    python: str
    version: str


class DescribeNode(BaseModel):
    id: str
    label: str
    task_name: str
    kind: NodeKind
    file: str
    status: NodeStatus = NodeStatus.pending
    started: datetime | None = None
    finished: datetime | None = None
    duration_seconds: float | None = None
    exit_code: int | None = None
    # The runner's engine (papermill, nbclient, ...), from its status.json.
    engine: str | None = None
    message: str | None = None
    # Server-root relative posix paths (open them with the contents API).
    artifacts_path: str | None = None
    notebook_path: str | None = None
    log_path: str | None = None
    outputs: list[str] = []
    # Tekton runs: where the save step puts this node's artifacts (s3://bucket/prefix/task/)
    # and the executed notebook, in the runtime configuration's object storage.
    artifacts_uri: str | None = None
    notebook_uri: str | None = None


class RunLinks(BaseModel):
    """Where to look at a Tekton run in the cluster's own UIs (from the runtime configuration)."""

    dashboard: str | None = None  # Tekton Dashboard
    console: str | None = None  # OpenShift web console


class UploadState(str, Enum):
    uploading = "uploading"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


class UploadProgressInfo(BaseModel):
    """A Tekton submission's upload: the PipelineRun waits (pending) until it is done."""

    state: UploadState
    bytes_done: int = 0
    bytes_total: int = 0
    files_done: int = 0
    files_total: int = 0
    current_key: str | None = None
    message: str | None = None


class DescribeRun(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    backend: Literal["local", "tekton"] = "local"
    pipeline_name: str
    display_name: str
    pipeline_path: str
    pipeline_sha256: str | None = None
    pipeline_copy_path: str | None = None
    status: RunStatus = RunStatus.pending
    message: str | None = None
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    duration_seconds: float | None = None
    parameters: list[RunParameter] = []
    max_parallelism: int = 1
    interpreter: Interpreter | None = None
    artifacts_path: str | None = None
    nodes: list[DescribeNode] = []
    # Tekton runs (backend "tekton"): `id` is the PipelineRun's name.
    runtime_config: str | None = None
    namespace: str | None = None
    links: RunLinks | None = None
    artifacts_uri: str | None = None
    upload: UploadProgressInfo | None = None


class RunSummary(BaseModel):
    id: str
    backend: Literal["local", "tekton"]
    pipeline_name: str
    display_name: str
    pipeline_path: str
    status: RunStatus
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    duration_seconds: float | None = None
    artifacts_path: str | None = None
    # How many nodes are in each NodeStatus, e.g. {"succeeded": 3, "running": 1}.
    node_counts: dict[str, int] = {}
    # Tekton runs: address them as /tekton/runs/tekton/{runtime_config}/{id}.
    runtime_config: str | None = None
    namespace: str | None = None
    links: RunLinks | None = None


class ListRunsQuery(_Wire):
    pipeline_path: str | None = None
    # The compiled pipeline's name (`ir.name`): Tekton runs are selected by its label.
    pipeline_name: str | None = None
    status: RunStatus | None = None
    backend: Literal["local", "tekton"] | None = None
    # Only this runtime configuration's Tekton runs (default: every configuration's).
    runtime_config: str | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class ListRunsError(_Wire):
    """A runtime configuration whose runs could not be listed (the others still are)."""

    runtime_config: str
    message: str
    reason: str


class ListRunsResponse(_Wire):
    runs: list[RunSummary]
    errors: list[ListRunsError] = []


class CreateTektonRun(_Wire):
    """POST /tekton/runs/tekton: a pipeline compiled with a runtime configuration's settings."""

    runtime_config: str
    ir: IRPipeline
    uploads: list[Upload] = []
    # ICompileResult.documents: the Tekton objects to create, in order, the PipelineRun last.
    documents: list[dict[str, Any]] = Field(min_length=1)
    pipeline_path: str


class NodeLog(_Wire):
    """A slice of a node's log: bytes [offset, next_offset) decoded as UTF-8."""

    task_name: str
    offset: int
    next_offset: int
    size: int
    content: str
    # True once the node has finished: no more content will arrive.
    complete: bool


class RunArtifact(_Wire):
    """One object a Tekton run stored; `path` is relative to the run's prefix (`<task>/run.log`)."""

    path: str
    size: int
    last_modified: datetime | None = None


class ListRunArtifactsResponse(_Wire):
    """GET …/artifacts[?node=TASK]: what lies under the run's (or node's) prefix."""

    uri: str  # s3://bucket/<pipeline>/<run>/[<task>/]
    artifacts: list[RunArtifact]


class CopiedNodeArtifacts(_Wire):
    """POST …/nodes/{task}/copy: a node's files copied under the server root (posix paths)."""

    task_name: str
    path: str  # the folder: <runs root>/<pipeline>/<run>/<task>
    notebook_path: str | None = None  # the executed notebook, for notebook nodes
    log_path: str | None = None
    files: list[str]
    bytes: int


class ServerInfo(_Wire):
    """GET /tekton/info: lets the UI check that the server extension is installed."""

    version: str
    runs_root: str
    max_parallelism: int
    python: str
    backends: list[str]


# ---- runtime configurations (issue 7) ---------------------------------------------------


class CredentialsMode(str, Enum):
    env = "env"  # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the server's environment
    profile = "profile"  # a named AWS profile of the server's user (~/.aws)
    keys = "keys"  # keys stored with the configuration (file mode 0600)


CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class RuntimeConfigFields(_Wire):
    """Everything a runtime configuration holds except its name and secret values."""

    display_name: str = ""
    description: str = ""
    # Kubernetes access: a kubeconfig context of the server's user, or the pod's own
    # service account when JupyterLab runs in the cluster.
    kube_context: str | None = None
    # kubeconfig file on the server (default: $KUBECONFIG, else ~/.kube/config).
    kubeconfig: str | None = None
    in_cluster: bool = False
    namespace: str = "default"
    service_account: str | None = None
    # Object storage as the pods reach it (e.g. http://minio.minio:9000) ...
    storage_endpoint: str = ""
    # ... and as this server reaches it, when different (e.g. http://127.0.0.1:9000).
    storage_server_endpoint: str | None = None
    bucket: str = ""
    region: str | None = None
    # Kubernetes Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the task pods.
    storage_secret_name: str = ""
    credentials_mode: CredentialsMode = CredentialsMode.env
    aws_profile: str | None = None
    default_runtime_image: str | None = None
    transfer_image: str | None = None
    dashboard_url: str | None = None
    console_url: str | None = None

    @field_validator("namespace", "service_account", "storage_secret_name")
    @classmethod
    def _k8s_name(cls, value: str | None, info: Any) -> str | None:
        if value:
            if not re.match(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", value):
                raise ValueError(f"{info.field_name} '{value}' is not a valid Kubernetes name")
        return value

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        if value and not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", value):
            raise ValueError(f"bucket '{value}' is not a valid S3 bucket name")
        return value

    @field_validator("storage_endpoint", "storage_server_endpoint", "dashboard_url", "console_url")
    @classmethod
    def _url(cls, value: str | None, info: Any) -> str | None:
        if value and not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError(f"{info.field_name} '{value}' is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _profile_named(self) -> RuntimeConfigFields:
        if self.credentials_mode == CredentialsMode.profile and not self.aws_profile:
            raise ValueError("aws_profile: credentials_mode 'profile' needs a profile name")
        return self


class RuntimeConfigSecrets(_Wire):
    """Write-only fields: accepted in requests, never present in replies.

    On update, an omitted (null) field keeps the stored value; an empty string clears it.
    """

    access_key_id: str | None = None
    secret_access_key: str | None = None


class CreateRuntimeConfig(RuntimeConfigFields, RuntimeConfigSecrets):
    name: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not CONFIG_NAME.match(value):
            raise ValueError(
                f"name '{value}' must start with a letter or digit and contain only "
                "letters, digits, '.', '_' or '-' (at most 63)"
            )
        return value


class UpdateRuntimeConfig(RuntimeConfigFields, RuntimeConfigSecrets):
    pass


class DescribeRuntimeConfig(RuntimeConfigFields):
    name: str
    has_access_key_id: bool = False
    has_secret_key: bool = False
    updated: datetime | None = None


class ListRuntimeConfigsResponse(_Wire):
    runtime_configs: list[DescribeRuntimeConfig]


class ConnectionCheck(_Wire):
    ok: bool
    message: str


class CheckRuntimeConfigResponse(_Wire):
    """POST /tekton/runtime-configs/{name}/test: one check per component, each with a verdict."""

    storage: ConnectionCheck
    kubernetes: ConnectionCheck | None = None
