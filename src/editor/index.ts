/**
 * The editor view bundle: React Flow, dagre and the forms. The widget loads it with a
 * dynamic import, so JupyterLab's start-up does not pay for it.
 */
export { EditorView } from './EditorView';
export type { IEditorViewProps } from './EditorView';
export { arrange, arrangeDocument, DEFAULT_NODE_SIZE } from './layout';
