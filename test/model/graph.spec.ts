import {
  addComment,
  addNode,
  attachComment,
  connect,
  copySelection,
  createPipeline,
  detachComment,
  disconnect,
  getComments,
  getLinks,
  getNodeLabel,
  getNodes,
  getPrimaryPipeline,
  History,
  IPipelineFlowDocument,
  moveNodes,
  parsePipeline,
  pasteSelection,
  removeComments,
  removeNodes,
  serializePipeline,
  setNodeLabel,
  setNodeProperty,
  setPipelineDefault,
  setPipelineProperty,
  updateComment,
  validatePipeline,
  wouldCreateCycle
} from '../../src/model';
import { readFixture } from './helpers';

function chain(count: number): { doc: IPipelineFlowDocument; ids: string[] } {
  let doc = createPipeline('chain');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const added = addNode(doc, { kind: 'notebook', filename: `step${i}.ipynb`, x: i * 100, y: 0 });
    doc = added.document;
    ids.push(added.nodeId);
    if (i > 0) {
      const linked = connect(doc, ids[i - 1], ids[i]);
      if (!('document' in linked)) {
        throw new Error(linked.error);
      }
      doc = linked.document;
    }
  }
  return { doc, ids };
}

const nodesOf = (doc: IPipelineFlowDocument) => getNodes(getPrimaryPipeline(doc));

describe('createPipeline / addNode', () => {
  it('creates an empty pipeline in Elyra shape', () => {
    const doc = createPipeline('demo');
    expect(doc).toEqual({
      doc_type: 'pipeline',
      version: '3.0',
      json_schema: 'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
      id: 'elyra-auto-generated-pipeline',
      primary_pipeline: 'primary',
      pipelines: [
        {
          id: 'primary',
          nodes: [],
          app_data: { ui_data: { comments: [] }, version: 8, properties: { name: 'demo', runtime: 'Generic' } },
          runtime_ref: ''
        }
      ],
      schemas: []
    });
    const reparsed = parsePipeline(serializePipeline(doc));
    expect(reparsed.diagnostics).toEqual([]);
    expect(reparsed.document).toEqual(doc);
  });

  it('adds nodes like Elyra: ports, ui_data, default properties', () => {
    const { document, nodeId } = addNode(createPipeline(), {
      kind: 'python',
      filename: 'scripts/prep.py',
      x: 10,
      y: 20,
      properties: { env_vars: [{ env_var: 'TOKEN', value: '' }] }
    });
    const [node] = nodesOf(document);
    expect(node.id).toBe(nodeId);
    expect(node.op).toBe('execute-python-node');
    expect(node.type).toBe('execution_node');
    expect(node.app_data!.label).toBe('prep.py');
    expect(node.app_data!.ui_data).toEqual({
      label: 'prep.py',
      image: '/static/elyra/python.svg',
      x_pos: 10,
      y_pos: 20,
      description: 'Run Python script'
    });
    expect(node.app_data!.component_parameters!.filename).toBe('scripts/prep.py');
    expect(node.app_data!.component_parameters!.env_vars).toEqual([{ env_var: 'TOKEN', value: '' }]);
    expect(node.inputs![0]).toEqual({
      id: 'inPort',
      app_data: { ui_data: { cardinality: { min: 0, max: -1 }, label: 'Input Port' } }
    });
    expect(node.outputs![0].id).toBe('outPort');
    // What we create passes our own checks (apart from the missing image default).
    const codes = validatePipeline(document).map(d => d.code);
    expect(codes).toEqual(['missing-image']);
  });
});

describe('connect', () => {
  it('links source → target on the target input port', () => {
    const { doc, ids } = chain(2);
    expect(getLinks(doc)).toEqual([
      expect.objectContaining({ source: ids[0], target: ids[1], sourcePort: 'outPort', targetPort: 'inPort' })
    ]);
  });

  it('refuses self-links, duplicates, cycles and unknown nodes', () => {
    const { doc, ids } = chain(3);
    expect(connect(doc, ids[0], ids[0])).toMatchObject({ code: 'self-link' });
    expect(connect(doc, ids[0], ids[1])).toMatchObject({ code: 'duplicate' });
    const cycle = connect(doc, ids[2], ids[0]);
    expect(cycle).toMatchObject({ code: 'cycle' });
    expect((cycle as { error: string }).error).toBe('Connecting "step2.ipynb" to "step0.ipynb" would create a cycle.');
    expect(connect(doc, ids[0], 'nope')).toMatchObject({ code: 'unknown-node' });
    expect(connect(doc, ids[0], ids[2])).toHaveProperty('document');
  });

  it('wouldCreateCycle follows long chains', () => {
    const { doc, ids } = chain(300);
    expect(wouldCreateCycle(doc, ids[299], ids[0])).toBe(true);
    expect(wouldCreateCycle(doc, ids[0], ids[299])).toBe(false);
    expect(wouldCreateCycle(doc, ids[5], ids[5])).toBe(true);
  });

  it('does not mutate its input and keeps untouched nodes identical', () => {
    const { doc, ids } = chain(3);
    const before = serializePipeline(doc);
    const extra = addNode(doc, { kind: 'r', filename: 'plot.r', x: 0, y: 0 });
    const result = connect(extra.document, ids[2], extra.nodeId);
    expect(serializePipeline(doc)).toBe(before);
    if (!('document' in result)) {
      throw new Error(result.error);
    }
    const [a, b, c, d] = nodesOf(result.document);
    const [a0, b0, c0, d0] = nodesOf(extra.document);
    expect(a).toBe(a0);
    expect(b).toBe(b0);
    expect(c).toBe(c0); // the source does not change: links live on the target
    expect(d).not.toBe(d0);
  });
});

describe('remove and disconnect', () => {
  it('removing a node removes its links and comment attachments', () => {
    const { doc, ids } = chain(3);
    const commented = addComment(doc, { x: 0, y: 0, content: 'note', nodeIds: [ids[1], ids[2]] });
    const next = removeNodes(commented.document, [ids[1]]);
    expect(nodesOf(next).map(n => n.id)).toEqual([ids[0], ids[2]]);
    expect(getLinks(next)).toEqual([]);
    expect(nodesOf(next)[1].inputs![0].links).toBeUndefined();
    expect(getComments(next)[0].associated_id_refs).toEqual([{ node_ref: ids[2] }]);
    expect(nodesOf(next)[0]).toBe(nodesOf(commented.document)[0]);
    expect(validatePipeline(next).filter(d => d.code === 'dangling-link')).toEqual([]);
  });

  it('disconnect removes only the given links', () => {
    const { doc, ids } = chain(3);
    const [first, second] = getLinks(doc);
    const next = disconnect(doc, [first.id]);
    expect(getLinks(next).map(l => l.id)).toEqual([second.id]);
    expect(nodesOf(next)[2]).toBe(nodesOf(doc)[2]);
    expect(disconnect(doc, [])).toBe(doc);
    expect(ids).toHaveLength(3);
  });
});

describe('properties and positions', () => {
  it('moves nodes', () => {
    const { doc, ids } = chain(2);
    const next = moveNodes(doc, [{ id: ids[1], x: 500, y: 60 }]);
    expect(nodesOf(next)[1].app_data!.ui_data).toMatchObject({ x_pos: 500, y_pos: 60 });
    expect(nodesOf(next)[0]).toBe(nodesOf(doc)[0]);
  });

  it('sets and deletes node properties, keeping key order', () => {
    const { doc, ids } = chain(1);
    const withMemory = setNodeProperty(doc, ids[0], 'memory', 2);
    const keys = Object.keys(nodesOf(withMemory)[0].app_data!.component_parameters!);
    expect(keys[keys.length - 1]).toBe('memory');
    const withImage = setNodeProperty(withMemory, ids[0], 'dependencies', ['a.csv']);
    expect(Object.keys(nodesOf(withImage)[0].app_data!.component_parameters!)).toEqual(keys);
    const removed = setNodeProperty(withImage, ids[0], 'memory', undefined);
    expect(nodesOf(removed)[0].app_data!.component_parameters!).not.toHaveProperty('memory');
    expect(setNodeProperty(removed, ids[0], 'memory', undefined)).toBe(removed);
  });

  it('renaming the file updates the shown label unless a label was set', () => {
    const { doc, ids } = chain(1);
    const cleared = setNodeLabel(doc, ids[0], '');
    const renamed = setNodeProperty(cleared, ids[0], 'filename', 'other/train.ipynb');
    expect(getNodeLabel(nodesOf(renamed)[0])).toBe('train.ipynb');
    expect(nodesOf(renamed)[0].app_data!.ui_data!.label).toBe('train.ipynb');
    const labelled = setNodeLabel(renamed, ids[0], 'Training');
    expect(nodesOf(labelled)[0].app_data!.ui_data!.label).toBe('Training');
    expect(getNodeLabel(nodesOf(setNodeProperty(labelled, ids[0], 'filename', 'x.ipynb'))[0])).toBe('Training');
  });

  it('sets pipeline properties and defaults', () => {
    const doc = setPipelineDefault(setPipelineProperty(createPipeline('a'), 'description', 'hello'), 'runtime_image', 'python:3.12');
    expect(getPrimaryPipeline(doc)!.app_data!.properties).toEqual({
      name: 'a',
      runtime: 'Generic',
      description: 'hello',
      pipeline_defaults: { runtime_image: 'python:3.12' }
    });
    expect(setPipelineDefault(doc, 'runtime_image', 'python:3.12')).toBe(doc);
  });
});

describe('comments', () => {
  it('adds, updates, attaches, detaches and removes comments', () => {
    const { doc, ids } = chain(1);
    const added = addComment(doc, { x: 5, y: 6, content: 'hello' });
    let next = updateComment(added.document, added.commentId, { content: '**bold**', width: 300 });
    next = attachComment(next, added.commentId, ids[0]);
    expect(attachComment(next, added.commentId, ids[0])).toBe(next);
    expect(getComments(next)[0]).toMatchObject({
      content: '**bold**',
      width: 300,
      x_pos: 5,
      associated_id_refs: [{ node_ref: ids[0] }]
    });
    next = detachComment(next, added.commentId, ids[0]);
    expect(getComments(next)[0].associated_id_refs).toEqual([]);
    next = removeComments(next, [added.commentId]);
    expect(getComments(next)).toEqual([]);
    expect(nodesOf(next)[0]).toBe(nodesOf(doc)[0]);
  });
});

describe('copy and paste', () => {
  it('pastes with new ids, keeps internal links, drops external ones', () => {
    const { doc, ids } = chain(3);
    const commented = addComment(doc, { x: 0, y: 0, content: 'c', nodeIds: [ids[1]] });
    const text = copySelection(commented.document, [ids[1], ids[2]], [commented.commentId]);
    const pasted = pasteSelection(commented.document, text, { x: 40, y: 40 });
    expect(pasted.error).toBeUndefined();
    expect(pasted.nodeIds).toHaveLength(2);
    expect(pasted.nodeIds.some(id => ids.includes(id))).toBe(false);
    const nodes = nodesOf(pasted.document);
    expect(nodes).toHaveLength(5);
    const links = getLinks(pasted.document);
    expect(links).toHaveLength(3);
    expect(new Set(links.map(l => l.id)).size).toBe(3);
    expect(links[2]).toMatchObject({ source: pasted.nodeIds[0], target: pasted.nodeIds[1] });
    expect(nodes[3].app_data!.ui_data).toMatchObject({ x_pos: 140, y_pos: 40 });
    const comments = getComments(pasted.document);
    expect(comments[1].associated_id_refs).toEqual([{ node_ref: pasted.nodeIds[0] }]);
    expect(comments[1].id).not.toBe(commented.commentId);
    // Pasting twice still gives unique ids and a valid graph.
    const again = pasteSelection(pasted.document, text, { x: 80, y: 80 });
    const allIds = nodesOf(again.document).map(n => n.id);
    expect(new Set(allIds).size).toBe(7);
    expect(validatePipeline(again.document).filter(d => d.severity === 'error')).toEqual([]);
  });

  it('pastes into another pipeline file, rebasing file paths', () => {
    const source = parsePipeline(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline')).document!;
    const producer = nodesOf(source).find(n => getNodeLabel(n) === 'setup.py')!;
    const text = copySelection(source, [producer.id], [], { pipelinePath: 'projects/demo/flow.pipeline' });
    const target = createPipeline('other');
    const pasted = pasteSelection(target, text, { x: 0, y: 0 }, { pipelinePath: 'projects/other/deep/x.pipeline' });
    const [node] = nodesOf(pasted.document);
    // ../scripts/setup.py from projects/demo is projects/scripts/setup.py.
    expect(node.app_data!.component_parameters!.filename).toBe('../../scripts/setup.py');
    expect(node.app_data!.component_parameters!.dependencies).toEqual(['setup.txt']);
  });

  it('ignores clipboard text that is not ours', () => {
    const doc = createPipeline();
    for (const text of ['', 'hello', '{"nodes": []}', '[1,2]']) {
      const result = pasteSelection(doc, text, { x: 0, y: 0 });
      expect(result.document).toBe(doc);
      expect(result.error).toMatch(/clipboard/);
    }
  });
});

describe('History', () => {
  it('undoes and redoes', () => {
    const { doc, ids } = chain(2);
    const history = new History(doc);
    expect(history.canUndo).toBe(false);
    const moved = moveNodes(doc, [{ id: ids[0], x: 1, y: 1 }]);
    history.push(moved);
    const removed = removeNodes(moved, [ids[1]]);
    history.push(removed);
    expect(history.undo()).toBe(moved);
    expect(history.undo()).toBe(doc);
    expect(history.undo()).toBeNull();
    expect(history.canRedo).toBe(true);
    expect(history.redo()).toBe(moved);
    history.push(setPipelineProperty(moved, 'name', 'x'));
    expect(history.canRedo).toBe(false);
  });

  it('coalesces rapid typing in one property into one step', () => {
    let clock = 0;
    const history = new History<string>('', { now: () => clock, coalesceMs: 500 });
    for (const text of ['h', 'he', 'hel', 'hell', 'hello']) {
      clock += 100;
      history.push(text, { coalesceKey: 'label' });
    }
    clock += 2000;
    history.push('hello!', { coalesceKey: 'label' });
    expect(history.undo()).toBe('hello');
    expect(history.undo()).toBe('');
    expect(history.canUndo).toBe(false);
  });

  it('keeps at most maxDepth steps', () => {
    const history = new History<number>(0, { maxDepth: 3 });
    for (let i = 1; i <= 10; i++) {
      history.push(i);
    }
    expect([history.undo(), history.undo(), history.undo(), history.undo()]).toEqual([9, 8, 7, null]);
  });
});
