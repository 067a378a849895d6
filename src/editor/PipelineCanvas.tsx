import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Connection,
  Controls,
  Edge,
  FinalConnectionState,
  MiniMap,
  Node,
  NodeChange,
  NodeTypes,
  OnConnectEnd,
  OnEdgesChange,
  OnNodeDrag,
  OnNodesChange,
  OnSelectionChangeFunc,
  ReactFlow,
  ReactFlowProvider,
  SelectionDragHandler,
  useReactFlow
} from '@xyflow/react';
import React, { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  attachComment,
  connect,
  getComments,
  getNodes,
  getPrimaryPipeline,
  moveNodes,
  updateComment,
  wouldCreateCycle
} from '../model';
import type { IDiagnostic, IPipelineFlowDocument } from '../model/types';
import type { Tekton } from '../tokens';
import type { PipelineEditorModel } from '../widget/editormodel';
import { CommentNode } from './CommentNode';
import { useEditorContext, useEditorState } from './context';
import { COMMENT_TYPE, EMPTY_SOURCES, ISyncSources, NODE_TYPE, syncEdges, syncNodes } from './graph';
import { PipelineNode } from './PipelineNode';
import type { FlowEdge, FlowNode, ICanvasController } from './types';
import { DEFAULT_NODE_SIZE } from './layout';
import { resolveNodePath } from './paths';

// Module scope: React Flow warns (and re-mounts nodes) when these change identity.
const nodeTypes: NodeTypes = { [NODE_TYPE]: PipelineNode, [COMMENT_TYPE]: CommentNode };
const MULTI_SELECTION_KEYS = ['Meta', 'Control'];
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.25 };
const DEFAULT_EDGE_OPTIONS = { interactionWidth: 16 };
const MINIMAP_STYLE = { width: 160, height: 110 };
/** Delay before keyboard (arrow key) moves are written to the document. */
const KEYBOARD_MOVE_DELAY = 400;

interface IGraphState {
  document: IPipelineFlowDocument | null;
  diagnostics: ReadonlyArray<IDiagnostic> | null;
  runStates: ReadonlyMap<string, Tekton.INodeRunState> | null;
  selectionRequest: number;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** What produced `nodes`: lets the next sync reuse unchanged nodes. */
  sources: ISyncSources;
}

const EMPTY_GRAPH: IGraphState = {
  document: null,
  diagnostics: null,
  runStates: null,
  selectionRequest: 0,
  nodes: [],
  edges: [],
  sources: EMPTY_SOURCES
};

export interface IPipelineCanvasProps {
  /** Receives the canvas's imperative API when mounted, null when unmounted. */
  onController(controller: ICanvasController | null): void;
}

/** The graph: nodes, links, comments; minimap, zoom controls and an empty-canvas hint. */
export function PipelineCanvas(props: IPipelineCanvasProps): JSX.Element {
  return (
    <ReactFlowProvider>
      <CanvasView {...props} />
    </ReactFlowProvider>
  );
}

function CanvasView({ onController }: IPipelineCanvasProps): JSX.Element {
  const { model, services } = useEditorContext();
  const trans = services.trans;
  const state = useEditorState(model);
  const colorMode = useSyncExternalStore(services.colorMode.subscribe, services.colorMode.getSnapshot);
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  // Derive React Flow's nodes and edges from the document during render (no extra pass),
  // reusing every unchanged object. Always a functional update of one state: React Flow's
  // own changes (measured sizes, selection) are functional updates of the same state, and
  // a plain value here would, when React rebases skipped updates, overwrite them and lose
  // the measured sizes — React Flow re-measures, reports, gets them overwritten again:
  // the "Maximum update depth exceeded" loop in StoreUpdater.setNodes.
  const [graph, setGraph] = useState<IGraphState>(EMPTY_GRAPH);
  if (state.document && !inSync(graph, state)) {
    setGraph(g => (inSync(g, state) ? g : syncGraph(g, state)));
  }
  const current = graph;
  // Fit the view once, on opening a non-empty document; never when the first nodes of an
  // empty canvas appear (a dropped node would jump away from the pointer). Constant for
  // the canvas's lifetime: React Flow queues a fit whenever this prop changes.
  const [initialFit] = useState(() => hasContent(state.document));

  // While a drag runs, React Flow reports positions per frame; the document gets them once.
  const dragging = useRef(false);
  const keyboardMoves = useRef(new Map<string, { x: number; y: number }>());
  const keyboardTimer = useRef(0);

  const persistMoves = useCallback(
    (moved: Node[]) => {
      if (!moved.length) {
        return;
      }
      const nodes = moved
        .filter(n => n.type === NODE_TYPE)
        .map(n => ({ id: n.id, x: Math.round(n.position.x), y: Math.round(n.position.y) }));
      const comments = moved.filter(n => n.type === COMMENT_TYPE);
      model.edit(trans.__('Move'), doc => {
        let next = nodes.length ? moveNodes(doc, nodes) : doc;
        for (const c of comments) {
          next = updateComment(next, c.id, {
            x_pos: Math.round(c.position.x),
            y_pos: Math.round(c.position.y)
          });
        }
        return next;
      });
    },
    [model, trans]
  );

  const onNodesChange: OnNodesChange<FlowNode> = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      setGraph(g => ({ ...g, nodes: applyNodeChanges(changes, g.nodes) }));
      if (dragging.current) {
        return;
      }
      // Arrow-key moves (keyboard accessibility) come as position changes outside a drag.
      let keyboard = false;
      for (const change of changes) {
        if (change.type === 'position' && change.position && !change.dragging) {
          keyboardMoves.current.set(change.id, change.position);
          keyboard = true;
        }
      }
      if (keyboard) {
        window.clearTimeout(keyboardTimer.current);
        keyboardTimer.current = window.setTimeout(() => {
          const moved = Array.from(keyboardMoves.current.keys())
            .map(id => flow.getNode(id))
            .filter((n): n is FlowNode => !!n);
          keyboardMoves.current.clear();
          persistMoves(moved);
        }, KEYBOARD_MOVE_DELAY);
      }
    },
    [flow, persistMoves]
  );
  useEffect(() => () => window.clearTimeout(keyboardTimer.current), []);

  const onEdgesChange: OnEdgesChange<FlowEdge> = useCallback(changes => {
    setGraph(g => ({ ...g, edges: applyEdgeChanges(changes, g.edges) }));
  }, []);

  const onDragStart = useCallback(() => {
    dragging.current = true;
  }, []);
  const onNodeDragStop: OnNodeDrag<FlowNode> = useCallback(
    (_event, _node, nodes) => {
      dragging.current = false;
      persistMoves(nodes);
    },
    [persistMoves]
  );
  const onSelectionDragStop: SelectionDragHandler<FlowNode> = useCallback(
    (_event, nodes) => {
      dragging.current = false;
      persistMoves(nodes);
    },
    [persistMoves]
  );

  const onSelectionChange: OnSelectionChangeFunc<FlowNode, FlowEdge> = useCallback(
    ({ nodes, edges }) => {
      model.setSelection({
        nodes: nodes.filter(n => n.type === NODE_TYPE).map(n => n.id),
        comments: nodes.filter(n => n.type === COMMENT_TYPE).map(n => n.id),
        links: edges.map(e => e.id)
      });
    },
    [model]
  );

  /** Why a connection is refused ('' when it is fine); the model has the last word. */
  const refusal = useCallback(
    (source: string, target: string): string => {
      const doc = model.document;
      if (!doc) {
        return trans.__('The pipeline is not loaded.');
      }
      const sourceNode = flow.getNode(source);
      if (sourceNode?.type === COMMENT_TYPE) {
        const attached = flow.getEdges().some(e => e.source === source && e.target === target);
        return attached ? trans.__('This comment is already attached to that node.') : '';
      }
      if (source === target) {
        return trans.__('A node cannot be linked to itself.');
      }
      if (flow.getEdges().some(e => e.source === source && e.target === target)) {
        return trans.__('These nodes are already linked.');
      }
      if (wouldCreateCycle(doc, source, target)) {
        return trans.__('This link would create a cycle.');
      }
      return '';
    },
    [model, flow, trans]
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => refusal(connection.source, connection.target) === '',
    [refusal]
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const { source, target } = connection;
      if (flow.getNode(source)?.type === COMMENT_TYPE) {
        model.edit(trans.__('Attach comment'), doc => attachComment(doc, source, target));
        return;
      }
      let message = '';
      model.edit(trans.__('Link nodes'), doc => {
        const result = connect(doc, source, target);
        if ('error' in result) {
          message = result.error;
          return null;
        }
        return result.document;
      });
      if (message) {
        services.notify(message, 'warning');
      }
    },
    [model, flow, services, trans]
  );

  // Visible feedback when the user lets go over a node that refuses the link.
  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, connection: FinalConnectionState) => {
      if (connection.isValid || !connection.fromNode || !connection.toNode) {
        return;
      }
      const fromSource = connection.fromHandle?.type !== 'target';
      const source = fromSource ? connection.fromNode.id : connection.toNode.id;
      const target = fromSource ? connection.toNode.id : connection.fromNode.id;
      const reason = refusal(source, target);
      if (reason) {
        services.notify(reason, 'warning');
      }
    },
    [refusal, services]
  );

  const onNodeDoubleClick = useCallback(
    (_event: React.MouseEvent, node: FlowNode) => {
      if (node.type !== NODE_TYPE || !node.data.filename) {
        return;
      }
      const path = resolveNodePath(model.path, node.data.filename);
      if (path === null) {
        services.notify(
          trans.__('"%1" is outside the Jupyter server root.', node.data.filename),
          'warning'
        );
        return;
      }
      services.openFile(path);
    },
    [model, services, trans]
  );

  // Keep keyboard focus in the canvas after clicks on the pane or nodes, so that the
  // editor's shortcuts (scoped to the focused canvas) apply.
  const onPointerDownCapture = useCallback((event: React.PointerEvent) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"]')) {
      return;
    }
    requestAnimationFrame(() => {
      const host = wrapper.current;
      if (host && !host.contains(document.activeElement)) {
        host.focus({ preventScroll: true });
      }
    });
  }, []);

  useEffect(() => {
    const controller: ICanvasController = {
      fitView: () => void flow.fitView(FIT_VIEW_OPTIONS),
      zoomIn: () => void flow.zoomIn(),
      zoomOut: () => void flow.zoomOut(),
      screenToFlowPosition: point => flow.screenToFlowPosition(point),
      viewportCenter: () => {
        const rect = wrapper.current?.getBoundingClientRect();
        if (!rect) {
          return { x: 0, y: 0 };
        }
        return flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
      },
      nodeSizes: () => {
        const sizes = new Map<string, { width: number; height: number }>();
        for (const node of flow.getNodes()) {
          sizes.set(node.id, {
            width: node.measured?.width ?? node.width ?? DEFAULT_NODE_SIZE.width,
            height: node.measured?.height ?? node.height ?? DEFAULT_NODE_SIZE.height
          });
        }
        return sizes;
      },
      focusNodes: ids =>
        void flow.fitView({ nodes: ids.map(id => ({ id })), duration: 200, maxZoom: 1.25, padding: 0.3 }),
      focus: () => wrapper.current?.focus({ preventScroll: true })
    };
    onController(controller);
    return () => onController(null);
  }, [flow, onController]);

  const empty = current.nodes.length === 0;
  const hint = useMemo(
    () => trans.__('Drag notebooks or scripts from the file browser · drag from ● to ● to link · double-click a node to open its file'),
    [trans]
  );

  return (
    <div
      ref={wrapper}
      className="jp-tekton-PipelineEditor-flow"
      tabIndex={0}
      role="application"
      aria-label={trans.__('Pipeline canvas')}
      data-testid="pipeline-canvas"
      onPointerDownCapture={onPointerDownCapture}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={current.nodes}
        edges={current.edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onSelectionDragStop}
        onSelectionChange={onSelectionChange}
        onNodeDoubleClick={onNodeDoubleClick}
        colorMode={colorMode}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        fitView={initialFit}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.05}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        attributionPosition="top-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable style={MINIMAP_STYLE} ariaLabel={trans.__('Pipeline overview')} />
      </ReactFlow>
      <div className="jp-tekton-PipelineEditor-hint" aria-hidden="true">
        {hint}
      </div>
      {empty && <EmptyCanvasHint />}
    </div>
  );
}

function EmptyCanvasHint(): JSX.Element {
  const { services } = useEditorContext();
  const trans = services.trans;
  return (
    <div className="jp-tekton-PipelineEditor-empty" data-testid="pipeline-empty-hint">
      <p>{trans.__('This pipeline is empty.')}</p>
      <p>
        {trans.__(
          'Drag notebooks (.ipynb), Python (.py) or R (.r) files from the file browser onto the canvas, or'
        )}
      </p>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        data-testid="pipeline-empty-add"
        onClick={() => {
          void services.pickFiles({ multiple: true }).then(paths => {
            if (paths.length) {
              return services.addFiles(paths);
            }
          });
        }}
      >
        {trans.__('Add a node from a file…')}
      </button>
    </div>
  );
}

/** Select exactly the given ids; untouched nodes and edges keep their object. */
function applySelection(
  nodes: FlowNode[],
  edges: FlowEdge[],
  selection: PipelineEditorModel.ISelection
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodeIds = new Set([...selection.nodes, ...selection.comments]);
  const linkIds = new Set(selection.links);
  return {
    nodes: nodes.map(n => (!!n.selected === nodeIds.has(n.id) ? n : { ...n, selected: nodeIds.has(n.id) })),
    edges: edges.map(e => (!!e.selected === linkIds.has(e.id) ? e : { ...e, selected: linkIds.has(e.id) }))
  };
}

type Snapshot = PipelineEditorModel.ISnapshot;

function hasContent(document: IPipelineFlowDocument | null): boolean {
  return !!document && (getNodes(getPrimaryPipeline(document)).length > 0 || getComments(document).length > 0);
}

function inSync(graph: IGraphState, state: Snapshot): boolean {
  return (
    graph.document === state.document &&
    graph.diagnostics === state.diagnostics &&
    graph.runStates === state.runStates &&
    graph.selectionRequest === state.selectionRequest
  );
}

/** The graph for a new snapshot, from the previous graph (pure: React may replay it). */
function syncGraph(graph: IGraphState, state: Snapshot): IGraphState {
  const document = state.document!;
  const synced = syncNodes(graph.nodes, graph.sources, {
    document,
    diagnostics: state.diagnostics,
    runStates: state.runStates
  });
  let nodes = synced.nodes;
  let edges = graph.document !== document ? syncEdges(graph.edges, document) : graph.edges;
  if (graph.selectionRequest !== state.selectionRequest) {
    ({ nodes, edges } = applySelection(nodes, edges, state.selection));
  }
  return {
    document,
    diagnostics: state.diagnostics,
    runStates: state.runStates,
    selectionRequest: state.selectionRequest,
    nodes,
    edges,
    sources: synced.sources
  };
}
