/**
 * Copy and paste of nodes and comments, within a pipeline or between pipeline files.
 * The clipboard text is JSON with a marker; pasted items get fresh ids, links between
 * copied nodes are kept, links to nodes that were not copied are dropped.
 */
import { findNode, getComments, getNodeKind, getNodes } from './access';
import { newId } from './ids';
import { isPlainObject } from './json';
import { dirname, isAbsolute, joinRelative, normalizeRelative, relativePath } from './paths';
import { updatePipeline } from './update';
import type { IComment, INode, IPipeline, IPipelineFlowDocument } from './types';

const MARKER = 'jupyterlab-tekton/pipeline-clipboard';

interface IClipboard {
  format: typeof MARKER;
  version: 1;
  /** Path of the source pipeline (root-relative), to rebase node file paths on paste. */
  pipelinePath?: string;
  nodes: INode[];
  comments: IComment[];
  /** Sub-pipelines of copied supernodes. */
  subflows: IPipeline[];
}

export interface ICopyOptions {
  /** The source pipeline file's path relative to the server root. */
  pipelinePath?: string;
}

export interface IPasteOptions {
  /** The target pipeline file's path relative to the server root. */
  pipelinePath?: string;
  /** Pipeline to paste into; default: the primary pipeline. */
  pipelineId?: string;
}

export interface IPasteResult {
  document: IPipelineFlowDocument;
  nodeIds: string[];
  commentIds: string[];
  /** Set when the clipboard did not hold pipeline content (document unchanged). */
  error?: string;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function subflowIds(doc: IPipelineFlowDocument, nodes: INode[]): string[] {
  const found: string[] = [];
  const queue = [...nodes];
  while (queue.length) {
    const node = queue.shift()!;
    const ref = node.type === 'super_node' && isPlainObject(node.subflow_ref) ? node.subflow_ref.pipeline_id_ref : undefined;
    if (typeof ref === 'string' && !found.includes(ref)) {
      found.push(ref);
      queue.push(...getNodes(doc.pipelines.find(p => p.id === ref)));
    }
  }
  return found;
}

/** Clipboard text for the selected nodes and comments. */
export function copySelection(
  doc: IPipelineFlowDocument,
  nodeIds: Iterable<string>,
  commentIds: Iterable<string> = [],
  options: ICopyOptions = {}
): string {
  const selected = new Set(nodeIds);
  const nodes: INode[] = [];
  for (const id of selected) {
    const found = findNode(doc, id);
    if (found) {
      nodes.push(found.node);
    }
  }
  const copies = nodes.map(node => {
    const copy = clone(node);
    for (const port of Array.isArray(copy.inputs) ? copy.inputs : []) {
      if (isPlainObject(port) && Array.isArray(port.links)) {
        port.links = port.links.filter(link => selected.has(link?.node_id_ref));
        if (port.links.length === 0) {
          delete port.links;
        }
      }
    }
    return copy;
  });
  const wantedComments = new Set(commentIds);
  const comments = doc.pipelines
    .flatMap(pipeline => getComments(doc, pipeline.id))
    .filter(comment => wantedComments.has(comment.id))
    .map(comment => {
      const copy = clone(comment);
      if (Array.isArray(copy.associated_id_refs)) {
        copy.associated_id_refs = copy.associated_id_refs.filter(ref => selected.has(ref?.node_ref));
      }
      return copy;
    });
  const subflows = subflowIds(doc, nodes)
    .map(id => doc.pipelines.find(p => p.id === id))
    .filter((p): p is IPipeline => p !== undefined)
    .map(clone);
  const clipboard: IClipboard = {
    format: MARKER,
    version: 1,
    ...(options.pipelinePath !== undefined ? { pipelinePath: options.pipelinePath } : {}),
    nodes: copies,
    comments,
    subflows
  };
  return JSON.stringify(clipboard);
}

function readClipboard(text: string): IClipboard | null {
  try {
    const value = JSON.parse(text);
    if (isPlainObject(value) && value.format === MARKER && Array.isArray(value.nodes)) {
      return {
        ...(value as unknown as IClipboard),
        nodes: value.nodes.filter(node => isPlainObject(node) && typeof node.id === 'string'),
        comments: Array.isArray(value.comments) ? value.comments.filter(c => isPlainObject(c) && typeof c.id === 'string') : [],
        subflows: Array.isArray(value.subflows) ? value.subflows.filter(p => isPlainObject(p) && typeof p.id === 'string') : []
      };
    }
  } catch {
    // not ours
  }
  return null;
}

const ID_KEYS = new Set(['id', 'node_id_ref', 'port_id_ref', 'subflow_node_ref', 'pipeline_id_ref', 'node_ref']);

/** Replaces old ids by new ones in id-bearing fields (port ids embed node ids). */
function remapIds(value: unknown, pattern: RegExp | null, map: Map<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map(item => remapIds(item, pattern, map));
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (ID_KEYS.has(key) && typeof child === 'string' && pattern) {
      out[key] = child.replace(pattern, match => map.get(match)!);
    } else {
      out[key] = remapIds(child, pattern, map);
    }
  }
  return out;
}

function collectIds(clipboard: IClipboard): string[] {
  const ids: string[] = [];
  const nodes = [...clipboard.nodes, ...clipboard.subflows.flatMap(p => getNodes(p))];
  for (const node of nodes) {
    ids.push(node.id);
    for (const port of [...(Array.isArray(node.inputs) ? node.inputs : [])]) {
      for (const link of Array.isArray(port?.links) ? port.links : []) {
        if (typeof link?.id === 'string') {
          ids.push(link.id);
        }
      }
    }
  }
  ids.push(...clipboard.comments.map(c => c.id), ...clipboard.subflows.map(p => p.id));
  return ids;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function rebaseFilename(node: INode, fromPath: string | undefined, toPath: string | undefined): INode {
  if (fromPath === undefined || toPath === undefined || getNodeKind(node) === null) {
    return node;
  }
  const fromDir = normalizeRelative(dirname(fromPath.replace(/^\/+/, ''))) ?? '';
  const toDir = normalizeRelative(dirname(toPath.replace(/^\/+/, ''))) ?? '';
  const params = node.app_data?.component_parameters;
  const filename = params?.filename;
  if (fromDir === toDir || typeof filename !== 'string' || filename === '' || isAbsolute(filename)) {
    return node;
  }
  const rootRelative = joinRelative(fromDir, filename);
  if (rootRelative === null) {
    return node;
  }
  return {
    ...node,
    app_data: { ...node.app_data, component_parameters: { ...params, filename: relativePath(toDir, rootRelative) } }
  };
}

function offsetNode(node: INode, dx: number, dy: number): INode {
  const ui = node.app_data?.ui_data;
  if (!isPlainObject(ui)) {
    return node;
  }
  return {
    ...node,
    app_data: {
      ...node.app_data,
      ui_data: {
        ...ui,
        ...(typeof ui.x_pos === 'number' ? { x_pos: ui.x_pos + dx } : {}),
        ...(typeof ui.y_pos === 'number' ? { y_pos: ui.y_pos + dy } : {})
      }
    }
  };
}

/** Pastes clipboard text into a document, shifting positions by `offset`. */
export function pasteSelection(
  doc: IPipelineFlowDocument,
  clipboardText: string,
  offset: { x: number; y: number } = { x: 0, y: 0 },
  options: IPasteOptions = {}
): IPasteResult {
  const clipboard = readClipboard(clipboardText);
  if (!clipboard) {
    return { document: doc, nodeIds: [], commentIds: [], error: 'The clipboard does not hold pipeline nodes.' };
  }
  const map = new Map<string, string>();
  for (const id of collectIds(clipboard)) {
    if (!map.has(id)) {
      map.set(id, newId());
    }
  }
  const oldIds = [...map.keys()].sort((a, b) => b.length - a.length);
  const pattern = oldIds.length ? new RegExp(oldIds.map(escapeRegExp).join('|'), 'g') : null;
  const nodes = clipboard.nodes.map(node =>
    offsetNode(rebaseFilename(remapIds(node, pattern, map) as INode, clipboard.pipelinePath, options.pipelinePath), offset.x, offset.y)
  );
  const comments = clipboard.comments.map(comment => {
    const copy = remapIds(comment, pattern, map) as IComment;
    return {
      ...copy,
      x_pos: (typeof copy.x_pos === 'number' ? copy.x_pos : 0) + offset.x,
      y_pos: (typeof copy.y_pos === 'number' ? copy.y_pos : 0) + offset.y
    };
  });
  const subflows = clipboard.subflows.map(pipeline => {
    const copy = remapIds(pipeline, pattern, map) as IPipeline;
    return { ...copy, nodes: getNodes(copy).map(node => rebaseFilename(node, clipboard.pipelinePath, options.pipelinePath)) };
  });
  const targetId = options.pipelineId ?? doc.primary_pipeline;
  let next = updatePipeline(doc, targetId, pipeline => {
    const appData = isPlainObject(pipeline.app_data) ? pipeline.app_data : {};
    const uiData = isPlainObject(appData.ui_data) ? appData.ui_data : {};
    const existing = Array.isArray(uiData.comments) ? uiData.comments : [];
    return {
      ...pipeline,
      nodes: [...(Array.isArray(pipeline.nodes) ? pipeline.nodes : []), ...nodes],
      ...(comments.length ? { app_data: { ...appData, ui_data: { ...uiData, comments: [...existing, ...comments] } } } : {})
    };
  });
  if (subflows.length) {
    next = { ...next, pipelines: [...next.pipelines, ...subflows] };
  }
  return { document: next, nodeIds: nodes.map(node => node.id), commentIds: comments.map(comment => comment.id) };
}
