import {
  findCycles,
  flattenPipeline,
  getNodeLabel,
  IPipelineFlowDocument,
  parsePipeline,
  serializePipeline,
  validatePipeline
} from '../../src/model';
import { plainTopologicalOrder, readFixture } from './helpers';

const port = (id: string, extra: Record<string, unknown> = {}) => ({ id, ...extra });
const link = (from: string, portRef = 'outPort') => ({ id: `l-${from}-${portRef}`, node_id_ref: from, port_id_ref: portRef });
const exec = (id: string, inputs: unknown[] = [port('inPort')]) => ({
  id,
  type: 'execution_node',
  op: 'execute-notebook-node',
  app_data: {
    label: id,
    component_parameters: { filename: `${id}.ipynb`, runtime_image: 'python:3.12' },
    ui_data: { label: id }
  },
  inputs,
  outputs: [port('outPort')]
});

/**
 * A → [S: B → C] → D, laid out as common-canvas writes supernodes (Elyra's
 * kf_supernode_valid.pipeline): ports name binding nodes via subflow_node_ref.
 */
function supernodeDoc(options: { bindingTypes?: [string, string]; useRefs?: boolean; loopBack?: boolean } = {}): IPipelineFlowDocument {
  const [entryType, exitType] = options.bindingTypes ?? ['binding', 'binding'];
  const refs = options.useRefs ?? true;
  return {
    doc_type: 'pipeline',
    version: '3.0',
    id: 'doc',
    primary_pipeline: 'main',
    pipelines: [
      {
        id: 'main',
        app_data: { version: 8, properties: { name: 'super' } },
        nodes: [
          exec('A', [port('inPort', options.loopBack ? { links: [link('D')] } : {})]),
          {
            id: 'S',
            type: 'super_node',
            subflow_ref: { pipeline_id_ref: 'sub' },
            app_data: { ui_data: { label: 'Supernode' } },
            inputs: [port('B_inPort', { ...(refs ? { subflow_node_ref: 'entry' } : {}), links: [link('A')] })],
            outputs: [port('C_outPort', refs ? { subflow_node_ref: 'exit' } : {})]
          },
          exec('D', [port('inPort', { links: [link('S', 'C_outPort')] })])
        ]
      },
      {
        id: 'sub',
        app_data: { ui_data: { comments: [] } },
        nodes: [
          exec('B', [port('inPort', { links: [link('entry', 'output_B_inPort')] })]),
          exec('C', [port('inPort', { links: [link('B')] })]),
          { id: 'entry', type: entryType, outputs: [port('output_B_inPort')] },
          { id: 'exit', type: exitType, inputs: [port('input_C_outPort', { links: [link('C')] })] }
        ]
      }
    ]
  } as unknown as IPipelineFlowDocument;
}

describe('flattenPipeline', () => {
  it.each([
    ['common-canvas "binding" nodes', {}],
    ['binding_entry_node / binding_exit_node', { bindingTypes: ['binding_entry_node', 'binding_exit_node'] as [string, string] }],
    ['port-name convention without subflow_node_ref', { useRefs: false }]
  ])('inlines supernodes (%s)', (_name, options) => {
    const flat = flattenPipeline(supernodeDoc(options));
    expect(flat.diagnostics).toEqual([]);
    expect(flat.nodes.map(n => n.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(flat.edges).toEqual([
      { source: 'B', target: 'C' },
      { source: 'A', target: 'B' },
      { source: 'C', target: 'D' }
    ].sort((a, b) => ['A', 'B', 'C', 'D'].indexOf(a.target) - ['A', 'B', 'C', 'D'].indexOf(b.target)));
    expect(flat.pipelineOf.get('B')).toBe('sub');
    expect(plainTopologicalOrder(flat.nodes.map(n => n.id), flat.edges)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('a supernode document survives parse/serialize and validates', () => {
    const text = serializePipeline(supernodeDoc());
    const parsed = parsePipeline(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(validatePipeline(parsed.document!)).toEqual([]);
  });

  it('finds cycles that run through a supernode', () => {
    const problems = validatePipeline(supernodeDoc({ loopBack: true })).filter(d => d.code === 'cycle');
    expect(problems.map(d => d.nodeId).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(problems.find(d => d.nodeId === 'B')!.pipelineId).toBe('sub');
  });

  it('reports a supernode that contains itself instead of looping', () => {
    const doc: any = supernodeDoc();
    doc.pipelines[1].nodes.push({ id: 'S2', type: 'super_node', subflow_ref: { pipeline_id_ref: 'sub' } });
    const flat = flattenPipeline(doc);
    expect(flat.diagnostics.map(d => d.code)).toEqual(['subflow-cycle']);
  });

  it('flattens the producer-consumer fixture into its links', () => {
    const doc = parsePipeline(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline')).document!;
    const flat = flattenPipeline(doc);
    const label = (id: string) => getNodeLabel(flat.nodes.find(n => n.id === id)!);
    expect(flat.edges.map(e => `${label(e.source)} → ${label(e.target)}`).sort()).toEqual([
      'create-source-files.py → producer-script.py',
      'create-source-files.py → producer.ipynb',
      'producer-script.py → consumer.ipynb',
      'producer.ipynb → consumer.ipynb',
      'setup.py → create-source-files.py'
    ]);
  });
});

describe('graph algorithms', () => {
  it('findCycles handles long chains and self-loops', () => {
    const ids = Array.from({ length: 6000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));
    expect(findCycles(ids, edges)).toEqual([]);
    expect(findCycles(ids, [...edges, { source: 'n5999', target: 'n0' }])[0]).toHaveLength(6000);
    expect(findCycles(['a', 'b'], [{ source: 'a', target: 'a' }])).toEqual([['a']]);
  });
});
