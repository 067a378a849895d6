/**
 * The runs endpoints the panel needs, one interface for both backends: local runs are
 * addressed by id, Tekton runs by runtime configuration and PipelineRun name.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { API_NAMESPACE, requestAPI, TektonService } from '../services';
import type { Tekton } from '../services';

export type IRunEntry = Tekton.IRunSummary;
export type IRunDetail = Tekton.IDescribeRun;

/** POST …/nodes/{task}/copy: the node's files, copied from object storage under the server root. */
export interface ICopiedNodeArtifacts {
  task_name: string;
  /** Server-root relative folder: <runs root>/<pipeline>/<run>/<task>. */
  path: string;
  notebook_path: string | null;
  log_path: string | null;
  files: string[];
  bytes: number;
}

/** Minimal identity of a run: enough to address it on the server. */
export interface IRunRef {
  id: string;
  backend?: Tekton.Backend;
  runtime_config?: string | null;
}

export interface IListResult {
  runs: IRunEntry[];
  /** Runtime configurations whose cluster could not be listed (the others still are). */
  errors: Tekton.IListRunsError[];
}

export class RunsClient {
  constructor(readonly service: TektonService = new TektonService()) {}

  async list(): Promise<IListResult> {
    const reply = await this.service.listRuns();
    return { runs: reply.runs ?? [], errors: reply.errors ?? [] };
  }

  get(run: IRunRef): Promise<IRunDetail> {
    return isTekton(run) ? this.service.getTektonRun(run.runtime_config!, run.id) : this.service.getRun(run.id);
  }

  cancel(run: IRunRef): Promise<IRunDetail> {
    return isTekton(run) ? this.service.cancelTektonRun(run.runtime_config!, run.id) : this.service.cancelRun(run.id);
  }

  /** A new run with the same parameters: Tekton copies the PipelineRun's spec, a local run
   * repeats the pipeline as it was compiled then, with the current node files. */
  rerun(run: IRunRef): Promise<IRunDetail> {
    return isTekton(run) ? this.service.rerunTektonRun(run.runtime_config!, run.id) : this.service.rerunRun(run.id);
  }

  log(run: IRunRef, taskName: string, offset: number): Promise<Tekton.INodeLog> {
    return isTekton(run)
      ? this.service.getTektonNodeLog(run.runtime_config!, run.id, taskName, { offset })
      : this.service.getNodeLog(run.id, taskName, offset);
  }

  /** Copy a Tekton node's files (executed notebook, log, outputs) from object storage to
   * `<runs root>/<pipeline>/<run>/<task>/`, so they open in JupyterLab. */
  copyNodeArtifacts(run: IRunRef, taskName: string): Promise<ICopiedNodeArtifacts> {
    return requestAPI<ICopiedNodeArtifacts>(
      `${tektonRunPath(run)}/nodes/${encodeURIComponent(taskName)}/copy`,
      { method: 'POST' },
      this.service.serverSettings
    );
  }

  /** A plain link that downloads one object of a Tekton run (`path` relative to the run's prefix). */
  artifactUrl(run: IRunRef, path: string): string {
    const segments = path.split('/').filter(Boolean).map(encodeURIComponent);
    return URLExt.join(this.service.serverSettings.baseUrl, API_NAMESPACE, tektonRunPath(run), 'artifacts', ...segments);
  }

  startLocal(body: Tekton.ICreateLocalRun): Promise<IRunDetail> {
    return this.service.createLocalRun(body);
  }
}

function tektonRunPath(run: IRunRef): string {
  if (!isTekton(run)) {
    throw new Error(`run ${run.id} is not a Tekton run: its files are in its run folder`);
  }
  return `runs/tekton/${encodeURIComponent(run.runtime_config!)}/${encodeURIComponent(run.id)}`;
}

export function isTekton(run: IRunRef): boolean {
  return run.backend === 'tekton' && !!run.runtime_config;
}

/** Key that tells runs of both backends apart (a PipelineRun name may equal a local id). */
export function runKey(run: IRunRef): string {
  return run.backend === 'tekton' ? `tekton/${run.runtime_config ?? ''}/${run.id}` : `local/${run.id}`;
}
