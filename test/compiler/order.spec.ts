import { orderGraph, runnableGraph } from '../../src/compiler/order';
import { flattenPipeline } from '../../src/model';
import { plainTopologicalOrder } from '../model/helpers';
import { IGenNode, makeDocument, randomDag, seededRandom } from './generate';

/** The runnable graph's order and parents, by node id. */
function ordered(doc: ReturnType<typeof makeDocument>) {
  const flat = flattenPipeline(doc);
  const graph = runnableGraph(flat);
  const { order, parentStart, parents } = orderGraph(graph);
  const ids = Array.from(order, i => graph.nodes[i].id);
  const parentIds = Array.from(order, i => Array.from(parents.subarray(parentStart[i], parentStart[i + 1]), p => graph.nodes[p].id));
  return { flat, ids, parentIds };
}

describe('orderGraph', () => {
  it.each([
    ['random', randomDag(300, 5)],
    [
      'cycles and a self-loop',
      makeDocument([
        { id: 'e' },
        { id: 'b', parents: ['e', 'd'] },
        { id: 'd', parents: ['b'] },
        { id: 'a', parents: ['e'] },
        { id: 's', parents: ['s'] },
        { id: 'c', parents: ['a'] }
      ])
    ],
    // ids that follow creation order, with and without one edge against it
    ['ids in creation order', randomDag(200, 9)],
    ['ids in creation order but one edge', makeDocument([{ id: 'a' }, { id: 'b', parents: ['a', 'd'] }, { id: 'c', parents: ['a'] }, { id: 'd' }, { id: 'e', parents: ['b'] }])],
    [
      'wide, ids not in document order',
      makeDocument([
        ...Array.from({ length: 200 }, (_, i): IGenNode => ({ id: `w${(i * 7919) % 200}`, parents: i % 3 ? ['root'] : [] })),
        { id: 'root' }
      ])
    ]
  ])('%s: smallest ready id first (as the plain scan), parents in that order', (_name, doc) => {
    const { flat, ids, parentIds } = ordered(doc);
    expect(ids).toEqual(plainTopologicalOrder(flat.nodes.map(n => n.id), flat.edges));
    const position = new Map(ids.map((id, i) => [id, i]));
    ids.forEach((id, i) => {
      const expected = flat.edges.filter(e => e.target === id).map(e => e.source);
      expect([...parentIds[i]].sort()).toEqual([...expected].sort());
      const positions = parentIds[i].map(p => position.get(p)!);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
      expect(Math.max(-1, ...positions)).toBeLessThan(i);
    });
  });

  it('breaks ties by id, not by document order', () => {
    expect(ordered(makeDocument([{ id: 'c' }, { id: 'b' }, { id: 'a' }, { id: 'd', parents: ['c'] }])).ids).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves out nodes in cycles and what follows them', () => {
    const doc = makeDocument([{ id: 'a' }, { id: 'b', parents: ['a', 'c'] }, { id: 'c', parents: ['b'] }, { id: 'd', parents: ['c'] }, { id: 'e' }]);
    expect(ordered(doc).ids).toEqual(['a', 'e']);
  });

  it('keeps one node per id (the last), in the first one’s place', () => {
    const doc = makeDocument([{ id: 'x', label: 'first' }, { id: 'y' }, { id: 'x', label: 'second', parents: ['y'] }]);
    const graph = runnableGraph(flattenPipeline(doc));
    expect(graph.nodes.map(n => [n.id, n.app_data?.label])).toEqual([
      ['x', 'second'],
      ['y', 'y.ipynb']
    ]);
  });

  it('leaves out nodes that do not run, and their edges', () => {
    const doc = makeDocument([{ id: 'a' }, { id: 'b', parents: ['a'] }, { id: 'c', parents: ['b', 'a'] }]);
    doc.pipelines[0].nodes[1].op = 'some-component:run';
    const graph = runnableGraph(flattenPipeline(doc));
    expect(graph.nodes.map(n => n.id)).toEqual(['a', 'c']);
    expect([Array.from(graph.sources, i => graph.nodes[i].id), Array.from(graph.targets, i => graph.nodes[i].id)]).toEqual([['a'], ['c']]);
  });

  it('orders random DAGs with shuffled ids by id among ready nodes', () => {
    const random = seededRandom(11);
    const ids = Array.from({ length: 120 }, (_, i) => `n${Math.floor(random() * 1e6)}-${i}`);
    const doc = makeDocument(ids.map((id, i) => ({ id, parents: i && random() < 0.7 ? [ids[Math.floor(random() * i)]] : [] })));
    const { flat, ids: order } = ordered(doc);
    expect(order).toEqual(plainTopologicalOrder(flat.nodes.map(n => n.id), flat.edges));
  });
});
