import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { RunsModel } from '../../src/runs/model';
import { RunsView } from '../../src/runs/RunsPanel';
import { TektonResponseError } from '../../src/services/request';
import { FakeRunsServer, localRun } from './server';

const server = new FakeRunsServer();
jest.mock('../../src/services/request', () => {
  const actual = jest.requireActual('../../src/services/request');
  return { ...actual, requestAPI: (endPoint: string, init?: RequestInit) => server.handle(endPoint, init) };
});

const trans = nullTranslator.load('jupyterlab_tekton');

function seed() {
  server.runs.clear();
  server.calls = [];
  server.rerunError = null;
  server.copyError = null;
  server.down = null;
  const done = localRun('done-1', 'a.pipeline', [{ id: 'n1', task: 'producer', label: 'producer' }]);
  done.status = 'succeeded';
  done.started = '2026-11-26T10:00:00Z';
  done.duration_seconds = 75;
  done.nodes[0].status = 'succeeded';
  server.runs.set(done.id, done);
  const running = localRun('live-2', 'a.pipeline', [
    { id: 'n1', task: 'producer', label: 'producer' },
    { id: 'n2', task: 'consumer', label: 'consumer' }
  ]);
  running.status = 'running';
  running.started = new Date().toISOString();
  running.nodes[0].status = 'running';
  server.runs.set(running.id, running);
  server.logs.set('live-2/producer', 'line 1\n');
  const tekton = localRun('pc-x1', 'a.pipeline', [{ id: 'n1', task: 'producer', label: 'producer' }], 'tekton');
  (tekton as any).runtime_config = 'dev';
  tekton.status = 'failed';
  server.runs.set(tekton.id, tekton);
}

/** Models of the current test: disposed after it (also when it fails), so no poll outlives it. */
const models: RunsModel[] = [];
afterEach(() => {
  models.splice(0).forEach(m => m.dispose());
});

function createModel(options: RunsModel.IOptions): RunsModel {
  const model = new RunsModel(options);
  models.push(model);
  return model;
}

/** A refresh re-renders the view through the model's signals when its tick resolves. */
function refresh(model: RunsModel): Promise<void> {
  return act(() => model.refresh());
}

function setup() {
  seed();
  const model = createModel({ auto: false, standby: 'never', interval: 250 });
  const actions = { openFile: jest.fn(), openFolder: jest.fn(), notifyError: jest.fn(), notifySuccess: jest.fn() };
  render(<RunsView model={model} actions={actions} trans={trans} />);
  return { model, actions };
}

describe('RunsView', () => {
  it('lists runs with kind, state and duration; Cancel only for runs in progress', async () => {
    const { model } = setup();
    await refresh(model);
    const rows = await screen.findAllByTestId('run-row');
    expect(rows.map(r => r.dataset.runId)).toEqual(['pc-x1', 'live-2', 'done-1']);
    expect(rows.map(r => r.dataset.status)).toEqual(['failed', 'running', 'succeeded']);
    expect(rows[0].textContent).toContain('Tekton');
    expect(rows[2].textContent).toContain('local');
    expect(rows[2].textContent).toContain('1m 15s');
    expect(within(rows[1]).queryByTestId('run-cancel')).not.toBeNull();
    expect(within(rows[0]).queryByTestId('run-cancel')).toBeNull();
    expect(within(rows[2]).queryByTestId('run-cancel')).toBeNull();
  });

  it('Cancel calls the service and the row shows the new state', async () => {
    const { model } = setup();
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'live-2')!;
    fireEvent.click(within(row).getByTestId('run-cancel'));
    await waitFor(() =>
      expect(server.calls.some(c => c.method === 'POST' && c.endPoint === 'runs/live-2/cancel')).toBe(true)
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('run-row').find(r => r.dataset.runId === 'live-2')!.dataset.status).toBe(
        'cancelled'
      )
    );
  });

  it('a selected run shows its nodes, log (read incrementally), notebook and folder links', async () => {
    const { model, actions } = setup();
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'live-2')!;
    fireEvent.click(row.querySelector('.jp-tekton-RunsPanel-summary')!);
    const detail = await screen.findByTestId('run-detail');
    const nodes = within(detail).getAllByTestId('run-node');
    expect(nodes.map(n => n.dataset.status)).toEqual(['running', 'pending']);

    fireEvent.click(within(detail).getByTestId('run-open-folder'));
    expect(actions.openFolder).toHaveBeenCalledWith('runs/producer-consumer/live-2');
    fireEvent.click(within(nodes[0]).getByTestId('run-node-open-notebook'));
    expect(actions.openFile).toHaveBeenCalledWith('runs/producer-consumer/live-2/producer/producer.ipynb');

    fireEvent.click(within(nodes[0]).getByTestId('run-node-log-toggle'));
    const log = await screen.findByTestId('run-node-log');
    await waitFor(() => expect(log.textContent).toContain('line 1'));
    server.logs.set('live-2/producer', 'line 1\nline 2\n');
    await waitFor(() => expect(log.textContent).toBe('line 1\nline 2\n'));
    const offsets = server.calls
      .filter(c => c.endPoint.startsWith('runs/live-2/nodes/producer/log'))
      .map(c => new URLSearchParams(c.endPoint.split('?')[1]).get('offset'));
    expect(offsets).toContain('7');
  });

  it('says when the server cannot be reached', async () => {
    const { model } = setup();
    server.down = new Error('Failed to fetch');
    await refresh(model);
    expect((await screen.findByTestId('runs-error')).textContent).toContain('Failed to fetch');
    server.down = null;
  });

  it('Rerun is offered on finished Tekton runs only, never on runs in progress or local runs', async () => {
    seed();
    const live = localRun('pc-live', 'a.pipeline', [{ id: 'n1', task: 'producer', label: 'producer' }], 'tekton');
    (live as any).runtime_config = 'dev';
    live.status = 'running';
    server.runs.set(live.id, live);
    const model = createModel({ auto: false, standby: 'never' });
    const actions = { openFile: jest.fn(), openFolder: jest.fn(), notifyError: jest.fn(), notifySuccess: jest.fn() };
    render(<RunsView model={model} actions={actions} trans={trans} />);
    await refresh(model);
    await screen.findAllByTestId('run-row');
    const has = (id: string) =>
      !!within(screen.getAllByTestId('run-row').find(r => r.dataset.runId === id)!).queryByTestId('run-rerun');
    expect(has('pc-x1')).toBe(true); // failed Tekton run
    expect(has('pc-live')).toBe(false); // running
    expect(has('live-2')).toBe(false); // local, running
    expect(has('done-1')).toBe(true); // local, finished
  });

  it('Rerun posts …/rerun, selects the new run and names it in a notification', async () => {
    const { model, actions } = setup();
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'pc-x1')!;
    fireEvent.click(within(row).getByTestId('run-rerun'));
    await waitFor(() => expect(actions.notifySuccess).toHaveBeenCalled());
    expect(server.calls.filter(c => c.method === 'POST' && c.endPoint === 'runs/tekton/dev/pc-x1/rerun')).toHaveLength(1);
    const fresh = [...server.runs.keys()].find(id => id.startsWith('pc-x1-r'))!;
    expect(fresh).toBeDefined();
    expect(actions.notifySuccess.mock.calls[0][0]).toContain(fresh);
    expect(model.selectedKey).toBe(`tekton/dev/${fresh}`);
    await waitFor(() => {
      const selected = screen.getAllByTestId('run-row').find(r => r.dataset.runId === fresh)!;
      expect(selected.className).toContain('jp-mod-selected');
      expect(selected.dataset.status).toBe('pending');
      expect(within(selected).getByTestId('run-detail')).toBeTruthy();
    });
    expect(server.countOf('GET', `runs/tekton/dev/${fresh}`)).toBeGreaterThan(0);
    expect(actions.notifyError).not.toHaveBeenCalled();
  });

  it('a finished Tekton node offers its files from object storage: copy + open, and a download link', async () => {
    const { model, actions } = setup();
    const tekton = server.runs.get('pc-x1')!;
    const uri = 's3://pipelines/producer-consumer/pc-x1/';
    tekton.nodes = [
      ...tekton.nodes,
      { ...tekton.nodes[0], id: 'n2', task_name: 'script', label: 'script', kind: 'python', file: 'script.py' },
      { ...tekton.nodes[0], id: 'n3', task_name: 'never', label: 'never' }
    ];
    for (const node of tekton.nodes) {
      Object.assign(node, { notebook_path: null, artifacts_path: null, artifacts_uri: `${uri}${node.task_name}/` });
    }
    Object.assign(tekton.nodes[0], { status: 'failed', started: '2026-11-26T10:00:00Z', notebook_uri: `${uri}producer/sub/producer.ipynb` });
    Object.assign(tekton.nodes[1], { status: 'succeeded', started: '2026-11-26T10:00:00Z', notebook_uri: null });
    Object.assign(tekton.nodes[2], { status: 'skipped', started: null, notebook_uri: `${uri}never/never.ipynb` });
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'pc-x1')!;
    fireEvent.click(row.querySelector('.jp-tekton-RunsPanel-summary')!);
    const detail = await screen.findByTestId('run-detail');
    const [producer, script, never] = within(detail).getAllByTestId('run-node');
    // A node that never ran saved nothing.
    expect(within(never).queryByTestId('run-node-fetch')).toBeNull();
    expect(within(never).queryByTestId('run-node-download')).toBeNull();

    const link = within(producer).getByTestId('run-node-download') as HTMLAnchorElement;
    expect(new URL(link.href).pathname).toBe('/tekton/runs/tekton/dev/pc-x1/artifacts/producer/sub/producer.ipynb');
    expect(link.getAttribute('download')).toBe('producer.ipynb');
    expect(new URL((within(script).getByTestId('run-node-download') as HTMLAnchorElement).href).pathname).toBe(
      '/tekton/runs/tekton/dev/pc-x1/artifacts/script/run.log'
    );

    fireEvent.click(within(producer).getByTestId('run-node-fetch'));
    await waitFor(() => expect(actions.openFile).toHaveBeenCalledWith('pipeline-runs/producer-consumer/pc-x1/producer/sub/producer.ipynb'));
    expect(server.countOf('POST', 'runs/tekton/dev/pc-x1/nodes/producer/copy')).toBe(1);
    // A script node has no notebook: its folder opens.
    expect(within(script).getByTestId('run-node-fetch').textContent).toBe('Files');
    fireEvent.click(within(script).getByTestId('run-node-fetch'));
    await waitFor(() => expect(actions.openFolder).toHaveBeenCalledWith('pipeline-runs/producer-consumer/pc-x1/script'));

    server.copyError = new TektonResponseError({ status: 404, statusText: 'Not Found' } as Response, {
      message: "node 'producer' of run 'pc-x1' has no files in object storage yet",
      reason: 'artifacts_not_found'
    });
    fireEvent.click(within(producer).getByTestId('run-node-fetch'));
    await waitFor(() => expect(actions.notifyError).toHaveBeenCalled());
    expect(actions.notifyError.mock.calls[0][0]).toContain('has no files in object storage yet');
    expect(actions.openFile).toHaveBeenCalledTimes(1);
  });

  it('Rerun of a local run posts runs/{id}/rerun and selects the new local run', async () => {
    const { model, actions } = setup();
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'done-1')!;
    fireEvent.click(within(row).getByTestId('run-rerun'));
    await waitFor(() => expect(actions.notifySuccess).toHaveBeenCalled());
    expect(server.calls.filter(c => c.method === 'POST' && c.endPoint === 'runs/done-1/rerun')).toHaveLength(1);
    const fresh = [...server.runs.keys()].find(id => id.startsWith('done-1-r'))!;
    expect(fresh).toBeDefined();
    expect(actions.notifySuccess.mock.calls[0][0]).toContain(fresh);
    await waitFor(() => expect(model.selectedKey).toBe(`local/${fresh}`));
    expect(actions.notifyError).not.toHaveBeenCalled();
  });

  it("a failed rerun shows the server's message", async () => {
    const { model, actions } = setup();
    server.rerunError = new TektonResponseError({ status: 409, statusText: 'Conflict' } as Response, {
      message: 'PipelineRun pc-x1 has no stored spec to rerun',
      reason: 'conflict'
    } as any);
    await refresh(model);
    const row = (await screen.findAllByTestId('run-row')).find(r => r.dataset.runId === 'pc-x1')!;
    fireEvent.click(within(row).getByTestId('run-rerun'));
    await waitFor(() => expect(actions.notifyError).toHaveBeenCalled());
    expect(actions.notifyError.mock.calls[0][0]).toContain('PipelineRun pc-x1 has no stored spec to rerun');
    expect(actions.notifySuccess).not.toHaveBeenCalled();
    expect(model.selectedKey).toBeNull();
  });

  it('a Tekton run being uploaded shows its progress, then a failed upload its message', async () => {
    seed();
    const sub = localRun('pc-up', 'a.pipeline', [{ id: 'n1', task: 'producer', label: 'producer' }], 'tekton');
    (sub as any).runtime_config = 'dev';
    sub.upload = {
      state: 'uploading',
      bytes_done: 2_500_000,
      bytes_total: 10_000_000,
      files_done: 3,
      files_total: 8,
      current_key: 'producer-consumer/pc-up/data.csv',
      message: null
    };
    server.runs.set(sub.id, sub);
    const model = createModel({ auto: false, standby: 'never' });
    const actions = { openFile: jest.fn(), openFolder: jest.fn(), notifyError: jest.fn(), notifySuccess: jest.fn() };
    render(<RunsView model={model} actions={actions} trans={trans} />);
    await refresh(model);
    const rowOf = () => screen.getAllByTestId('run-row').find(r => r.dataset.runId === 'pc-up')!;
    const bar = (await waitFor(() => within(rowOf()).getByTestId('run-upload-progress'))) as HTMLProgressElement;
    expect(within(rowOf()).getByTestId('run-upload').textContent).toContain('uploading 3/8 files (2.5 of 10.0 MB)');
    expect(bar.value / bar.max).toBeCloseTo(0.25);
    // Progress is read from the run's describe reply (the list has no upload info).
    expect(server.countOf('GET', 'runs/tekton/dev/pc-up')).toBeGreaterThan(0);
    // Other rows show none.
    expect(screen.getAllByTestId('run-upload-progress')).toHaveLength(1);

    sub.upload = { ...sub.upload, state: 'failed', files_done: 5, message: 'S3 AccessDenied: bucket "runs"' };
    sub.status = 'failed';
    await refresh(model);
    await waitFor(() =>
      expect(within(rowOf()).getByTestId('run-upload-error').textContent).toContain('S3 AccessDenied: bucket "runs"')
    );
    expect(within(rowOf()).queryByTestId('run-upload-progress')).toBeNull();
  });
});
