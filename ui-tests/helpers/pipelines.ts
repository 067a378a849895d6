/**
 * Small pipelines and notebooks written by the specs themselves, in the shape Elyra writes
 * (pipeline-flow v3, app_data version 8), for cases the fixtures do not cover.
 */

export interface INodeSpec {
  /** Node id (also used in links). */
  id: string;
  /** File relative to the pipeline; the label is its name. */
  filename: string;
  x: number;
  y: number;
  /** Ids of upstream nodes. */
  after?: string[];
  runtimeImage?: string;
}

/** A `.pipeline` document (as text) with the given nodes and links. */
export function pipelineText(name: string, nodes: INodeSpec[]): string {
  // Links live on the target's input port; a link id is `<source>-<target>`.
  const port = (id: string, label: string, target?: INodeSpec): Record<string, unknown> => ({
    id,
    app_data: { ui_data: { cardinality: { min: 0, max: -1 }, label } },
    ...(target
      ? {
          links: (target.after ?? []).map(ref => ({
            id: `${ref}-${target.id}`,
            node_id_ref: ref,
            port_id_ref: 'outPort'
          }))
        }
      : {})
  });
  const doc = {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: `${name}-doc`,
    primary_pipeline: `${name}-pipeline`,
    pipelines: [
      {
        id: `${name}-pipeline`,
        nodes: nodes.map(node => {
          const label = node.filename.split('/').pop()!;
          return {
            id: node.id,
            type: 'execution_node',
            op: 'execute-notebook-node',
            app_data: {
              label,
              component_parameters: {
                filename: node.filename,
                ...(node.runtimeImage ? { runtime_image: node.runtimeImage } : {}),
                env_vars: [],
                include_subdirectories: false,
                outputs: [],
                dependencies: []
              },
              ui_data: { label, image: '/static/elyra/notebook.svg', x_pos: node.x, y_pos: node.y }
            },
            inputs: [port('inPort', 'Input Port', node)],
            outputs: [port('outPort', 'Output Port')]
          };
        }),
        app_data: { ui_data: { comments: [] }, version: 8, properties: { name, runtime: 'Generic' } },
        runtime_ref: ''
      }
    ],
    schemas: []
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** A notebook of code cells (nbformat 4.5) for the python3 kernel. */
export function notebookText(cells: string[]): string {
  return JSON.stringify(
    {
      cells: cells.map((source, i) => ({
        cell_type: 'code',
        execution_count: null,
        id: `cell-${i}`,
        metadata: {},
        outputs: [],
        source
      })),
      metadata: {
        kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
        language_info: { name: 'python' }
      },
      nbformat: 4,
      nbformat_minor: 5
    },
    null,
    1
  );
}
