/**
 * Pipelines made up for tests, the benchmark (bench/compile.ts) and Tekton's own
 * validation (test/cli/compile-fixtures.ts): seeded random DAGs and the edge cases
 * issue 4 lists (unicode and 200-character labels, names that collide after
 * sanitising, every property set, hostile values). Documents have the shape Elyra 3.x
 * writes (app_data version 8); all deterministic.
 */
import { createNode, createPipeline, IComponentParameters, INode, IPipelineFlowDocument, NodeKind } from '../../src/model';

/** mulberry32: a small seeded PRNG, so "random" DAGs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface IGenNode {
  id: string;
  kind?: NodeKind;
  label?: string;
  filename?: string;
  parents?: string[];
  properties?: IComponentParameters;
}

const EXTENSION: Record<NodeKind, string> = { notebook: 'ipynb', python: 'py', r: 'r' };

/** A document from a node list; links are written on the target's input port as Elyra does. */
export function makeDocument(
  nodes: IGenNode[],
  options: { name?: string; defaults?: IComponentParameters; parameters?: unknown[]; description?: string } = {}
): IPipelineFlowDocument {
  const doc = createPipeline(options.name ?? 'generated');
  const pipeline = doc.pipelines[0];
  const properties = pipeline.app_data!.properties!;
  properties.pipeline_defaults = { runtime_image: 'docker.io/amancevice/pandas:1.1.1', ...(options.defaults ?? {}) };
  if (options.parameters) {
    properties.pipeline_parameters = options.parameters as never;
  }
  if (options.description) {
    properties.description = options.description;
  }
  pipeline.nodes = nodes.map((spec, index): INode => {
    const kind = spec.kind ?? 'notebook';
    const node = createNode({
      id: spec.id,
      kind,
      filename: spec.filename ?? `notebooks/${spec.id}.${EXTENSION[kind]}`,
      label: spec.label,
      x: (index % 40) * 200,
      y: Math.floor(index / 40) * 120,
      properties: spec.properties
    });
    if (spec.parents?.length) {
      node.inputs![0].links = spec.parents.map(parent => ({
        id: `link-${parent}-${spec.id}`,
        node_id_ref: parent,
        port_id_ref: 'outPort'
      }));
    }
    return node;
  });
  return doc;
}

/**
 * A random DAG of `size` nodes: node i links to one or two earlier nodes picked
 * uniformly (about one node in ten is a root), one in five declares an output, kinds
 * and labels vary. Ids are zero-padded so id order is creation order.
 */
export function randomDag(size: number, seed = 42): IPipelineFlowDocument {
  const random = seededRandom(seed);
  const kinds: NodeKind[] = ['notebook', 'notebook', 'notebook', 'python', 'r'];
  const words = ['load', 'clean', 'train', 'score', 'report', 'merge', 'split', 'plot'];
  const nodes: IGenNode[] = [];
  for (let i = 0; i < size; i++) {
    const id = `node-${String(i).padStart(5, '0')}-4b7a-936f-947ff980a4ab`;
    const parents = new Set<string>();
    if (i > 0 && random() > 0.1) {
      const count = 1 + Math.floor(random() * 2);
      for (let k = 0; k < count; k++) {
        parents.add(nodes[Math.floor(random() * i)].id);
      }
    }
    const kind = kinds[Math.floor(random() * kinds.length)];
    const word = words[Math.floor(random() * words.length)];
    const properties: IComponentParameters = {};
    if (random() < 0.2) {
      properties.outputs = [`data/${word}-${i}.csv`];
    }
    if (random() < 0.1) {
      properties.env_vars = [{ env_var: 'MODE', value: word }];
    }
    nodes.push({ id, kind, label: `${word} ${i}`, parents: [...parents], properties });
  }
  return makeDocument(nodes, { name: `random-dag-${size}` });
}

/** Every node property we map, set to a non-default value. */
export const EVERY_PROPERTY: IComponentParameters = {
  runtime_image: 'quay.io/example/notebook-runtime:2024.1',
  cpu: 1.5,
  cpu_limit: '2',
  memory: 4,
  memory_limit: '6Gi',
  gpu: 2,
  gpu_vendor: 'amd.com/gpu',
  env_vars: [
    { env_var: 'MODE', value: 'train' },
    { env_var: 'EMPTY_IS_DROPPED', value: '' }
  ],
  dependencies: ['utils.py', 'config/*.yaml'],
  include_subdirectories: true,
  outputs: ['model/weights.bin', 'reports/'],
  kubernetes_secrets: [{ env_var: 'DB_PASSWORD', name: 'db-credentials', key: 'password' }],
  mounted_volumes: [
    { path: '/mnt/data', pvc_name: 'training-data', sub_path: 'v1', read_only: true },
    { path: '/mnt/scratch', pvc_name: 'scratch' }
  ],
  kubernetes_pod_labels: [{ key: 'team', value: 'research' }],
  kubernetes_pod_annotations: [{ key: 'example.com/owner', value: 'Ada Lovelace <ada@example.com>' }],
  kubernetes_tolerations: [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoExecute' }
  ],
  kubernetes_shared_mem_size: { size: 2, units: 'G' },
  node_selector: [{ key: 'kubernetes.io/arch', value: 'amd64' }],
  timeout: '45m',
  retries: 2,
  pipeline_parameters: ['epochs', 'rate', 'verbose', 'dataset']
};

export const EVERY_PARAMETER = [
  { name: 'epochs', default_value: { type: 'Integer', value: 10 }, required: true, description: 'training epochs' },
  { name: 'rate', default_value: { type: 'Float', value: 0.01 } },
  { name: 'verbose', default_value: { type: 'Bool', value: false } },
  { name: 'dataset', default_value: { type: 'String', value: 'yes' }, value: 'on' }
];

/** Values an attacker or an unlucky user might type; none may reach script text. */
export const HOSTILE_VALUES = [
  `it's "quoted"`,
  '`rm -rf /`',
  '$(reboot)',
  '${HOME}; echo pwned',
  'line one\nline two\n',
  "'; exit 1; '",
  '#!/bin/bash -c "evil"',
  'yes',
  '0777',
  'null',
  ': x',
  '- item',
  '{a: b}',
  'trailing space ',
  ' leading space',
  'tab\there',
  'ünïcödé ✓ 数据'
];

/** The edge cases Tekton's own validation must accept, by a file-name-friendly key. */
export function edgeCaseDocuments(): Record<string, IPipelineFlowDocument> {
  const hostile = HOSTILE_VALUES.filter(v => v.trim() !== '');
  return {
    'unicode-labels': makeDocument(
      [
        { id: 'u1', label: 'Données brutes: été 2024' },
        { id: 'u2', label: 'Обработка данных', parents: ['u1'] },
        { id: 'u3', label: 'Σύνοψη αποτελεσμάτων', parents: ['u2'] },
        { id: 'u4', label: '数据清洗', parents: ['u1'] },
        { id: 'u5', label: '🚀🚀🚀', parents: ['u3', 'u4'] }
      ],
      { name: 'Ünïcödé pipeline ✓' }
    ),
    'long-labels': makeDocument(
      [
        { id: 'l1', label: 'A'.repeat(200) },
        { id: 'l2', label: `${'very long label '.repeat(12)}end`, parents: ['l1'] },
        { id: 'l3', label: 'x'.repeat(63), parents: ['l2'] }
      ],
      { name: 'P'.repeat(200) }
    ),
    'colliding-names': makeDocument(
      [
        { id: 'c1', label: 'Train Model' },
        { id: 'c2', label: 'train-model', parents: ['c1'] },
        { id: 'c3', label: 'TRAIN_MODEL!', parents: ['c1'] },
        { id: 'c4', label: 'train model 2' },
        { id: 'c5', label: 'train  model', parents: ['c2', 'c3', 'c4'] },
        { id: 'c6', label: `${'b'.repeat(45)}1` },
        { id: 'c7', label: `${'b'.repeat(45)}2`, parents: ['c6'] }
      ],
      { name: 'collisions' }
    ),
    'every-property': makeDocument(
      [
        { id: 'e1', label: 'prepare', kind: 'python', filename: 'src/prepare.py', properties: { outputs: ['data/clean.csv'] } },
        { id: 'e2', label: 'train', filename: 'notebooks/train.ipynb', parents: ['e1'], properties: EVERY_PROPERTY },
        { id: 'e3', label: 'report', kind: 'r', filename: 'report.r', parents: ['e2'], properties: { timeout: 30 } }
      ],
      {
        name: 'every-property',
        description: 'All node properties set',
        parameters: EVERY_PARAMETER,
        defaults: { env_vars: [{ env_var: 'FROM_DEFAULTS', value: 'yes' }] }
      }
    ),
    'hostile-values': makeDocument(
      hostile.map((value, i) => ({
        id: `h${i}`,
        label: value,
        parents: i ? [`h${i - 1}`] : [],
        properties: {
          env_vars: [{ env_var: `VALUE_${i}`, value }],
          kubernetes_pod_annotations: [{ key: 'example.com/note', value }],
          outputs: [`out/${i}.txt`]
        }
      })),
      {
        name: hostile.join(' '),
        description: hostile.join('\n'),
        parameters: [{ name: 'text', default_value: { type: 'String', value: hostile.join(' | ') } }]
      }
    ),
    'random-1000': randomDag(1000)
  };
}
