/**
 * Wire types of the server extension's REST API (`jupyterlab_tekton/openapi.yaml`).
 *
 * Each interface mirrors a pydantic model of `jupyterlab_tekton/models.py` — same name
 * with an `I` prefix, same snake_case fields — so a change on one side is easy to find
 * on the other. The compiled pipeline inside a request (`ir`, `uploads`) is the
 * compiler's own contract (`src/compiler/types.ts`, camelCase) and is reused as is.
 */
import type { IRPipeline, IUpload } from '../compiler/types';

export namespace Tekton {
  /** ISO 8601 date-time in UTC, e.g. "2026-11-26T10:00:00.123456Z". */
  export type DateTime = string;

  export type ParameterValue = string | number | boolean | null;

  export type Backend = 'local' | 'tekton';

  export type RunStatus =
    | 'pending'
    | 'running'
    | 'succeeded'
    | 'failed'
    | 'cancelled'
    | 'interrupted'
    | 'timed_out';

  export type NodeStatus =
    | 'pending'
    | 'running'
    | 'succeeded'
    | 'failed'
    | 'skipped'
    | 'cancelled'
    | 'interrupted'
    | 'timed_out';

  /** Run states after which nothing changes any more (polling can stop). */
  export const FINISHED_RUN_STATUSES: ReadonlyArray<RunStatus> = [
    'succeeded',
    'failed',
    'cancelled',
    'interrupted',
    'timed_out'
  ];

  // ---- runs ----------------------------------------------------------------------------

  /** POST /tekton/runs/local */
  export interface ICreateLocalRun {
    /** `ICompileResult.ir` of the pipeline. */
    ir: IRPipeline;
    /** `ICompileResult.uploads` (checked; a local run reads the files in place). */
    uploads?: IUpload[];
    /** The `.pipeline` file, relative to the server root. */
    pipeline_path: string;
    /** Overrides of `ir.parameters[].value`, by name. */
    parameters?: { [name: string]: ParameterValue };
  }

  export interface IRunParameter {
    name: string;
    type: 'String' | 'Integer' | 'Float' | 'Bool';
    value: ParameterValue;
  }

  export interface IInterpreter {
    python: string;
    version: string;
  }

  export interface IDescribeNode {
    /** Node id in the `.pipeline` file. */
    id: string;
    label: string;
    task_name: string;
    kind: 'notebook' | 'python' | 'r';
    file: string;
    status: NodeStatus;
    started: DateTime | null;
    finished: DateTime | null;
    duration_seconds: number | null;
    exit_code: number | null;
    /** The runner's engine, e.g. "papermill (python3)". */
    engine: string | null;
    /** Why it failed / was skipped, or save-step warnings. */
    message: string | null;
    /** Server-root relative paths, to open with the contents API. */
    artifacts_path: string | null;
    notebook_path: string | null;
    log_path: string | null;
    outputs: string[];
    /** Tekton runs: the node's artifacts in object storage (`s3://bucket/prefix/task/`). */
    artifacts_uri?: string | null;
    /** Tekton runs: the executed notebook in object storage. */
    notebook_uri?: string | null;
  }

  /** Where to see a Tekton run in the cluster's own UIs. */
  export interface IRunLinks {
    dashboard: string | null;
    console: string | null;
  }

  export type UploadState = 'uploading' | 'done' | 'failed' | 'cancelled';

  /** A Tekton submission's upload; the PipelineRun stays pending until it is done. */
  export interface IUploadProgressInfo {
    state: UploadState;
    bytes_done: number;
    bytes_total: number;
    files_done: number;
    files_total: number;
    current_key: string | null;
    message: string | null;
  }

  /** GET /tekton/runs/{id} */
  export interface IDescribeRun {
    id: string;
    backend: Backend;
    pipeline_name: string;
    display_name: string;
    pipeline_path: string;
    pipeline_sha256: string | null;
    pipeline_copy_path: string | null;
    status: RunStatus;
    message: string | null;
    created: DateTime;
    started: DateTime | null;
    finished: DateTime | null;
    duration_seconds: number | null;
    parameters: IRunParameter[];
    max_parallelism: number;
    interpreter: IInterpreter | null;
    artifacts_path: string | null;
    nodes: IDescribeNode[];
    /** Tekton runs (`backend: 'tekton'`; `id` is the PipelineRun's name). */
    runtime_config?: string | null;
    namespace?: string | null;
    links?: IRunLinks | null;
    artifacts_uri?: string | null;
    /** Progress of the upload right after a submit; null once Tekton runs it. */
    upload?: IUploadProgressInfo | null;
  }

  export interface IRunSummary {
    id: string;
    backend: Backend;
    pipeline_name: string;
    display_name: string;
    pipeline_path: string;
    status: RunStatus;
    created: DateTime;
    started: DateTime | null;
    finished: DateTime | null;
    duration_seconds: number | null;
    artifacts_path: string | null;
    /** Number of nodes per NodeStatus, e.g. `{ succeeded: 3, running: 1 }`. */
    node_counts: { [status: string]: number };
    /** Tekton runs: address them with `runtime_config` and `id`. */
    runtime_config?: string | null;
    namespace?: string | null;
    links?: IRunLinks | null;
  }

  /** GET /tekton/runs query */
  export interface IListRunsQuery {
    pipeline_path?: string;
    /** The compiled pipeline's name (`ir.name`): Tekton runs are selected by its label. */
    pipeline_name?: string;
    status?: RunStatus;
    backend?: Backend;
    /** Only this runtime configuration's Tekton runs (default: every configuration's). */
    runtime_config?: string;
    /** 1..1000, default 100; newest first. */
    limit?: number;
  }

  /** A runtime configuration whose runs could not be listed (cluster unreachable, forbidden, …). */
  export interface IListRunsError {
    runtime_config: string;
    message: string;
    reason: string;
  }

  export interface IListRunsResponse {
    runs: IRunSummary[];
    errors?: IListRunsError[];
  }

  /** POST /tekton/runs/tekton: a pipeline compiled with the runtime configuration's settings. */
  export interface ICreateTektonRun {
    runtime_config: string;
    /** `ICompileResult.ir`. */
    ir: IRPipeline;
    /** `ICompileResult.uploads`: uploaded under `<bucket>/<ir.name>/<run id>/`. */
    uploads?: IUpload[];
    /** `ICompileResult.documents`: the Tekton objects in apply order, the PipelineRun last. */
    documents: { [key: string]: unknown }[];
    /** The `.pipeline` file, relative to the server root. */
    pipeline_path: string;
  }

  /** The step containers of a Tekton node's pod. */
  export type TektonStep = 'fetch' | 'run' | 'save';

  /** GET /tekton/runs/{id}/nodes/{task}/log?offset=&limit= */
  export interface INodeLog {
    task_name: string;
    offset: number;
    /** Pass it as the next `offset` to continue where this slice ended. */
    next_offset: number;
    size: number;
    content: string;
    /** The node finished and everything was read. */
    complete: boolean;
  }

  /** GET /tekton/info */
  export interface IServerInfo {
    version: string;
    runs_root: string;
    max_parallelism: number;
    python: string;
    backends: Backend[];
  }

  // ---- runtime configurations ----------------------------------------------------------

  export type CredentialsMode = 'env' | 'profile' | 'keys';

  export interface IRuntimeConfigFields {
    display_name?: string;
    description?: string;
    kube_context?: string | null;
    /** kubeconfig file on the server (default: $KUBECONFIG, else ~/.kube/config). */
    kubeconfig?: string | null;
    in_cluster?: boolean;
    namespace?: string;
    service_account?: string | null;
    /** Object storage as the task pods reach it. */
    storage_endpoint?: string;
    /** Object storage as the Jupyter server reaches it, when different. */
    storage_server_endpoint?: string | null;
    bucket?: string;
    region?: string | null;
    /** Kubernetes Secret with the storage keys, referenced by the task pods. */
    storage_secret_name?: string;
    /** How the server authenticates for uploads. */
    credentials_mode?: CredentialsMode;
    aws_profile?: string | null;
    default_runtime_image?: string | null;
    transfer_image?: string | null;
    dashboard_url?: string | null;
    console_url?: string | null;
  }

  /**
   * Write-only: sent to the server, never returned. On update, omit (or null) to keep
   * the stored value, '' to clear it.
   */
  export interface IRuntimeConfigSecrets {
    access_key_id?: string | null;
    secret_access_key?: string | null;
  }

  /** POST /tekton/runtime-configs */
  export interface ICreateRuntimeConfig extends IRuntimeConfigFields, IRuntimeConfigSecrets {
    name: string;
  }

  /** PUT /tekton/runtime-configs/{name} (the whole configuration, secrets optional) */
  export interface IUpdateRuntimeConfig extends IRuntimeConfigFields, IRuntimeConfigSecrets {}

  export interface IDescribeRuntimeConfig extends Required<IRuntimeConfigFields> {
    name: string;
    has_access_key_id: boolean;
    has_secret_key: boolean;
    updated: DateTime | null;
  }

  export interface IListRuntimeConfigsResponse {
    runtime_configs: IDescribeRuntimeConfig[];
  }

  export interface IConnectionCheck {
    ok: boolean;
    message: string;
  }

  /** POST /tekton/runtime-configs/{name}/test */
  export interface ICheckRuntimeConfigResponse {
    storage: IConnectionCheck;
    kubernetes: IConnectionCheck | null;
  }

  // ---- errors --------------------------------------------------------------------------

  /** Body of every 4xx/5xx reply of a Tekton handler. */
  export interface IErrorBody {
    message: string;
    reason: string | null;
    details?: IErrorDetails;
  }

  export interface IErrorDetails {
    /** The node the problem belongs to (its id in the `.pipeline`). */
    nodeId?: string | null;
    /** component_parameters key, request field, or query argument. */
    property?: string | null;
    /** Validation errors: every invalid field with its message. */
    errors?: { loc: string; message: string }[];
    [key: string]: unknown;
  }
}
