import { PipelineEditorModel } from '../../src/widget/editormodel';
import { RunsModel } from '../../src/runs/model';
import { toNodeRunStates } from '../../src/runs/states';
import { createPipelineContext, fixture, PRODUCER_CONSUMER, sleep } from '../widget/context';
import { FakeRunsServer, localRun } from './server';

const server = new FakeRunsServer();
jest.mock('../../src/services/request', () => {
  const actual = jest.requireActual('../../src/services/request');
  return { ...actual, requestAPI: (endPoint: string, init?: RequestInit) => server.handle(endPoint, init) };
});

const PRODUCER = 'bd1aabf1-9516-4644-b382-0c25e50054c8';
const CONSUMER = '242b42e7-7968-4977-b563-1b5c4822cea0';
const PATH = 'work/pc.pipeline';

async function openEditor(path = PATH): Promise<PipelineEditorModel> {
  const { context } = await createPipelineContext(fixture(PRODUCER_CONSUMER), path);
  const editor = new PipelineEditorModel({ context });
  while (editor.snapshot.status !== 'ready') {
    await sleep(10);
  }
  return editor;
}

function twoNodeRun(id: string, path = PATH) {
  return localRun(id, path, [
    { id: PRODUCER, task: 'producer', label: 'producer' },
    { id: CONSUMER, task: 'consumer', label: 'consumer' }
  ]);
}

beforeEach(() => {
  server.runs.clear();
  server.calls = [];
  server.down = null;
});

describe('RunsModel', () => {
  it('lists runs and emits runsChanged only when they change', async () => {
    server.runs.set('a', twoNodeRun('a'));
    const model = new RunsModel({ auto: false, standby: 'never' });
    let changes = 0;
    model.runsChanged.connect(() => changes++);
    await model.refresh();
    expect(model.runs.map(r => r.id)).toEqual(['a']);
    expect(model.runs[0].node_counts).toEqual({ pending: 2 });
    expect(changes).toBe(1);
    await model.refresh();
    expect(changes).toBe(1);
    model.dispose();
  });

  it('follows a started run of an open pipeline and pushes node states to its editor', async () => {
    const editor = await openEditor();
    const model = new RunsModel({ auto: false, standby: 'never' });
    const link = model.attach(editor);
    server.runs.set('r1', twoNodeRun('r1'));
    // A run in progress of this pipeline is followed even without a Run press here.
    const run = server.runs.get('r1')!;
    run.status = 'running';
    run.started = '2026-11-26T10:00:01Z';
    run.nodes[0].status = 'running';
    run.nodes[0].started = '2026-11-26T10:00:01Z';
    await model.refresh();
    let states = editor.snapshot.runStates;
    expect(states.get(PRODUCER)).toEqual({ status: 'running', startedAt: '2026-11-26T10:00:01Z', finishedAt: undefined });
    expect(states.get(CONSUMER)?.status).toBe('pending');

    run.nodes[0].status = 'succeeded';
    run.nodes[0].finished = '2026-11-26T10:00:04Z';
    run.nodes[1].status = 'failed';
    run.nodes[1].message = 'NameError in cell 3';
    run.status = 'failed';
    await model.refresh();
    states = editor.snapshot.runStates;
    expect(states.get(PRODUCER)?.status).toBe('succeeded');
    expect(states.get(PRODUCER)?.finishedAt).toBe('2026-11-26T10:00:04Z');
    expect(states.get(CONSUMER)).toMatchObject({ status: 'failed', message: 'NameError in cell 3' });

    // A finished run is not described again.
    const reads = server.countOf('GET', 'runs/r1');
    await model.refresh();
    expect(server.countOf('GET', 'runs/r1')).toBe(reads);
    link.dispose();
    model.dispose();
  });

  it('startLocal posts the compiled pipeline and the canvas shows the new run at once', async () => {
    const editor = await openEditor();
    const model = new RunsModel({ auto: false, standby: 'never' });
    model.attach(editor);
    const { compile } = await import('../../src/compiler');
    const result = compile(editor.document!, { forLocalRun: true, pipelinePath: editor.path });
    expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    const run = await model.startLocal({ ir: result.ir!, uploads: result.uploads, pipeline_path: editor.path });
    await model.refresh();
    const post = server.calls.find(c => c.method === 'POST' && c.endPoint === 'runs/local')!;
    expect((post.body as any).pipeline_path).toBe(PATH);
    expect((post.body as any).ir.nodes.length).toBe(editor.document!.pipelines[0].nodes.length);
    expect(editor.snapshot.runStates.size).toBe(editor.document!.pipelines[0].nodes.length);
    expect([...editor.snapshot.runStates.values()].every(s => s.status === 'pending')).toBe(true);
    expect(model.runs[0].id).toBe(run.id);
    model.dispose();
  });

  it('shows the selected run on its canvas and only the runs of that pipeline', async () => {
    const editor = await openEditor();
    const other = await openEditor('work/other.pipeline');
    const model = new RunsModel({ auto: false, standby: 'never' });
    model.attach(editor);
    model.attach(other);
    const old = twoNodeRun('old');
    old.status = 'succeeded';
    old.nodes.forEach(n => (n.status = 'succeeded'));
    server.runs.set('old', old);
    await model.refresh();
    // Finished runs are not put on the canvas until chosen.
    expect(editor.snapshot.runStates.size).toBe(0);
    await model.select(model.runs[0]);
    expect(model.selected?.id).toBe('old');
    expect(editor.snapshot.runStates.get(PRODUCER)?.status).toBe('succeeded');
    expect(other.snapshot.runStates.size).toBe(0);
    model.dispose();
  });

  it('folds interrupted and timed-out nodes into canvas states with a reason', () => {
    const run = twoNodeRun('x');
    run.nodes[0].status = 'interrupted';
    (run.nodes[1] as any).status = 'timed_out';
    const states = toNodeRunStates(run.nodes);
    expect(states.get(PRODUCER)).toMatchObject({ status: 'cancelled', message: expect.stringContaining('interrupted') });
    expect(states.get(CONSUMER)).toMatchObject({ status: 'failed', message: 'timed out' });
  });

  it('addresses Tekton runs by runtime configuration', async () => {
    const run = twoNodeRun('pc-abc12');
    run.backend = 'tekton';
    (run as any).runtime_config = 'dev';
    run.status = 'running';
    server.runs.set(run.id, run);
    const model = new RunsModel({ auto: false, standby: 'never' });
    await model.refresh();
    expect(model.runs[0].backend).toBe('tekton');
    await model.select(model.runs[0]);
    expect(server.countOf('GET', 'runs/tekton/dev/pc-abc12')).toBeGreaterThan(0);
    await model.cancel(model.runs[0]);
    expect(server.calls.some(c => c.method === 'POST' && c.endPoint === 'runs/tekton/dev/pc-abc12/cancel')).toBe(true);
    expect(model.runs[0].status).toBe('cancelled');
    model.dispose();
  });

  it('reports an unreachable server, backs off, and recovers', async () => {
    const model = new RunsModel({ auto: true, interval: 100, standby: 'never' });
    try {
      server.down = new Error('Failed to fetch');
      await sleep(1500);
      expect(model.error).toBe('Failed to fetch');
      // Lumino's backoff is randomised (each wait is between the interval and three times
      // the last one), so only its bounds are certain: at least one try, and never more
      // than one per interval, i.e. no busy loop while the server is down.
      const failed = server.countOf('GET', 'runs');
      expect(failed).toBeGreaterThanOrEqual(1);
      expect(failed).toBeLessThanOrEqual(1500 / 100);
      server.down = null;
      server.runs.set('a', twoNodeRun('a'));
      await model.refresh();
      expect(model.error).toBeNull();
      expect(model.runs).toHaveLength(1);
    } finally {
      model.dispose();
    }
  });

  it('stops polling and clears its signals when disposed', async () => {
    const model = new RunsModel({ interval: 250, standby: 'never' });
    let changes = 0;
    model.runsChanged.connect(() => changes++);
    await sleep(50);
    model.dispose();
    const calls = server.calls.length;
    server.runs.set('late', twoNodeRun('late'));
    await sleep(700);
    expect(server.calls.length).toBe(calls);
    expect(model.isDisposed).toBe(true);
    expect(changes).toBeLessThanOrEqual(1);
  });
});
