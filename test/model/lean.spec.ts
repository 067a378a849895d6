/**
 * Validation's allocation-saving shortcuts give the same answers as the plain algorithms
 * they replace (kept here as references): the check-only schema walk, copy-on-write
 * property resolution, the numbered Tarjan, per-target edge de-duplication, and the
 * in-place file-name tests and the normal-path shortcut.
 */
import {
  checkRelativePattern,
  checkSchema,
  createNode,
  createPipeline,
  findCycles,
  flattenPipeline,
  IComponentParameters,
  IFlatEdge,
  INode,
  IValidationReuse,
  kindForFile,
  LIST_ITEM_KEYS,
  nodePropertiesSchema,
  normalizeRelative,
  resolveParameters,
  validatePipeline
} from '../../src/model';
import { isBlankItem } from '../../src/model/propertyCheck';
import { INHERITABLE_PROPERTIES } from '../../src/model/schema';
import { conformsToSchema } from '../../src/model/schemaCheck';
import { seededRandom } from './helpers';

const random = seededRandom(4242);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 2, 1e308, '', ' ', '0', '2Gi', '500m', '1h30m', 'x.py', '/abs', '../up', 'a/../b', 'Exists',
  [], [''], [null], ['a', 'a'], ['a', 'b'], [1, 'a'], {}, { size: -1 }, { size: 1, units: 'G' },
  [{ env_var: 'A', value: '' }], [{ env_var: 'A', value: '1' }, { env_var: 'A', value: '2' }], [{ env_var: 'B', value: 'x' }, 'loose'],
  [{ env_var: 'T', name: 'sec', key: 'k' }], [{ env_var: 'T', name: 'Bad_Name', key: 'k' }],
  [{ path: 'mnt/data/', pvc_name: 'p' }, { path: '/mnt/data', pvc_name: 'q' }], [{ path: '', pvc_name: '' }],
  [{ key: 'a', value: 'b' }, { key: 'a', value: 'c' }], [{ key: 'bad key', value: '' }], [{ key: '', operator: 'Equal' }],
  [{ key: 'k', operator: 'Exists', value: 'v' }], [{ operator: 'Exists' }], [{}], ['P1', 'P1']
];
const PROPERTIES = Object.keys(nodePropertiesSchema.properties!);

function randomParameters(): IComponentParameters {
  const parameters: IComponentParameters = {};
  const count = Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    parameters[pick(PROPERTIES)] = pick(VALUES);
  }
  return parameters;
}

describe('conformsToSchema', () => {
  it('agrees with checkSchema finding nothing, with and without typesOnly', () => {
    for (let i = 0; i < 3000; i++) {
      const property = pick(PROPERTIES);
      const schema = nodePropertiesSchema.properties![property];
      const value = pick(VALUES);
      for (const options of [{}, { typesOnly: true }]) {
        expect([property, value, conformsToSchema(value, schema, options)]).toEqual([
          property,
          value,
          checkSchema(value, schema, [], options).length === 0
        ]);
      }
    }
  });
});

/** resolveParameters as it was before copy-on-write: a fresh copy and fresh lists every time. */
function referenceResolve(node: INode, defaults: IComponentParameters): IComponentParameters {
  type Item = Record<string, unknown>;
  const isObject = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
  const isEmpty = (value: unknown) =>
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.values(value).every(v => v === undefined || v === null || v === ''));
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value));
  const clean = (property: string, value: unknown): unknown[] => {
    if (!Array.isArray(value)) {
      return [];
    }
    const byKey = new Map<string, unknown>();
    const loose: unknown[] = [];
    for (const item of value.filter(entry => !isBlankItem(property, entry))) {
      if (isObject(item)) {
        byKey.set(LIST_ITEM_KEYS[property](item), item);
      } else {
        loose.push(item);
      }
    }
    return [...byKey.values(), ...loose];
  };
  const own = (node.app_data?.component_parameters ?? {}) as IComponentParameters;
  const result: IComponentParameters = { ...own };
  for (const property of Object.keys(LIST_ITEM_KEYS)) {
    if (Array.isArray(own[property])) {
      result[property] = clean(property, own[property]);
    }
  }
  for (const property of INHERITABLE_PROPERTIES) {
    const fallback = defaults[property];
    if (isEmpty(fallback)) {
      continue;
    }
    if (property in LIST_ITEM_KEYS) {
      if (!Array.isArray(fallback) || (own[property] !== undefined && !Array.isArray(own[property]))) {
        continue;
      }
      const merged = new Map<string, unknown>();
      for (const item of [...clean(property, fallback), ...((result[property] as unknown[] | undefined) ?? [])]) {
        if (isObject(item)) {
          merged.set(LIST_ITEM_KEYS[property](item), item);
        }
      }
      result[property] = [...merged.values()];
    } else if (isEmpty(own[property])) {
      result[property] = fallback;
    }
  }
  const secrets = Array.isArray(result.kubernetes_secrets) ? result.kubernetes_secrets : [];
  if (secrets.length && Array.isArray(result.env_vars)) {
    const names = new Set(secrets.filter(isObject).map(secret => text(secret.env_var)));
    result.env_vars = result.env_vars.filter(env => !(isObject(env) && names.has(text(env.env_var))));
  }
  return result;
}

describe('resolveParameters', () => {
  it('equals the copying reference (keys in the same order) and never mutates the document', () => {
    for (let i = 0; i < 2000; i++) {
      const node = createNode({ kind: 'python', filename: 'a.py', x: 0, y: 0, properties: randomParameters() });
      const defaults = randomParameters();
      const before = JSON.stringify([node, defaults]);
      const resolved = resolveParameters(node, defaults);
      expect(JSON.stringify(resolved)).toBe(JSON.stringify(referenceResolve(node, defaults)));
      expect(JSON.stringify([node, defaults])).toBe(before);
    }
  });

  it("returns the node's own parameters when nothing changes, and a copy otherwise", () => {
    const node = createNode({ kind: 'notebook', filename: 'a.ipynb', x: 0, y: 0, properties: { runtime_image: 'python:3.12' } });
    const own = node.app_data!.component_parameters!;
    expect(resolveParameters(node, { runtime_image: 'other:1' })).toBe(own);
    const inherited = resolveParameters(node, { timeout: 30 });
    expect(inherited).not.toBe(own);
    expect(inherited).toEqual({ ...own, timeout: 30 });
    expect(inherited.env_vars).toBe(own.env_vars);
  });
});

/** Tarjan with Maps of ids, as findCycles was before it numbered the nodes. */
function referenceCycles(nodeIds: string[], edges: IFlatEdge[]): string[][] {
  const successors = new Map<string, string[]>(nodeIds.map(id => [id, []]));
  const selfLoops = new Set(edges.filter(edge => edge.source === edge.target).map(edge => edge.source));
  for (const edge of edges) {
    successors.get(edge.source)?.push(edge.target);
  }
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (id: string) => {
    order.set(id, order.size);
    low.set(id, order.get(id)!);
    stack.push(id);
    for (const next of successors.get(id)!) {
      if (!successors.has(next)) {
        continue;
      }
      if (!order.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(id, Math.min(low.get(id)!, order.get(next)!));
      }
    }
    if (low.get(id) === order.get(id)) {
      const component = stack.splice(stack.indexOf(id));
      if (component.length > 1 || selfLoops.has(id)) {
        cycles.push(component);
      }
    }
  };
  for (const id of nodeIds) {
    if (!order.has(id)) {
      visit(id);
    }
  }
  return cycles;
}

describe('findCycles', () => {
  it('finds the same cycles, in the same order, as the reference on random graphs', () => {
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(random() * 12);
      // Repeated ids, and edges to and from ids that are not nodes, included.
      const ids = Array.from({ length: n }, () => `n${Math.floor(random() * (n + 2))}`);
      const edges = Array.from({ length: Math.floor(random() * 3 * n) }, () => ({
        source: `n${Math.floor(random() * (n + 3))}`,
        target: `n${Math.floor(random() * (n + 3))}`
      }));
      expect([ids, edges, findCycles(ids, edges)]).toEqual([ids, edges, referenceCycles(ids, edges)]);
    }
  });
});

describe('flattenPipeline', () => {
  it('keeps one edge per source and target for wide fan-in (past the scan limit) and repeated links', () => {
    const doc = createPipeline('fan-in');
    const parents = Array.from({ length: 40 }, (_, i) => createNode({ id: `p${i}`, kind: 'python', filename: `p${i}.py`, x: 0, y: 0 }));
    const child = createNode({ id: 'child', kind: 'python', filename: 'child.py', x: 0, y: 0 });
    const order = [...parents.map((_, i) => i), 3, 17, 39, 0, 25, 25];
    child.inputs![0].links = order.map((p, k) => ({ id: `l${k}`, node_id_ref: `p${p}`, port_id_ref: 'outPort' }));
    doc.pipelines[0].nodes = [...parents, child];
    const flat = flattenPipeline(doc);
    expect(flat.edges).toEqual(parents.map(parent => ({ source: parent.id, target: 'child' })));
    expect(validatePipeline(doc).filter(d => d.severity === 'error')).toEqual([]);
  });

  it('gives the same nodes and edges with the shape check index as without, and lists no primary-pipeline node in pipelineOf', () => {
    const doc = createPipeline('indexed');
    const nodes = Array.from({ length: 30 }, (_, i) => createNode({ id: `n${i}`, kind: 'python', filename: `n${i}.py`, x: 0, y: 0 }));
    nodes.forEach((node, i) => {
      node.inputs![0].links = i ? [0, 1, 2].map(k => ({ id: `l${i}-${k}`, node_id_ref: `n${Math.floor(random() * i)}`, port_id_ref: 'outPort' })) : [];
    });
    doc.pipelines[0].nodes = nodes;
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const plain = flattenPipeline(doc);
    const positions: number[] = [];
    const indexed = flattenPipeline(doc, index, positions);
    expect(indexed.nodes).toEqual(plain.nodes);
    expect(indexed.edges).toEqual(plain.edges);
    expect(positions).toEqual(plain.edges.flatMap(edge => [index.get(edge.source), index.get(edge.target)]));
    expect([plain.pipelineOf.size, indexed.pipelineOf.size]).toEqual([0, 0]);
  });
});

describe('validation reuse', () => {
  it('has the effective properties of each runnable node of a one-pipeline document, other nodes in between', () => {
    const doc = createPipeline('reuse');
    const nodes = Array.from({ length: 12 }, (_, i) =>
      createNode({ id: `r${i}`, kind: 'python', filename: `r${i}.py`, x: 0, y: 0, properties: { env_vars: [{ env_var: 'I', value: String(i) }] } })
    );
    const other = { id: 'x', type: 'model_node', op: 'other', app_data: {}, inputs: [], outputs: [] } as unknown as INode;
    doc.pipelines[0].nodes = [nodes[0], other, ...nodes.slice(1)];
    doc.pipelines[0].app_data!.properties!.pipeline_defaults = { runtime_image: 'python:3.12', env_vars: [{ env_var: 'D', value: 'd' }] };
    const reuse: IValidationReuse = {};
    validatePipeline(doc, { reuse });
    const defaults = doc.pipelines[0].app_data!.properties!.pipeline_defaults!;
    expect(reuse.effective!.size).toBe(nodes.length);
    for (const node of nodes) {
      expect(reuse.effective!.get(node)).toEqual(resolveParameters(node, defaults));
    }
    expect(reuse.effective!.get(other)).toBeUndefined();
    expect(reuse.effective!.get({ ...nodes[3] })).toBeUndefined(); // another object with the same id
  });
});

describe('file name tests', () => {
  it('kindForFile ignores the case of the extension, as toLowerCase().endsWith() does', () => {
    const names = ['a.ipynb', 'A.IPYNB', 'a.IpYnB', 'a.py', 'a.PY', 'a.r', 'a.R', 'a.rmd', 'a.txt', '.py', 'py', '', 'x.ıpynb', 'x.İPYNB', 'x.pY'];
    for (const name of names) {
      const lower = name.toLowerCase();
      const expected = lower.endsWith('.ipynb') ? 'notebook' : lower.endsWith('.py') ? 'python' : lower.endsWith('.r') ? 'r' : null;
      expect([name, kindForFile(name)]).toEqual([name, expected]);
    }
  });

  it('normalizeRelative returns an already normal path as it is, and splits and joins the others as before', () => {
    const plain = (path: string): string | null => {
      const out: string[] = [];
      for (const part of path.split('/')) {
        if (part === '..') {
          if (!out.length) {
            return null;
          }
          out.pop();
        } else if (part !== '' && part !== '.') {
          out.push(part);
        }
      }
      return out.join('/');
    };
    const paths = ['a.ipynb', 'dir/sub/b.py', './a', 'a/.', 'a/./b', 'a//b', 'a/', '/a', '', '.', '..', 'a/..', '../a', 'a/../../b',
      '.hidden', 'a/.hidden/b', '..dots', 'a/...', 'a/b.', 'dir\\win.py', 'C:/x', ' a / b ', '//', 'a/b/../c/./d'];
    for (const path of paths) {
      expect([path, normalizeRelative(path)]).toEqual([path, plain(path)]);
    }
  });

  it('checkRelativePattern finds a ".." segment as splitting on either slash does', () => {
    const patterns = ['..', 'a/..', '../a', 'a/../b', 'a\\..\\b', '...', 'a..', '..a', 'a/...', ' .. ', 'a/ ../b', '..\\', 'data/*.csv'];
    for (const pattern of patterns) {
      const expected = !pattern.trim().startsWith('/') && pattern.trim().split(/[\\/]/).includes('..');
      expect([pattern, checkRelativePattern(pattern) === 'contains a ".." segment']).toEqual([pattern, expected]);
    }
  });
});

describe('repeated ids', () => {
  it('warns once per repeated link id, at the repeat', () => {
    const doc = createPipeline('links');
    const [a, b, c] = ['a', 'b', 'c'].map(id => createNode({ id, kind: 'python', filename: `${id}.py`, x: 0, y: 0 }));
    b.inputs![0].links = [{ id: 'same', node_id_ref: 'a', port_id_ref: 'outPort' }];
    c.inputs![0].links = [
      { id: 'same', node_id_ref: 'a', port_id_ref: 'outPort' },
      { id: 'other', node_id_ref: 'b', port_id_ref: 'outPort' },
      { id: 'same', node_id_ref: 'b', port_id_ref: 'outPort' }
    ];
    doc.pipelines[0].nodes = [a, b, c];
    expect(validatePipeline(doc).filter(d => d.code === 'duplicate-link-id').map(d => d.message)).toEqual([
      'Node "c.py" (c): link id "same" is used twice.',
      'Node "c.py" (c): link id "same" is used twice.'
    ]);
  });
});

describe('cycles of a one-pipeline document (numbered by node positions)', () => {
  it('are the cycles findCycles finds over the flattened nodes, with other nodes in between', () => {
    const doc = createPipeline('loops');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(id => createNode({ id, kind: 'python', filename: `${id}.py`, x: 0, y: 0 }));
    const link = (from: string) => ({ id: `${from}-link-${Math.floor(random() * 1e9)}`, node_id_ref: from, port_id_ref: 'outPort' });
    a.inputs![0].links = [link('c')];
    b.inputs![0].links = [link('a')];
    c.inputs![0].links = [link('b')];
    d.inputs![0].links = [link('d'), link('x')];
    const other = { id: 'x', type: 'model_node', op: 'other', app_data: {}, inputs: [], outputs: [] } as unknown as INode;
    doc.pipelines[0].nodes = [d, other, c, b, a];
    const flat = flattenPipeline(doc);
    const expected = findCycles(flat.nodes.map(node => node.id), flat.edges).flat();
    expect(expected).toEqual(['d', 'c', 'a', 'b']);
    expect(validatePipeline(doc).filter(diagnostic => diagnostic.code === 'cycle').map(diagnostic => diagnostic.nodeId)).toEqual(expected);
  });
});
