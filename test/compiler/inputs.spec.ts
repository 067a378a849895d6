import { compile, IRNode, IRPipeline } from '../../src/compiler';
import { buildIR } from '../../src/compiler/ir';
import { resolveOptions } from '../../src/compiler/options';
import { IValidationReuse, validatePipeline } from '../../src/model';
import { edgeCaseDocuments, makeDocument, randomDag } from './generate';
import { plain, STORAGE } from './helpers';

/** Brute force: every ancestor of each node (by runAfter), per task name. */
function ancestors(ir: IRPipeline): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const node of ir.nodes) {
    const set = new Set<string>();
    for (const parent of node.runAfter) {
      set.add(parent);
      for (const a of result.get(parent)!) {
        set.add(a);
      }
    }
    result.set(node.taskName, set);
  }
  return result;
}

describe('upstream outputs (inputs.ts)', () => {
  it.each([100, 400])('%i random nodes: inputsFrom holds exactly the ancestors with outputs, each after its own ancestors', size => {
    const ir = compile(randomDag(size, 7), STORAGE).ir!;
    const all = ancestors(ir);
    const withOutputs = new Set(ir.nodes.filter(n => n.outputs.length).map(n => n.taskName));
    let nonEmpty = 0;
    for (const node of ir.nodes) {
      const expected = [...all.get(node.taskName)!].filter(t => withOutputs.has(t)).sort();
      expect([...node.inputsFrom].sort()).toEqual(expected);
      nonEmpty += node.inputsFrom.length ? 1 : 0;
      node.inputsFrom.forEach((task, i) => {
        for (const later of node.inputsFrom.slice(i + 1)) {
          expect(all.get(task)!.has(later)).toBe(false); // no descendant before its ancestor
        }
      });
      // Direct parents that pass outputs on: they have outputs or an ancestor with outputs.
      expect(node.inputParents).toEqual(
        node.runAfter.filter(p => withOutputs.has(p) || [...all.get(p)!].some(a => withOutputs.has(a)))
      );
    }
    expect(nonEmpty).toBeGreaterThan(size / 2);
  });

  it('merges the parents in order, keeping each task where it first appears', () => {
    // a → b (no outputs) → c; d ← c, a; later parents do not move a task already listed.
    const doc = makeDocument([
      { id: 'a', label: 'a', properties: { outputs: ['a.txt'] } },
      { id: 'b', label: 'b', parents: ['a'] },
      { id: 'c', label: 'c', parents: ['b'], properties: { outputs: ['c.txt'] } },
      { id: 'd', label: 'd', parents: ['c', 'a'] },
      { id: 'e', label: 'e' },
      { id: 'f', label: 'f', parents: ['e', 'd'] }
    ]);
    const ir = compile(doc, STORAGE).ir!;
    const by = (name: string) => ir.nodes.find(n => n.taskName === name) as IRNode;
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map(t => [by(t).inputParents, by(t).inputsFrom])).toEqual([
      [[], []],
      [['a'], ['a']],
      [['b'], ['a']],
      [['a', 'c'], ['a', 'c']],
      [[], []],
      [['d'], ['a', 'c']]
    ]);
  });

  it('computes inputsFrom only when read, and JSON carries it', () => {
    const ir = compile(randomDag(50), STORAGE).ir!;
    const descriptor = Object.getOwnPropertyDescriptor(ir.nodes[10], 'inputsFrom')!;
    expect(descriptor.get).toBeDefined();
    expect(descriptor.enumerable).toBe(true);
    const json = JSON.parse(JSON.stringify(ir)) as IRPipeline;
    expect(json.nodes.map(n => n.inputsFrom)).toEqual(ir.nodes.map(n => n.inputsFrom));
    expect(Object.getOwnPropertyDescriptor(ir.nodes[10], 'inputsFrom')!.get).toBeUndefined();
    ir.nodes[10].inputsFrom = ['x'];
    expect(ir.nodes[10].inputsFrom).toEqual(['x']);
  });

  it('leaves no trace of the pending lists: keys, symbols, spread and equality see only IR properties', () => {
    const ir = compile(randomDag(30), STORAGE).ir!;
    const node = ir.nodes[7];
    expect(Object.getOwnPropertySymbols(node)).toEqual([]);
    const copy = { ...node }; // a spread reads inputsFrom through the accessor
    expect(Object.keys(copy)).toEqual(Object.keys(node));
    expect(copy.inputsFrom).toEqual(node.inputsFrom);
    expect(node).toEqual(copy);
    expect(node).toStrictEqual(copy);
  });
});

describe('validation hands its work to the IR builder (compile)', () => {
  it.each(Object.entries({ ...edgeCaseDocuments(), random: randomDag(300, 3) }))('%s: the same IR with and without reuse', (_name, document) => {
    const options = resolveOptions({ ...STORAGE, pipelinePath: 'p/x.pipeline' });
    const reuse: IValidationReuse = {};
    validatePipeline(document, { reuse });
    expect(reuse.effective!.size).toBe(reuse.flat!.nodes.length);
    const reused = buildIR(document, options, {}, reuse);
    const fresh = buildIR(document, options);
    expect(plain(reused)).toEqual(plain(fresh));
  });
});
