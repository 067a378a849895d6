/**
 * What other plugins reuse: the pipeline tracker token, the editor model interface they
 * may observe, and the shared names (factory, file type, command ids).
 */
import type { IWidgetTracker } from '@jupyterlab/apputils';
import type { DocumentRegistry, IDocumentWidget } from '@jupyterlab/docregistry';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { IDiagnostic, IPipelineFlowDocument } from './model/types';

/** Name of the widget factory (also the `jupyter.lab.toolbars` key). */
export const PIPELINE_FACTORY = 'Pipeline Editor';

/** Name of the `.pipeline` file type. */
export const PIPELINE_FILE_TYPE = 'tekton-pipeline';

/** Translation domain of the extension. */
export const TRANSLATION_DOMAIN = 'jupyterlab_tekton';

/** Command ids; the settings schema refers to them by these strings. */
export namespace CommandIDs {
  export const createPipeline = 'tekton:create-pipeline';
  export const addToPipeline = 'tekton:add-to-pipeline';
  export const addNodeFromFile = 'tekton:add-node-from-file';
  export const exportYaml = 'tekton:export-yaml';
  export const undo = 'tekton:undo';
  export const redo = 'tekton:redo';
  export const deleteSelection = 'tekton:delete-selection';
  export const copy = 'tekton:copy';
  export const cut = 'tekton:cut';
  export const paste = 'tekton:paste';
  export const selectAll = 'tekton:select-all';
  export const arrange = 'tekton:arrange';
  export const fitView = 'tekton:fit-view';
  export const zoomIn = 'tekton:zoom-in';
  export const zoomOut = 'tekton:zoom-out';
  export const addComment = 'tekton:add-comment';
  export const showProblems = 'tekton:show-problems';
  export const showShortcuts = 'tekton:show-shortcuts';
}

/** Namespace for types shared with the runs and services plugins. */
export namespace Tekton {
  /** Run state of one node, as the canvas shows it (fed by the runs model). */
  export type NodeRunStatus =
    | 'pending'
    | 'running'
    | 'succeeded'
    | 'failed'
    | 'skipped'
    | 'cancelled';

  export interface INodeRunState {
    status: NodeRunStatus;
    /** ISO time the node started, for the elapsed-time badge. */
    startedAt?: string;
    /** ISO time the node finished. */
    finishedAt?: string;
    /** Short reason shown in the badge tooltip (e.g. the failure). */
    message?: string;
  }
}

/**
 * The editor's view of one pipeline document, as other plugins may observe it
 * (e.g. a run command compiles `document`, the runs model feeds `setRunStates`).
 */
export interface IPipelineEditorModel {
  /** Path of the `.pipeline` file relative to the server root. */
  readonly path: string;
  /** The parsed document, or null while loading or when the file does not parse. */
  readonly document: IPipelineFlowDocument | null;
  /** Current validation problems (parse errors when `document` is null). */
  readonly diagnostics: ReadonlyArray<IDiagnostic>;
  /** Emitted whenever the document, diagnostics, selection or run states change. */
  readonly stateChanged: ISignal<IPipelineEditorModel, void>;
  /** Show run states on the nodes (keyed by node id); null clears them. */
  setRunStates(states: ReadonlyMap<string, Tekton.INodeRunState> | null): void;
}

/** A pipeline document widget: its content exposes the editor model. */
export interface IPipelineDocumentWidget
  extends IDocumentWidget<Widget & { readonly model: IPipelineEditorModel }, DocumentRegistry.IModel> {}

/** Tracks the open pipeline editors. */
export interface IPipelineTracker extends IWidgetTracker<IPipelineDocumentWidget> {}

export const IPipelineTracker = new Token<IPipelineTracker>(
  'jupyterlab-tekton:IPipelineTracker',
  'Tracks open pipeline editors, so that run and submit plugins can act on the current pipeline and show node status.'
);
