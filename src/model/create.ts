/**
 * New documents and nodes, in exactly the shape Elyra 3.x/4.x writes, so that Elyra opens
 * what we write (compare elyra/cypress snapshots and packages/pipeline-editor's
 * getEmptyPipelineJson).
 */
import { newId } from './ids';
import { basename } from './paths';
import {
  CURRENT_APP_DATA_VERSION,
  IComponentParameters,
  INode,
  IPipelineFlowDocument,
  IPort,
  NODE_OPS,
  NodeKind
} from './types';

export const PIPELINE_FLOW_SCHEMA_URL =
  'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json';

/** A new, empty pipeline as Elyra writes one (fixed ids, as Elyra uses). */
export function createPipeline(name?: string): IPipelineFlowDocument {
  return {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema: PIPELINE_FLOW_SCHEMA_URL,
    id: 'elyra-auto-generated-pipeline',
    primary_pipeline: 'primary',
    pipelines: [
      {
        id: 'primary',
        nodes: [],
        app_data: {
          ui_data: { comments: [] },
          version: CURRENT_APP_DATA_VERSION,
          properties: {
            ...(name !== undefined ? { name } : {}),
            runtime: 'Generic'
          }
        },
        runtime_ref: ''
      }
    ],
    schemas: []
  };
}

const NODE_UI: Record<NodeKind, { image: string; description: string }> = {
  notebook: { image: '/static/elyra/notebook.svg', description: 'Run notebook file' },
  python: { image: '/static/elyra/python.svg', description: 'Run Python script' },
  r: { image: '/static/elyra/r-logo.svg', description: 'Run R script' }
};

/** The node kind a file name suggests (.ipynb, .py, .r, in any case), or null. */
export function kindForFile(filename: string): NodeKind | null {
  // Compared in place: validation asks this for every node, and a lower-case copy of
  // each file name was garbage.
  if (endsWithIgnoringCase(filename, '.ipynb')) {
    return 'notebook';
  }
  if (endsWithIgnoringCase(filename, '.py')) {
    return 'python';
  }
  if (endsWithIgnoringCase(filename, '.r')) {
    return 'r';
  }
  return null;
}

/** Whether `text` ends with `suffix` (lower-case ASCII) up to ASCII letter case, as toLowerCase().endsWith() would say. */
function endsWithIgnoringCase(text: string, suffix: string): boolean {
  const offset = text.length - suffix.length;
  if (offset < 0) {
    return false;
  }
  for (let i = 0; i < suffix.length; i++) {
    let code = text.charCodeAt(offset + i);
    if (code >= 65 && code <= 90) {
      code += 32;
    }
    if (code !== suffix.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

function port(id: 'inPort' | 'outPort'): IPort {
  return {
    id,
    app_data: {
      ui_data: {
        cardinality: { min: 0, max: -1 },
        label: id === 'inPort' ? 'Input Port' : 'Output Port'
      }
    }
  };
}

export function createInputPort(): IPort {
  return port('inPort');
}

export function createOutputPort(): IPort {
  return port('outPort');
}

export interface INewNodeOptions {
  kind: NodeKind;
  /** Path of the file relative to the pipeline file. */
  filename: string;
  x: number;
  y: number;
  /** Defaults to the file name. */
  label?: string;
  /** Extra component_parameters (e.g. env_vars found in the file). */
  properties?: IComponentParameters;
  id?: string;
}

/** A generic node with Elyra's default properties, ports and ui_data. */
export function createNode(options: INewNodeOptions): INode {
  const label = options.label ?? basename(options.filename);
  // Key order as Elyra's form writes them (cypress snapshot), then anything extra.
  const parameters: IComponentParameters = {
    dependencies: [],
    include_subdirectories: false,
    outputs: [],
    env_vars: [],
    kubernetes_pod_annotations: [],
    kubernetes_pod_labels: [],
    kubernetes_secrets: [],
    kubernetes_shared_mem_size: {},
    kubernetes_tolerations: [],
    mounted_volumes: [],
    filename: options.filename,
    ...(options.properties ?? {})
  };
  return {
    id: options.id ?? newId(),
    type: 'execution_node',
    op: NODE_OPS[options.kind],
    app_data: {
      label,
      component_parameters: parameters,
      ui_data: {
        label,
        image: NODE_UI[options.kind].image,
        x_pos: options.x,
        y_pos: options.y,
        description: NODE_UI[options.kind].description
      }
    },
    inputs: [createInputPort()],
    outputs: [createOutputPort()]
  };
}
