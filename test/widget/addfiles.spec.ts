import { nullTranslator } from '@jupyterlab/translation';
import { findNode } from '../../src/model';
import { addFilesAsNodes } from '../../src/widget/addfiles';
import { PipelineEditorModel } from '../../src/widget/editormodel';
import { createPipelineContext, fixture, PRODUCER_CONSUMER, sleep } from './context';

const NOTEBOOK = JSON.stringify({
  cells: [
    {
      cell_type: 'code',
      source: ['import os\n', 'data = os.environ["DATA_DIR"]\n', "token = os.getenv('API_TOKEN')\n"],
      metadata: {},
      outputs: [],
      execution_count: null
    }
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5
});

describe('adding dropped or picked files as nodes', () => {
  it('adds notebooks and scripts with their env vars, reports the rest, in one undo step', async () => {
    const { context, manager } = await createPipelineContext(fixture(PRODUCER_CONSUMER), 'pc.pipeline');
    const contents = manager.contents;
    await contents.save('train.ipynb', { type: 'file', format: 'text', content: NOTEBOOK });
    await contents.save('report.R', { type: 'file', format: 'text', content: 'x <- Sys.getenv("REPORT_DIR")\n' });
    await contents.save('data.csv', { type: 'file', format: 'text', content: 'a,b\n' });
    const model = new PipelineEditorModel({ context });
    while (model.snapshot.status !== 'ready') {
      await sleep(10);
    }
    const notices: string[] = [];
    const ids = await addFilesAsNodes({
      model,
      contents,
      trans: nullTranslator.load('jupyterlab_tekton'),
      paths: ['train.ipynb', 'data.csv', 'report.R'],
      position: { x: 100, y: 200 },
      notify: message => notices.push(message)
    });

    expect(ids).toHaveLength(2);
    const train = findNode(model.document!, ids[0])!.node;
    expect(train.op).toBe('execute-notebook-node');
    expect(train.app_data?.component_parameters?.filename).toBe('train.ipynb');
    expect(train.app_data?.component_parameters?.env_vars).toEqual([
      { env_var: 'API_TOKEN', value: '' },
      { env_var: 'DATA_DIR', value: '' }
    ]);
    expect(train.app_data?.ui_data?.x_pos).toBe(100);
    expect(train.app_data?.ui_data?.y_pos).toBe(200);
    const report = findNode(model.document!, ids[1])!.node;
    expect(report.op).toBe('execute-r-node');
    expect(report.app_data?.component_parameters?.env_vars).toEqual([{ env_var: 'REPORT_DIR', value: '' }]);
    // Added together, stacked, selected, one undo step.
    expect(report.app_data?.ui_data?.y_pos).toBeGreaterThan(200);
    expect(model.snapshot.selection.nodes).toEqual(ids);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('data.csv');
    expect(notices[0]).not.toContain('train.ipynb');

    model.undo();
    expect(findNode(model.document!, ids[0])).toBeNull();
    expect(findNode(model.document!, ids[1])).toBeNull();
  });

  it('adds nothing for a folder and says so', async () => {
    const { context, manager } = await createPipelineContext(fixture(PRODUCER_CONSUMER), 'pc.pipeline');
    const folder = await manager.contents.newUntitled({ path: '', type: 'directory' });
    const model = new PipelineEditorModel({ context });
    while (model.snapshot.status !== 'ready') {
      await sleep(10);
    }
    const before = model.document;
    const notices: string[] = [];
    const ids = await addFilesAsNodes({
      model,
      contents: manager.contents,
      trans: nullTranslator.load('jupyterlab_tekton'),
      paths: [folder.path],
      position: { x: 0, y: 0 },
      notify: message => notices.push(message)
    });
    expect(ids).toEqual([]);
    expect(model.document).toBe(before);
    expect(notices[0]).toContain(`${folder.name}/`);
  });
});
