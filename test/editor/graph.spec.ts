import { EMPTY_SOURCES, GraphSync, summarizeNode, syncNodes } from '../../src/editor/graph';
import { arrangeDocument } from '../../src/editor/layout';
import type { FlowNode } from '../../src/editor/types';
import { addComment, connect, findNode, getLinks, moveNodes, parsePipeline, setNodeProperty } from '../../src/model';
import type { IDiagnostic, IPipelineFlowDocument } from '../../src/model/types';
import { fixture, PRODUCER_CONSUMER } from '../widget/context';
import { installLayoutStubs } from './setup';

installLayoutStubs();

const PRODUCER = 'bd1aabf1-9516-4644-b382-0c25e50054c8';
const NO_RUNS = new Map();

function load(): IPipelineFlowDocument {
  return parsePipeline(fixture(PRODUCER_CONSUMER)).document!;
}

describe('GraphSync (document → React Flow nodes)', () => {
  it('keeps every untouched node object when one node changes', () => {
    const sync = new GraphSync();
    const doc = load();
    const first = sync.syncNodes([], { document: doc, diagnostics: [], runStates: NO_RUNS });
    expect(first).toHaveLength(5);
    // React Flow adds measurements and selection to the objects it is given.
    const measured: FlowNode[] = first.map(n => ({ ...n, measured: { width: 200, height: 50 } }) as FlowNode);

    const edited = setNodeProperty(doc, PRODUCER, 'runtime_image', 'quay.io/x/y:1');
    const second = sync.syncNodes(measured, { document: edited, diagnostics: [], runStates: NO_RUNS });
    const changed = second.filter((n, i) => n !== measured[i]);
    expect(changed.map(n => n.id)).toEqual([PRODUCER]);
    expect(changed[0].data).toMatchObject({ summary: expect.stringContaining('quay.io/x/y:1') });
    // The replaced node keeps what React Flow measured (no hidden re-measure flash).
    expect(changed[0].measured).toEqual({ width: 200, height: 50 });
  });

  it('follows positions from the document and replaces only nodes whose problems change', () => {
    const sync = new GraphSync();
    const doc = load();
    const first = sync.syncNodes([], { document: doc, diagnostics: [], runStates: NO_RUNS });
    const moved = moveNodes(doc, [{ id: PRODUCER, x: 11, y: 22 }]);
    const problem: IDiagnostic = { severity: 'error', code: 'x', message: 'bad', nodeId: PRODUCER };
    const second = sync.syncNodes(first, { document: moved, diagnostics: [problem], runStates: NO_RUNS });
    const producer = second.find(n => n.id === PRODUCER)!;
    expect(producer.position).toEqual({ x: 11, y: 22 });
    expect(producer.type === 'pipeline' && producer.data.problems).toEqual([problem]);
    // Same problems again (a new array with equal content): nothing is replaced.
    const third = sync.syncNodes(second, { document: moved, diagnostics: [{ ...problem }], runStates: NO_RUNS });
    expect(third.every((n, i) => n === second[i])).toBe(true);
  });

  it('gives the same result when React replays or discards a sync (no state kept aside)', () => {
    const doc = load();
    const first = syncNodes([], EMPTY_SOURCES, { document: doc, diagnostics: [], runStates: NO_RUNS });
    const edited = setNodeProperty(doc, PRODUCER, 'runtime_image', 'quay.io/x/y:1');
    const inputs = { document: edited, diagnostics: [], runStates: NO_RUNS };
    // A state updater may run twice from the same previous state (rebase, interrupted render).
    const once = syncNodes(first.nodes, first.sources, inputs);
    const again = syncNodes(first.nodes, first.sources, inputs);
    const producer = again.nodes.find(n => n.id === PRODUCER)!;
    expect(producer).not.toBe(first.nodes.find(n => n.id === PRODUCER));
    expect(producer.data).toMatchObject({ summary: expect.stringContaining('quay.io/x/y:1') });
    expect(again.nodes.map(n => n.data)).toEqual(once.nodes.map(n => n.data));
  });

  it('turns links and comment attachments into edges, reusing unchanged ones', () => {
    const sync = new GraphSync();
    const doc = load();
    const edges = sync.syncEdges([], doc);
    expect(edges).toHaveLength(getLinks(doc).length);
    const withComment = addComment(doc, { x: 0, y: 0, content: 'note', nodeIds: [PRODUCER] }).document;
    const next = sync.syncEdges(edges, withComment);
    expect(next.slice(0, edges.length).every((e, i) => e === edges[i])).toBe(true);
    const commentEdge = next[edges.length];
    expect(commentEdge.target).toBe(PRODUCER);
    expect(commentEdge.data?.comment).toBe(true);
  });
});

describe('summarizeNode', () => {
  it('shows image and resources, else outputs', () => {
    expect(summarizeNode({ runtime_image: 'img:1', cpu: 2, memory: 4, gpu: 1 })).toBe('img:1 · 2 CPU · 4 GB · GPU 1');
    expect(summarizeNode({ memory: '512Mi' })).toBe('512Mi');
    expect(summarizeNode({ outputs: ['a.csv', 'b.csv'] })).toBe('outputs: a.csv, b.csv');
    expect(summarizeNode({})).toBe('');
  });
});

describe('arrangeDocument', () => {
  it('lays linked nodes out left to right, each at its own place', () => {
    let doc = load();
    const ids = doc.pipelines[0].nodes.map(n => n.id);
    // Pile every node on one spot, then arrange.
    doc = moveNodes(doc, ids.map(id => ({ id, x: 0, y: 0 })));
    const arranged = arrangeDocument(doc, new Map());
    const x = (id: string) => findNode(arranged, id)!.node.app_data!.ui_data!.x_pos as number;
    for (const link of getLinks(arranged)) {
      expect(x(link.target)).toBeGreaterThan(x(link.source));
    }
    const positions = new Set(ids.map(id => `${x(id)},${findNode(arranged, id)!.node.app_data!.ui_data!.y_pos}`));
    expect(positions.size).toBe(ids.length);
  });

  it('leaves links intact', () => {
    const doc = load();
    const result = connect(doc, 'bd1aabf1-9516-4644-b382-0c25e50054c8', '242b42e7-7968-4977-b563-1b5c4822cea0');
    const base = 'document' in result ? result.document : doc;
    expect(getLinks(arrangeDocument(base, new Map()))).toEqual(getLinks(base));
  });
});
