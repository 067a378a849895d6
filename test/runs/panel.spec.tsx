import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { RunsModel } from '../../src/runs/model';
import { RunsView } from '../../src/runs/RunsPanel';
import { FakeRunsServer, localRun } from './server';

const server = new FakeRunsServer();
jest.mock('../../src/services/request', () => {
  const actual = jest.requireActual('../../src/services/request');
  return { ...actual, requestAPI: (endPoint: string, init?: RequestInit) => server.handle(endPoint, init) };
});

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = false;
const trans = nullTranslator.load('jupyterlab_tekton');

function seed() {
  server.runs.clear();
  server.calls = [];
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

function setup() {
  seed();
  const model = new RunsModel({ auto: false, standby: 'never', interval: 250 });
  const actions = { openFile: jest.fn(), openFolder: jest.fn(), notifyError: jest.fn() };
  render(<RunsView model={model} actions={actions} trans={trans} />);
  return { model, actions };
}

describe('RunsView', () => {
  it('lists runs with kind, state and duration; Cancel only for runs in progress', async () => {
    const { model } = setup();
    await model.refresh();
    const rows = await screen.findAllByTestId('run-row');
    expect(rows.map(r => r.dataset.runId)).toEqual(['pc-x1', 'live-2', 'done-1']);
    expect(rows.map(r => r.dataset.status)).toEqual(['failed', 'running', 'succeeded']);
    expect(rows[0].textContent).toContain('Tekton');
    expect(rows[2].textContent).toContain('local');
    expect(rows[2].textContent).toContain('1m 15s');
    expect(within(rows[1]).queryByTestId('run-cancel')).not.toBeNull();
    expect(within(rows[0]).queryByTestId('run-cancel')).toBeNull();
    expect(within(rows[2]).queryByTestId('run-cancel')).toBeNull();
    model.dispose();
  });

  it('Cancel calls the service and the row shows the new state', async () => {
    const { model } = setup();
    await model.refresh();
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
    model.dispose();
  });

  it('a selected run shows its nodes, log (read incrementally), notebook and folder links', async () => {
    const { model, actions } = setup();
    await model.refresh();
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
    model.dispose();
  });

  it('says when the server cannot be reached', async () => {
    const { model } = setup();
    server.down = new Error('Failed to fetch');
    await model.refresh();
    expect((await screen.findByTestId('runs-error')).textContent).toContain('Failed to fetch');
    server.down = null;
    model.dispose();
  });
});
