import {
  addNode,
  createPipeline,
  IPipelineFlowDocument,
  parsePipeline,
  resolveNodeProperties,
  setNodeProperty,
  setPipelineDefault
} from '../../src/model';
import { CLI_DIR, readFixture } from './helpers';

function setup(nodeProps: Record<string, unknown>, defaults: Record<string, unknown>): { doc: IPipelineFlowDocument; id: string } {
  const added = addNode(createPipeline(), { kind: 'notebook', filename: 'a.ipynb', x: 0, y: 0 });
  let doc = added.document;
  for (const [key, value] of Object.entries(nodeProps)) {
    doc = setNodeProperty(doc, added.nodeId, key, value);
  }
  for (const [key, value] of Object.entries(defaults)) {
    doc = setPipelineDefault(doc, key, value);
  }
  return { doc, id: added.nodeId };
}

describe('resolveNodeProperties', () => {
  it('falls back to the default runtime image only when the node has none', () => {
    const inherited = setup({}, { runtime_image: 'python:3.12' });
    expect(resolveNodeProperties(inherited.doc, inherited.id).runtime_image).toBe('python:3.12');
    const own = setup({ runtime_image: 'r-base:4' }, { runtime_image: 'python:3.12' });
    expect(resolveNodeProperties(own.doc, own.id).runtime_image).toBe('r-base:4');
    const empty = setup({ runtime_image: '' }, { runtime_image: 'python:3.12' });
    expect(resolveNodeProperties(empty.doc, empty.id).runtime_image).toBe('python:3.12');
  });

  it('merges env vars by name: defaults first, the node wins, blank entries dropped', () => {
    const { doc, id } = setup(
      {
        env_vars: [
          { env_var: 'B', value: 'node-b' },
          { env_var: 'C', value: 'c' },
          { env_var: 'A', value: '' }
        ]
      },
      {
        env_vars: [
          { env_var: 'A', value: 'default-a' },
          { env_var: 'B', value: 'default-b' }
        ]
      }
    );
    expect(resolveNodeProperties(doc, id).env_vars).toEqual([
      { env_var: 'A', value: 'default-a' },
      { env_var: 'B', value: 'node-b' },
      { env_var: 'C', value: 'c' }
    ]);
  });

  it('a secret replaces an env var with the same name', () => {
    const { doc, id } = setup(
      { kubernetes_secrets: [{ env_var: 'TOKEN', name: 'api', key: 'token' }] },
      { env_vars: [{ env_var: 'TOKEN', value: 'plain' }, { env_var: 'OTHER', value: 'x' }] }
    );
    const resolved = resolveNodeProperties(doc, id);
    expect(resolved.env_vars).toEqual([{ env_var: 'OTHER', value: 'x' }]);
    expect(resolved.kubernetes_secrets).toEqual([{ env_var: 'TOKEN', name: 'api', key: 'token' }]);
  });

  it('merges volumes by mount path and tolerations by all fields', () => {
    const { doc, id } = setup(
      {
        mounted_volumes: [{ path: '/data', pvc_name: 'node-pvc' }],
        kubernetes_tolerations: [{ key: 'gpu', operator: 'Exists', value: '', effect: 'NoSchedule' }]
      },
      {
        mounted_volumes: [
          { path: '/data', pvc_name: 'default-pvc' },
          { path: '/cache', pvc_name: 'cache' }
        ],
        kubernetes_tolerations: [{ key: 'gpu', operator: 'Exists', value: '', effect: 'NoExecute' }]
      }
    );
    const resolved = resolveNodeProperties(doc, id);
    expect(resolved.mounted_volumes).toEqual([
      { path: '/data', pvc_name: 'node-pvc' },
      { path: '/cache', pvc_name: 'cache' }
    ]);
    expect(resolved.kubernetes_tolerations).toHaveLength(2);
  });

  it('uses the defaults of the Elyra fixture pipeline_with_scripts', () => {
    const doc = parsePipeline(readFixture(`${CLI_DIR}/pipeline_with_scripts.pipeline`)).document!;
    const first = doc.pipelines[0].nodes[0];
    const resolved = resolveNodeProperties(doc, first.id);
    expect(resolved.kubernetes_secrets).toEqual([{ env_var: 'API_KEY', name: 'secret-2', key: 'myapikey' }]);
    expect(resolved.mounted_volumes).toEqual([{ path: '/mnt/vol2', pvc_name: 'pvc-claim-2' }]);
    expect(resolved.filename).toBe('scripts/script_1.py');
  });

  it('returns {} for unknown nodes and never mutates the document', () => {
    const { doc, id } = setup({ env_vars: [{ env_var: 'A', value: '1' }] }, { env_vars: [{ env_var: 'B', value: '2' }] });
    const before = JSON.stringify(doc);
    resolveNodeProperties(doc, id);
    expect(JSON.stringify(doc)).toBe(before);
    expect(resolveNodeProperties(doc, 'missing')).toEqual({});
  });
});
