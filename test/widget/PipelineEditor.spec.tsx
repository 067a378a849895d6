import { act, fireEvent, waitFor, within } from '@testing-library/react';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { addNode, parsePipeline, serializePipeline, setPipelineProperty } from '../../src/model';
import { PipelineEditor } from '../../src/widget/pipelineeditor';
import { installLayoutStubs } from '../editor/setup';
import { createPipelineContext, createTestServices, fixture, PRODUCER_CONSUMER, sleep } from './context';

installLayoutStubs();

/** Longer than the model's re-parse delay after a text change. */
const REPARSE_WAIT = 200;

async function openEditor(text: string, path = 'test.pipeline') {
  const { context, manager } = await createPipelineContext(text, path);
  const services = createTestServices();
  const editor = new PipelineEditor({ context, contents: manager.contents, services: () => services });
  // The widget renders through Lumino's message loop (on attach, and once the view code is
  // loaded); act() covers those renders and what mounting sets off (React Flow measures the
  // nodes and fits the view), and returns when React has no work left.
  await act(async () => {
    Widget.attach(editor, document.body);
    await editor.ready;
    editor.update();
    MessageLoop.flush();
  });
  return { editor, context, manager, services };
}

/** Changes the document model: the view re-renders from the model's snapshot, inside act(). */
function change<T>(fn: () => T): T {
  let result!: T;
  act(() => {
    result = fn();
  });
  return result;
}

/** Lets time pass (debounced re-parse and validation run meanwhile) inside act(). */
function wait(ms: number): Promise<void> {
  return act(() => sleep(ms));
}

describe('PipelineEditor widget', () => {
  const open: Widget[] = [];
  afterEach(() => {
    // Disposing unmounts the React root.
    act(() => open.splice(0).forEach(w => w.dispose()));
  });

  it('shows a located error for invalid JSON, offers "Open as text", and does not write', async () => {
    const text = '{\n  "doc_type": "pipeline",\n  "version": "3.0",\n  nodes: oops\n}\n';
    const { editor, context, services } = await openEditor(text);
    open.push(editor);
    const view = await waitFor(() => within(editor.node).getByTestId('pipeline-error-view'));
    expect(editor.model.snapshot.status).toBe('error');
    const errors = within(view).getAllByTestId('pipeline-error');
    expect(errors.length).toBeGreaterThan(0);
    // What and where: the parser's message names the line.
    expect(view.textContent).toMatch(/line 4/i);
    expect(within(view).getByText('test.pipeline')).toBeTruthy();

    fireEvent.click(within(view).getByTestId('pipeline-open-as-text'));
    expect(services.opened).toEqual(['text:1']);
    await wait(REPARSE_WAIT);
    expect(context.model.toString()).toBe(text);
    expect(context.model.dirty).toBe(false);
  });

  it('rejects a file that is JSON but not a pipeline, then recovers when the text is fixed', async () => {
    const { editor, context } = await openEditor('{"doc_type": "notebook"}');
    open.push(editor);
    await waitFor(() => within(editor.node).getByTestId('pipeline-error-view'));

    context.model.fromString(fixture(PRODUCER_CONSUMER));
    await waitFor(() => expect(editor.model.snapshot.status).toBe('ready'));
    await waitFor(() => expect(editor.node.querySelectorAll('[data-testid=pipeline-node]').length).toBe(5));
    expect(within(editor.node).queryByTestId('pipeline-error-view')).toBeNull();
  });

  it('renders every node and link of an Elyra pipeline', async () => {
    const { editor } = await openEditor(fixture(PRODUCER_CONSUMER));
    open.push(editor);
    await waitFor(() => expect(editor.node.querySelectorAll('[data-testid=pipeline-node]').length).toBe(5));
    const labels = Array.from(editor.node.querySelectorAll('[data-testid=node-label]')).map(n => n.textContent);
    expect(labels).toEqual(
      expect.arrayContaining(['producer.ipynb', 'consumer.ipynb', 'producer-script.py', 'setup.py'])
    );
    await waitFor(() => expect(editor.node.querySelectorAll('.react-flow__edge').length).toBe(5));
  });

  it('writes edits back as text (dirty), undoes them, and keeps the rest of the file', async () => {
    const original = fixture(PRODUCER_CONSUMER);
    const { editor, context } = await openEditor(original);
    open.push(editor);
    const before = editor.model.document!;

    const changed = change(() =>
      editor.model.edit('Add node', doc => addNode(doc, { kind: 'python', filename: 'helloworld.py', x: 10, y: 20 }).document)
    );
    expect(changed).toBe(true);
    expect(context.model.dirty).toBe(true);
    const written = parsePipeline(context.model.toString());
    expect(written.document).toEqual(editor.model.document);
    const nodes = written.document!.pipelines[0].nodes;
    expect(nodes).toHaveLength(6);
    expect(nodes[5].app_data?.component_parameters?.filename).toBe('helloworld.py');
    // Unknown fields of the original file are still there.
    expect(written.document!.pipelines[0].app_data?.properties?.name).toBe('producer-consumer');
    await waitFor(() => expect(editor.node.querySelectorAll('[data-testid=pipeline-node]').length).toBe(6));

    change(() => editor.model.undo());
    expect(editor.model.document).toBe(before);
    expect(context.model.toString()).toBe(serializePipeline(before));
    await waitFor(() => expect(editor.node.querySelectorAll('[data-testid=pipeline-node]').length).toBe(5));
    change(() => editor.model.redo());
    expect(parsePipeline(context.model.toString()).document!.pipelines[0].nodes).toHaveLength(6);
  });

  it('follows external changes (revert, another view) without writing them back', async () => {
    const { editor, context } = await openEditor(fixture(PRODUCER_CONSUMER));
    open.push(editor);
    const external = serializePipeline(setPipelineProperty(editor.model.document!, 'name', 'renamed-elsewhere'));
    context.model.fromString(external);
    await waitFor(() =>
      expect(editor.model.document?.pipelines[0].app_data?.properties?.name).toBe('renamed-elsewhere')
    );
    expect(context.model.toString()).toBe(external);
    // The external change is an undoable step in this view.
    expect(editor.model.snapshot.canUndo).toBe(true);
  });

  it('opens an empty file as a new pipeline with a hint, without writing it', async () => {
    const { editor, context } = await openEditor('', 'empty.pipeline');
    open.push(editor);
    await waitFor(() => within(editor.node).getByTestId('pipeline-empty-hint'));
    expect(editor.model.document?.pipelines[0].nodes).toEqual([]);
    await wait(REPARSE_WAIT);
    expect(context.model.toString()).toBe('');
    expect(context.model.dirty).toBe(false);
    // A new pipeline is empty, not wrong: no problem counted (the hint says what to do).
    expect(editor.model.diagnostics).toEqual([]);
    // Its first node brings the node's own problems, still nothing about emptiness.
    change(() => editor.model.edit('Add node', doc => addNode(doc, { kind: 'python', filename: '', x: 0, y: 0 }).document));
    await waitFor(() => expect(editor.model.diagnostics.length).toBeGreaterThan(0));
    expect(editor.model.diagnostics.map(d => d.code)).not.toContain('empty-pipeline');
  });

  it('keeps the viewport when the first node lands on an empty canvas; fits a non-empty pipeline on open', async () => {
    const viewport = (editor: PipelineEditor) =>
      (editor.node.querySelector('.react-flow__viewport') as HTMLElement | null)?.style.transform;
    const empty = await openEditor('', 'empty.pipeline');
    open.push(empty.editor);
    await waitFor(() => within(empty.editor.node).getByTestId('pipeline-empty-hint'));
    const before = viewport(empty.editor);
    expect(before).toBe('translate(0px,0px) scale(1)');
    change(() =>
      empty.editor.model.edit('Add node', doc => addNode(doc, { kind: 'python', filename: 'a.py', x: 400, y: 300 }).document)
    );
    await waitFor(() => expect(empty.editor.node.querySelectorAll('[data-testid=pipeline-node]').length).toBe(1));
    await wait(REPARSE_WAIT);
    expect(viewport(empty.editor)).toBe(before);

    const full = await openEditor(fixture(PRODUCER_CONSUMER));
    open.push(full.editor);
    await waitFor(() => expect(viewport(full.editor)).not.toBe('translate(0px,0px) scale(1)'));
  });

  it('badges nodes whose file does not exist (checked through the contents API)', async () => {
    const { editor, manager } = await openEditor(fixture(PRODUCER_CONSUMER));
    open.push(editor);
    // Only producer.ipynb exists next to the pipeline.
    await manager.contents.save('producer.ipynb', { type: 'file', format: 'text', content: '{}' });
    change(() => editor.model.edit('Touch', doc => setPipelineProperty(doc, 'description', 'x')));
    await waitFor(
      () => expect(editor.model.diagnostics.filter(d => d.code === 'missing-file').length).toBeGreaterThan(0),
      { timeout: 3000 }
    );
    const missing = editor.model.diagnostics.filter(d => d.code === 'missing-file').map(d => d.nodeLabel);
    expect(missing).toContain('consumer.ipynb');
    expect(missing).not.toContain('producer.ipynb');
    const consumer = Array.from(editor.node.querySelectorAll('[data-testid=pipeline-node]')).find(
      n => within(n as HTMLElement).getByTestId('node-label').textContent === 'consumer.ipynb'
    ) as HTMLElement;
    await waitFor(() => expect(within(consumer).getByTestId('node-problems').getAttribute('title')).toMatch(/does not exist/));
  });
});
