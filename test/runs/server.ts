/**
 * A runs server as a table, behind the one request choke point (`requestAPI`), the way
 * jupyterlab-git's tests mock only `requestAPI`: the real `TektonService`, `RunsClient`
 * and `RunsModel` run on top of it. Tests move runs forward by editing the table.
 */
import type { Tekton } from '../../src/services';

export interface ICall {
  method: string;
  endPoint: string;
  body?: unknown;
}

export class FakeRunsServer {
  runs = new Map<string, Tekton.IDescribeRun>();
  logs = new Map<string, string>();
  calls: ICall[] = [];
  /** When set, every request fails with this error (server gone). */
  down: Error | null = null;
  /** When set, POST …/rerun fails with this error (e.g. the server's 409 text). */
  rerunError: Error | null = null;
  /** When set, POST …/nodes/{task}/copy fails with this error. */
  copyError: Error | null = null;

  handle = async (endPoint: string, init: RequestInit = {}): Promise<unknown> => {
    const method = (init.method ?? 'GET').toUpperCase();
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    this.calls.push({ method, endPoint, body });
    if (this.down) {
      throw this.down;
    }
    const [path, query = ''] = endPoint.split('?');
    const params = new URLSearchParams(query);
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === 'runs') {
      return {
        runs: [...this.runs.values()].reverse().map(summary),
        errors: []
      };
    }
    if (method === 'POST' && path === 'runs/local') {
      const id = `run-${this.runs.size + 1}`;
      const ir = body.ir;
      const run = localRun(id, body.pipeline_path, ir.nodes.map((n: any) => ({ id: n.id, task: n.taskName, label: n.label })));
      this.runs.set(id, run);
      return run;
    }
    if ((m = path.match(/^runs\/(?:tekton\/([^/]+)\/)?([^/]+)$/)) && method === 'GET') {
      return this.get(decodeURIComponent(m[2]));
    }
    if ((m = path.match(/^runs\/(?:tekton\/([^/]+)\/)?([^/]+)\/cancel$/)) && method === 'POST') {
      const run = this.get(decodeURIComponent(m[2]));
      run.status = 'cancelled';
      run.nodes.forEach(n => (n.status = n.status === 'succeeded' ? n.status : 'cancelled'));
      return run;
    }
    if ((m = path.match(/^runs\/(?:tekton\/([^/]+)\/)?([^/]+)\/rerun$/)) && method === 'POST') {
      if (this.rerunError) {
        throw this.rerunError;
      }
      // Like the server: a new PipelineRun from the old one's spec, same parameters.
      const old = this.get(decodeURIComponent(m[2]));
      const run: Tekton.IDescribeRun = JSON.parse(JSON.stringify(old));
      run.id = `${old.id}-r${this.runs.size + 1}`;
      run.status = 'pending';
      run.message = null;
      run.started = run.finished = run.duration_seconds = null;
      run.created = new Date().toISOString();
      run.upload = null;
      run.nodes.forEach(n => Object.assign(n, { status: 'pending', started: null, finished: null, message: null }));
      this.runs.set(run.id, run);
      return run;
    }
    if ((m = path.match(/^runs\/(?:tekton\/([^/]+)\/)?([^/]+)\/nodes\/([^/]+)\/log$/)) && method === 'GET') {
      const run = this.get(decodeURIComponent(m[2]));
      const text = this.logs.get(`${run.id}/${m[3]}`) ?? '';
      const offset = Number(params.get('offset') ?? 0);
      const node = run.nodes.find(n => n.task_name === m![3])!;
      return {
        task_name: m[3],
        offset,
        next_offset: text.length,
        size: text.length,
        content: text.slice(offset),
        complete: ['succeeded', 'failed', 'cancelled', 'skipped'].includes(node.status)
      };
    }
    if ((m = path.match(/^runs\/tekton\/([^/]+)\/([^/]+)\/nodes\/([^/]+)\/copy$/)) && method === 'POST') {
      // Like the server: the node's files into <runs root>/<pipeline>/<run>/<task>/.
      const run = this.get(decodeURIComponent(m[2]));
      const node = run.nodes.find(n => n.task_name === m![3])!;
      if (this.copyError) {
        throw this.copyError;
      }
      const folder = `pipeline-runs/${run.pipeline_name}/${run.id}/${node.task_name}`;
      const notebook = node.notebook_uri ? `${folder}/${node.notebook_uri.slice(node.artifacts_uri!.length)}` : null;
      return { task_name: node.task_name, path: folder, notebook_path: notebook, log_path: `${folder}/run.log`, files: [], bytes: 0 };
    }
    throw Object.assign(new Error(`no route ${method} ${endPoint}`), { response: { status: 404 } });
  };

  get(id: string): Tekton.IDescribeRun {
    const run = this.runs.get(id);
    if (!run) {
      throw Object.assign(new Error(`run ${id} not found`), { response: { status: 404 } });
    }
    return run;
  }

  countOf(method: string, prefix: string): number {
    return this.calls.filter(c => c.method === method && c.endPoint.startsWith(prefix)).length;
  }
}

export function localRun(
  id: string,
  pipelinePath: string,
  nodes: { id: string; task: string; label: string }[],
  backend: Tekton.Backend = 'local'
): Tekton.IDescribeRun {
  return {
    id,
    backend,
    pipeline_name: 'producer-consumer',
    display_name: 'producer-consumer',
    pipeline_path: pipelinePath,
    pipeline_sha256: null,
    pipeline_copy_path: null,
    status: 'pending',
    message: null,
    created: '2026-11-26T10:00:00Z',
    started: null,
    finished: null,
    duration_seconds: null,
    parameters: [],
    max_parallelism: 2,
    interpreter: null,
    artifacts_path: `runs/producer-consumer/${id}`,
    nodes: nodes.map(n => ({
      id: n.id,
      label: n.label,
      task_name: n.task,
      kind: 'notebook',
      file: `${n.label}.ipynb`,
      status: 'pending',
      started: null,
      finished: null,
      duration_seconds: null,
      exit_code: null,
      engine: null,
      message: null,
      artifacts_path: `runs/producer-consumer/${id}/${n.task}`,
      notebook_path: `runs/producer-consumer/${id}/${n.task}/${n.label}.ipynb`,
      log_path: null,
      outputs: []
    }))
  };
}

function summary(run: Tekton.IDescribeRun): Tekton.IRunSummary {
  const counts: { [s: string]: number } = {};
  run.nodes.forEach(n => (counts[n.status] = (counts[n.status] ?? 0) + 1));
  const { nodes: _n, parameters: _p, interpreter: _i, max_parallelism: _m, message: _msg, ...rest } = run;
  return { ...rest, node_counts: counts } as Tekton.IRunSummary;
}
