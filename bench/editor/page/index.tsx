/**
 * The floor for our stack: a bare React Flow page (same @xyflow/react and React as the
 * extension) that fetches the same `.pipeline` file, maps it to nodes and edges, and
 * renders it, fit to the view. No JupyterLab, no model, no validation.
 */
import {
  Edge,
  Node,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import React from 'react';
import { createRoot } from 'react-dom/client';

/** When this bundle started running (the benchmark measures from here, too). */
(window as any).__benchScriptStart = performance.now();

interface IPipelineFile {
  pipelines: {
    nodes: {
      id: string;
      app_data: { label: string; ui_data: { x_pos: number; y_pos: number } };
      inputs?: { links?: { id: string; node_id_ref: string }[] }[];
    }[];
  }[];
}

function toFlow(doc: IPipelineFile): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  for (const node of doc.pipelines[0].nodes) {
    nodes.push({
      id: node.id,
      position: { x: node.app_data.ui_data.x_pos, y: node.app_data.ui_data.y_pos },
      data: { label: node.app_data.label }
    });
    for (const input of node.inputs ?? []) {
      for (const link of input.links ?? []) {
        edges.push({ id: link.id, source: link.node_id_ref, target: node.id });
      }
    }
  }
  return { nodes, edges };
}

function Flow(props: { nodes: Node[]; edges: Edge[] }): JSX.Element {
  const [nodes, , onNodesChange] = useNodesState(props.nodes);
  const [edges, , onEdgesChange] = useEdgesState(props.edges);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      fitView
    />
  );
}

async function main(): Promise<void> {
  const file = new URLSearchParams(location.search).get('file') ?? 'bench.pipeline';
  const doc = (await (await fetch(file)).json()) as IPipelineFile;
  const { nodes, edges } = toFlow(doc);
  createRoot(document.getElementById('root')!).render(
    <ReactFlowProvider>
      <Flow nodes={nodes} edges={edges} />
    </ReactFlowProvider>
  );
}

void main();
