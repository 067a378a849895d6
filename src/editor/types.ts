/**
 * Types shared by the editor components: the React Flow node/edge types and the services
 * the widget layer hands to the view (so components never reach into JupyterLab).
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { Edge, Node, XYPosition } from '@xyflow/react';
import type { IDiagnostic } from '../model/types';
import type { Tekton } from '../tokens';

/** What a pipeline node shows; kept small so that memoised nodes re-render rarely. */
export interface IPipelineNodeData extends Record<string, unknown> {
  label: string;
  /** notebook / python / r, or null for a node we do not run (component, supernode). */
  kind: string | null;
  /** One line: runtime image, resources or outputs. */
  summary: string;
  /** The file the node runs ('' when none). */
  filename: string;
  /** A comment is attached (the node then needs the port comment lines end at). */
  commented: boolean;
  /** Problems of this node (same array object while they do not change). */
  problems: ReadonlyArray<IDiagnostic>;
  runState: Tekton.INodeRunState | null;
}

export interface ICommentNodeData extends Record<string, unknown> {
  content: string;
}

export type PipelineFlowNode = Node<IPipelineNodeData, 'pipeline'>;
export type CommentFlowNode = Node<ICommentNodeData, 'comment'>;
export type FlowNode = PipelineFlowNode | CommentFlowNode;

export interface IEdgeData extends Record<string, unknown> {
  /** True for the dashed line from a comment to a node it is attached to. */
  comment: boolean;
}
export type FlowEdge = Edge<IEdgeData>;

/** Imperative access to one canvas, for commands (fit, zoom, drop position, layout). */
export interface ICanvasController {
  fitView(): void;
  zoomIn(): void;
  zoomOut(): void;
  /** Flow coordinates of a point given in client (screen) coordinates. */
  screenToFlowPosition(point: XYPosition): XYPosition;
  /** Flow coordinates of the visible area's centre. */
  viewportCenter(): XYPosition;
  /** Measured sizes of the nodes rendered so far. */
  nodeSizes(): Map<string, { width: number; height: number }>;
  /** Bring these nodes into view. */
  focusNodes(ids: string[]): void;
  /** Move keyboard focus to the canvas. */
  focus(): void;
}

export type ColorMode = 'light' | 'dark';

/** A tiny external store (for `useSyncExternalStore`). */
export interface IStore<T> {
  subscribe(callback: () => void): () => void;
  getSnapshot(): T;
}

/** Services the widget layer provides to the editor view. */
export interface IEditorServices {
  translator?: ITranslator;
  trans: TranslationBundle;
  colorMode: IStore<ColorMode>;
  /** Open a file (root-relative path) in its default editor. */
  openFile(path: string): void;
  /** Open the pipeline file itself in the text editor. */
  openAsText(): void;
  /** Let the user pick files; resolves root-relative paths (empty when cancelled). */
  pickFiles(options?: { multiple?: boolean }): Promise<string[]>;
  /** Add files (root-relative paths) as nodes; at `position` (flow coordinates) or beside the graph. */
  addFiles(paths: string[], position?: XYPosition): Promise<void>;
  /** Short message to the user. */
  notify(message: string, type?: 'info' | 'warning' | 'error' | 'success'): void;
  /** Render trusted-as-untrusted Markdown into `host` (sanitised); absent → plain text. */
  renderMarkdown?(host: HTMLElement, source: string): Promise<void>;
}
