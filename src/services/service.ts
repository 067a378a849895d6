/**
 * `TektonService`: one typed method per endpoint of the server extension
 * (`jupyterlab_tekton/openapi.yaml`). Stateless apart from the server settings; models
 * (runs panel, runtime-config editor) own polling and caching.
 */
import { ServerConnection } from '@jupyterlab/services';
import { queryString, requestAPI } from './request';
import type { Tekton } from './tekton';

export class TektonService {
  constructor(options: TektonService.IOptions = {}) {
    this.serverSettings = options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  /** GET /tekton/info — also the check that the server extension is installed. */
  getInfo(): Promise<Tekton.IServerInfo> {
    return this._get('info');
  }

  // ---- runs ----------------------------------------------------------------------------

  /** POST /tekton/runs/local — start a local run of a compiled pipeline (reply 202). */
  createLocalRun(body: Tekton.ICreateLocalRun): Promise<Tekton.IDescribeRun> {
    return this._send('runs/local', 'POST', body);
  }

  /**
   * GET /tekton/runs — local runs and the runtime configurations' Tekton runs, newest
   * first; configurations whose cluster cannot be read are in `errors`.
   */
  listRuns(query: Tekton.IListRunsQuery = {}): Promise<Tekton.IListRunsResponse> {
    return this._get(`runs${queryString({ ...query })}`);
  }

  /** GET /tekton/runs/{id} — the run with per-node state, times, exit codes, artifacts. */
  getRun(runId: string): Promise<Tekton.IDescribeRun> {
    return this._get(`runs/${encodeURIComponent(runId)}`);
  }

  /** POST /tekton/runs/{id}/cancel — stop running nodes, cancel pending ones (reply 202). */
  cancelRun(runId: string): Promise<Tekton.IDescribeRun> {
    return this._send(`runs/${encodeURIComponent(runId)}/cancel`, 'POST');
  }

  /** POST /tekton/runs/{id}/rerun — a new local run of a finished one (reply 202: the new run). */
  rerunRun(runId: string): Promise<Tekton.IDescribeRun> {
    return this._send(`runs/${encodeURIComponent(runId)}/rerun`, 'POST');
  }

  /** DELETE /tekton/runs/{id} — remove a finished run and its artifacts. */
  deleteRun(runId: string): Promise<void> {
    return this._send(`runs/${encodeURIComponent(runId)}`, 'DELETE');
  }

  /**
   * GET /tekton/runs/{id}/nodes/{task}/log — a slice of a node's log from byte `offset`;
   * call again with `next_offset` until `complete`.
   */
  getNodeLog(runId: string, taskName: string, offset = 0, limit?: number): Promise<Tekton.INodeLog> {
    const path = `runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(taskName)}/log`;
    return this._get(path + queryString({ offset, limit }));
  }

  // ---- Tekton runs ---------------------------------------------------------------------

  /**
   * POST /tekton/runs/tekton — submit; replies (202) as soon as the PipelineRun exists,
   * pending while its files upload (`upload` in `getTektonRun` shows the progress).
   */
  createTektonRun(body: Tekton.ICreateTektonRun): Promise<Tekton.IDescribeRun> {
    return this._send('runs/tekton', 'POST', body);
  }

  /** GET /tekton/runs/tekton/{config}/{name} — the run with per-node state (cheap to poll). */
  getTektonRun(runtimeConfig: string, name: string): Promise<Tekton.IDescribeRun> {
    return this._get(Private.tektonRun(runtimeConfig, name));
  }

  /** POST …/cancel — `spec.status: Cancelled` (reply 202; 409 when it already finished). */
  cancelTektonRun(runtimeConfig: string, name: string): Promise<Tekton.IDescribeRun> {
    return this._send(`${Private.tektonRun(runtimeConfig, name)}/cancel`, 'POST');
  }

  /** POST …/rerun — a new run with the same spec and parameters (reply 202: the new run). */
  rerunTektonRun(runtimeConfig: string, name: string): Promise<Tekton.IDescribeRun> {
    return this._send(`${Private.tektonRun(runtimeConfig, name)}/rerun`, 'POST');
  }

  /** DELETE …/ — delete a finished PipelineRun (its files in object storage stay). */
  deleteTektonRun(runtimeConfig: string, name: string): Promise<void> {
    return this._send(Private.tektonRun(runtimeConfig, name), 'DELETE');
  }

  /**
   * GET …/nodes/{task}/log — the node's pod logs from byte `offset` (all steps, each under
   * a header line, or one `step`); call again with `next_offset` until `complete`.
   */
  getTektonNodeLog(
    runtimeConfig: string,
    name: string,
    taskName: string,
    options: { offset?: number; limit?: number; step?: Tekton.TektonStep } = {}
  ): Promise<Tekton.INodeLog> {
    const path = `${Private.tektonRun(runtimeConfig, name)}/nodes/${encodeURIComponent(taskName)}/log`;
    return this._get(path + queryString({ offset: options.offset ?? 0, limit: options.limit, step: options.step }));
  }

  // ---- runtime configurations ----------------------------------------------------------

  /** GET /tekton/runtime-configs */
  listRuntimeConfigs(): Promise<Tekton.IListRuntimeConfigsResponse> {
    return this._get('runtime-configs');
  }

  /** GET /tekton/runtime-configs/{name} */
  getRuntimeConfig(name: string): Promise<Tekton.IDescribeRuntimeConfig> {
    return this._get(`runtime-configs/${encodeURIComponent(name)}`);
  }

  /** POST /tekton/runtime-configs (reply 201; 409 when the name exists) */
  createRuntimeConfig(body: Tekton.ICreateRuntimeConfig): Promise<Tekton.IDescribeRuntimeConfig> {
    return this._send('runtime-configs', 'POST', body);
  }

  /** PUT /tekton/runtime-configs/{name} — replace the fields; omitted secrets are kept. */
  updateRuntimeConfig(name: string, body: Tekton.IUpdateRuntimeConfig): Promise<Tekton.IDescribeRuntimeConfig> {
    return this._send(`runtime-configs/${encodeURIComponent(name)}`, 'PUT', body);
  }

  /** DELETE /tekton/runtime-configs/{name} */
  deleteRuntimeConfig(name: string): Promise<void> {
    return this._send(`runtime-configs/${encodeURIComponent(name)}`, 'DELETE');
  }

  /**
   * POST /tekton/runtime-configs/{name}/test — what works and what does not: the bucket,
   * and the cluster (Tekton installed, namespace, permission to create PipelineRuns).
   */
  testRuntimeConfig(
    name: string,
    options: { createBucket?: boolean } = {}
  ): Promise<Tekton.ICheckRuntimeConfigResponse> {
    const query = queryString({ create_bucket: options.createBucket ? 'true' : undefined });
    return this._send(`runtime-configs/${encodeURIComponent(name)}/test${query}`, 'POST');
  }

  private _get<T>(endPoint: string): Promise<T> {
    return requestAPI<T>(endPoint, { method: 'GET' }, this.serverSettings);
  }

  private _send<T>(endPoint: string, method: 'POST' | 'PUT' | 'DELETE', body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    return requestAPI<T>(endPoint, init, this.serverSettings);
  }
}

export namespace TektonService {
  export interface IOptions {
    /** Default: `ServerConnection.makeSettings()` (the page's server, token and XSRF). */
    serverSettings?: ServerConnection.ISettings;
  }
}

namespace Private {
  export function tektonRun(runtimeConfig: string, name: string): string {
    return `runs/tekton/${encodeURIComponent(runtimeConfig)}/${encodeURIComponent(name)}`;
  }
}
