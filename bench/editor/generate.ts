/**
 * A large, deterministic pipeline for the editor benchmark: nodes laid out in columns,
 * every link going from an earlier column to a later one (so the graph is a DAG), written
 * in the shape Elyra writes (pipeline-flow v3, app_data version 8).
 */

export interface IBenchNode {
  id: string;
  label: string;
  filename: string;
  x: number;
  y: number;
}

export interface IBenchLink {
  id: string;
  source: string;
  target: string;
}

export interface IBenchGraph {
  nodes: IBenchNode[];
  links: IBenchLink[];
}

export namespace generateGraph {
  export interface IOptions {
    seed: number;
    nodes: number;
    links: number;
    /** Nodes per column of the layout. */
    rows?: number;
  }
}

/** Column spacing and row spacing of the layout, in canvas pixels. */
const COLUMN_WIDTH = 260;
const ROW_HEIGHT = 110;
/** Links reach back at most this many columns, to keep the drawing local. */
const REACH = 3;

export function generateGraph(options: generateGraph.IOptions): IBenchGraph {
  const random = mulberry32(options.seed);
  const rows = options.rows ?? 20;
  const uuid = (): string => Private.uuid(random);

  const nodes: IBenchNode[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const label = `step-${String(i).padStart(3, '0')}`;
    nodes.push({
      id: uuid(),
      label,
      filename: `notebooks/${label}.ipynb`,
      x: 40 + Math.floor(i / rows) * COLUMN_WIDTH,
      y: 40 + (i % rows) * ROW_HEIGHT + Math.floor(random() * 30)
    });
  }

  const column = (i: number): number => Math.floor(i / rows);
  const seen = new Set<string>();
  const links: IBenchLink[] = [];
  const tryLink = (source: number, target: number): boolean => {
    const key = `${source}>${target}`;
    if (source === target || column(source) >= column(target) || seen.has(key)) {
      return false;
    }
    seen.add(key);
    links.push({ id: uuid(), source: nodes[source].id, target: nodes[target].id });
    return true;
  };
  // An upstream for every node outside the first column ...
  for (let target = rows; target < nodes.length; target++) {
    while (!tryLink(Private.upstreamOf(target, rows, random), target)) {
      // retry with another draw
    }
  }
  // ... then extra links until the requested count.
  let guard = options.links * 50;
  while (links.length < options.links && guard-- > 0) {
    const target = rows + Math.floor(random() * (nodes.length - rows));
    tryLink(Private.upstreamOf(target, rows, random), target);
  }
  return { nodes, links };
}

/** The graph as a `.pipeline` document, in the shape Elyra writes. */
export function toPipelineFlow(graph: IBenchGraph, name: string): Record<string, unknown> {
  const incoming = new Map<string, IBenchLink[]>();
  for (const link of graph.links) {
    const list = incoming.get(link.target) ?? [];
    list.push(link);
    incoming.set(link.target, list);
  }
  const port = (id: string, label: string, links?: IBenchLink[]): Record<string, unknown> => ({
    id,
    app_data: { ui_data: { cardinality: { min: 0, max: -1 }, label } },
    ...(links
      ? { links: links.map(l => ({ id: l.id, node_id_ref: l.source, port_id_ref: 'outPort' })) }
      : {})
  });
  return {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: '00000000-0000-4000-8000-000000000001',
    primary_pipeline: '00000000-0000-4000-8000-000000000002',
    pipelines: [
      {
        id: '00000000-0000-4000-8000-000000000002',
        nodes: graph.nodes.map(node => ({
          id: node.id,
          type: 'execution_node',
          op: 'execute-notebook-node',
          app_data: {
            label: node.label,
            component_parameters: {
              filename: node.filename,
              runtime_image: 'quay.io/jupyter/minimal-notebook:2024-10-07',
              env_vars: [],
              include_subdirectories: false,
              outputs: [],
              dependencies: []
            },
            ui_data: {
              label: node.label,
              image: '/static/elyra/notebook.svg',
              x_pos: node.x,
              y_pos: node.y,
              description: 'Run notebook file'
            }
          },
          inputs: [port('inPort', 'Input Port', incoming.get(node.id) ?? [])],
          outputs: [port('outPort', 'Output Port')]
        })),
        app_data: {
          ui_data: { comments: [] },
          version: 8,
          properties: { name, runtime: 'Generic' }
        },
        runtime_ref: ''
      }
    ],
    schemas: []
  };
}

/** A tiny valid notebook, so that the editor's missing-file check finds every node's file. */
export function notebookFor(label: string): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [`print(${JSON.stringify(label)})`] }
    ],
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/** Small, fast, seedable PRNG (public domain); same seed, same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

namespace Private {
  /** A node index in one of the REACH columns before `target`'s column. */
  export function upstreamOf(target: number, rows: number, random: () => number): number {
    const col = Math.floor(target / rows);
    const from = Math.max(0, col - REACH) * rows;
    const to = col * rows; // exclusive
    return from + Math.floor(random() * (to - from));
  }

  /** RFC 4122 version-4 shaped id drawn from the seeded PRNG. */
  export function uuid(random: () => number): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}
