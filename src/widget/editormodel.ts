/**
 * The bridge between a document context (the file's text, owned by docmanager) and the
 * editor: parses the text, applies model operations, writes the result back as text, and
 * keeps undo history, selection, validation and run states for the views.
 *
 * The text is the source of truth: every edit goes through `context.model.fromString`,
 * so dirty state, save, revert, rename and several views of one file come from docmanager.
 */
import { ActivityMonitor, PathExt } from '@jupyterlab/coreutils';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { Contents } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import {
  checkFiles,
  createPipeline,
  History,
  parsePipeline,
  serializePipeline,
  validatePipeline
} from '../model';
import type { IDiagnostic, IPipelineFlowDocument } from '../model/types';
import type { IPipelineEditorModel, Tekton } from '../tokens';

/** Delay after the last text change before an external change is re-parsed. */
const REPARSE_DELAY = 60;
/** Delay after the last edit before validation runs (keeps typing and dragging cheap). */
const VALIDATE_DELAY = 120;
/** validatePipeline's code for a pipeline without nodes. */
const EMPTY_PIPELINE = 'empty-pipeline';
/** Delay after the last edit before node files are checked on the server. */
const FILE_CHECK_DELAY = 600;

export class PipelineEditorModel implements IPipelineEditorModel, IDisposable {
  constructor(options: PipelineEditorModel.IOptions) {
    this._context = options.context;
    this._contents = options.contents ?? null;
    this._monitor = new ActivityMonitor({
      signal: this._context.model.contentChanged,
      timeout: REPARSE_DELAY
    });
    this._monitor.activityStopped.connect(this._onTextChanged, this);
    this._context.pathChanged.connect(this._scheduleFileCheck, this);
    this._contents?.fileChanged.connect(this._onFileChanged, this);
    void this._context.ready.then(() => {
      if (!this._isDisposed) {
        this._load(this._context.model.toString());
      }
    });
  }

  /** Emitted on any change of the snapshot. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  get path(): string {
    return this._context.path;
  }

  get context(): DocumentRegistry.IContext<DocumentRegistry.IModel> {
    return this._context;
  }

  get document(): IPipelineFlowDocument | null {
    return this._snapshot.document;
  }

  get diagnostics(): ReadonlyArray<IDiagnostic> {
    return this._snapshot.status === 'error'
      ? this._snapshot.parseDiagnostics
      : this._snapshot.diagnostics;
  }

  /** The current immutable state; a new object after every change. */
  get snapshot(): PipelineEditorModel.ISnapshot {
    return this._snapshot;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** For `useSyncExternalStore`. */
  readonly subscribe = (callback: () => void): (() => void) => {
    const slot = () => callback();
    this._stateChanged.connect(slot);
    return () => {
      this._stateChanged.disconnect(slot);
    };
  };

  /** For `useSyncExternalStore`. */
  readonly getSnapshot = (): PipelineEditorModel.ISnapshot => this._snapshot;

  /**
   * Apply a model operation to the current document. `op` returns the new document, or
   * null when there is nothing to change. Returns false when no document is loaded or
   * the operation changed nothing.
   */
  edit(
    label: string,
    op: (doc: IPipelineFlowDocument) => IPipelineFlowDocument | null,
    options: { mergeKey?: string } = {}
  ): boolean {
    const current = this._snapshot.document;
    if (!current || this._context.model.readOnly) {
      return false;
    }
    const next = op(current);
    if (!next || next === current) {
      return false;
    }
    this._history.push(next, { coalesceKey: options.mergeKey });
    this._lastLabel = label;
    this._commit(next, {});
    return true;
  }

  /** Label of the last edit made in this view (for messages and tests). */
  get lastEditLabel(): string {
    return this._lastLabel;
  }

  undo(): void {
    const doc = this._history.undo();
    if (doc) {
      this._commit(doc, {});
    }
  }

  redo(): void {
    const doc = this._history.redo();
    if (doc) {
      this._commit(doc, {});
    }
  }

  /** Set the selection (ids of nodes, comments and links). */
  setSelection(selection: PipelineEditorModel.ISelection): void {
    const old = this._snapshot.selection;
    if (
      sameIds(old.nodes, selection.nodes) &&
      sameIds(old.comments, selection.comments) &&
      sameIds(old.links, selection.links)
    ) {
      return;
    }
    this._update({ selection });
  }

  setRunStates(states: ReadonlyMap<string, Tekton.INodeRunState> | null): void {
    this._update({ runStates: states ?? EMPTY_RUN_STATES });
  }

  /** Ask the views to select these ids (e.g. after a paste); they report back via setSelection. */
  requestSelection(selection: PipelineEditorModel.ISelection): void {
    this._update({ selection, selectionRequest: this._snapshot.selectionRequest + 1 });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._validateTimer);
    window.clearTimeout(this._fileTimer);
    this._monitor.dispose();
    Signal.clearData(this);
  }

  private _load(text: string): void {
    this._lastText = text;
    if (text.trim() === '') {
      // An empty file (e.g. created with "New File") opens as a new, empty pipeline;
      // nothing is written until the user edits.
      const doc = createPipeline(PathExt.basename(this.path, PathExt.extname(this.path)));
      this._history.reset(doc);
      this._commit(doc, { write: false, status: 'ready', parseDiagnostics: [] });
      return;
    }
    const result = parsePipeline(text);
    const errors = result.diagnostics.filter(d => d.severity === 'error');
    if (!result.document || errors.length > 0) {
      this._history.reset();
      this._validation = [];
      this._files = [];
      this._update({
        status: 'error',
        document: null,
        parseDiagnostics: result.diagnostics,
        diagnostics: [],
        canUndo: false,
        canRedo: false
      });
      return;
    }
    if (this._snapshot.status === 'ready' && this._snapshot.document) {
      // An external change (revert, another view, the file on disk): an undoable step.
      this._history.push(result.document);
    } else {
      this._history.reset(result.document);
    }
    this._commit(result.document, {
      write: false,
      status: 'ready',
      parseDiagnostics: result.diagnostics
    });
  }

  private _commit(
    doc: IPipelineFlowDocument,
    options: { write?: boolean } & Partial<PipelineEditorModel.ISnapshot>
  ): void {
    const { write = true, ...rest } = options;
    if (write) {
      const text = serializePipeline(doc);
      writeText(this._context.model, text);
      this._lastText = text;
    }
    this._update({
      ...rest,
      document: doc,
      canUndo: this._history.canUndo,
      canRedo: this._history.canRedo
    });
    this._scheduleValidation();
    this._scheduleFileCheck();
  }

  private _onTextChanged(): void {
    if (this._isDisposed || !this._context.isReady) {
      return;
    }
    const text = this._context.model.toString();
    if (text !== this._lastText) {
      this._load(text);
    }
  }

  private _onFileChanged(_: Contents.IManager, change: Contents.IChangedArgs): void {
    // A file was created, renamed or deleted somewhere: node files may now (not) exist.
    if (change.type !== 'save' || change.newValue?.path !== this.path) {
      this._scheduleFileCheck();
    }
  }

  private _scheduleValidation(): void {
    window.clearTimeout(this._validateTimer);
    this._validateTimer = window.setTimeout(() => {
      const doc = this._snapshot.document;
      if (this._isDisposed || !doc) {
        return;
      }
      // An empty pipeline is where every pipeline starts, not a mistake: the canvas says
      // how to add nodes. Running or exporting it still fails (the compiler validates).
      this._validation = validatePipeline(doc).filter(d => d.code !== EMPTY_PIPELINE);
      this._update({ diagnostics: this._merged() });
    }, VALIDATE_DELAY);
  }

  private _scheduleFileCheck(): void {
    if (!this._contents) {
      return;
    }
    window.clearTimeout(this._fileTimer);
    this._fileTimer = window.setTimeout(() => void this._checkFiles(), FILE_CHECK_DELAY);
  }

  private async _checkFiles(): Promise<void> {
    const doc = this._snapshot.document;
    const contents = this._contents;
    if (this._isDisposed || !doc || !contents) {
      return;
    }
    const check = ++this._fileCheck;
    // One directory listing per folder instead of one request per node.
    const listings = new Map<string, Promise<Set<string> | null>>();
    const exists = async (path: string): Promise<boolean> => {
      const dir = PathExt.dirname(path);
      let listing = listings.get(dir);
      if (!listing) {
        listing = contents
          .get(dir, { content: true, type: 'directory' })
          .then(model => new Set<string>((model.content as Contents.IModel[]).map(m => m.name)))
          .catch(() => null);
        listings.set(dir, listing);
      }
      const names = await listing;
      return names !== null && names.has(PathExt.basename(path));
    };
    let fileDiagnostics: IDiagnostic[];
    try {
      fileDiagnostics = await checkFiles(doc, this.path, exists);
    } catch (reason) {
      console.warn('jupyterlab-tekton: could not check node files', reason);
      return;
    }
    if (this._isDisposed || check !== this._fileCheck) {
      return;
    }
    this._files = fileDiagnostics;
    this._update({ diagnostics: this._merged() });
  }

  private _merged(): IDiagnostic[] {
    return this._files.length ? [...this._validation, ...this._files] : this._validation;
  }

  private _update(change: Partial<PipelineEditorModel.ISnapshot>): void {
    this._snapshot = { ...this._snapshot, ...change };
    this._stateChanged.emit();
  }

  private _context: DocumentRegistry.IContext<DocumentRegistry.IModel>;
  private _contents: Contents.IManager | null;
  private _monitor: ActivityMonitor<DocumentRegistry.IModel, void>;
  private _history = new History<IPipelineFlowDocument>();
  private _lastLabel = '';
  private _lastText: string | null = null;
  private _validateTimer = 0;
  private _fileTimer = 0;
  private _fileCheck = 0;
  private _validation: IDiagnostic[] = [];
  private _files: IDiagnostic[] = [];
  private _isDisposed = false;
  private _stateChanged = new Signal<this, void>(this);
  private _snapshot: PipelineEditorModel.ISnapshot = {
    status: 'loading',
    document: null,
    parseDiagnostics: [],
    diagnostics: [],
    selection: { nodes: [], comments: [], links: [] },
    selectionRequest: 0,
    runStates: EMPTY_RUN_STATES,
    canUndo: false,
    canRedo: false
  };
}

const EMPTY_RUN_STATES: ReadonlyMap<string, Tekton.INodeRunState> = new Map();

/**
 * Replace the document text with `text`, changing only the range that differs: a drag
 * changes two numbers, so other views of the file (a text editor) keep their cursor and
 * collaborators get a small update. Marks the document dirty, as typing does.
 */
function writeText(model: DocumentRegistry.IModel, text: string): void {
  const shared = model.sharedModel as Partial<ISharedText>;
  if (typeof shared.getSource !== 'function' || typeof shared.updateSource !== 'function') {
    model.fromString(text);
    model.dirty = true;
    return;
  }
  const old = shared.getSource();
  if (old === text) {
    return;
  }
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) {
    start++;
  }
  let end = 0;
  while (
    end < max - start &&
    old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)
  ) {
    end++;
  }
  shared.updateSource(start, old.length - end, text.slice(start, text.length - end));
}

interface ISharedText {
  getSource(): string;
  updateSource(start: number, end: number, value?: string): void;
}

function sameIds(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export namespace PipelineEditorModel {
  export interface IOptions {
    context: DocumentRegistry.IContext<DocumentRegistry.IModel>;
    /** Used to check that node files exist; without it files are not checked. */
    contents?: Contents.IManager;
  }

  export interface ISelection {
    nodes: ReadonlyArray<string>;
    comments: ReadonlyArray<string>;
    links: ReadonlyArray<string>;
  }

  export interface ISnapshot {
    status: 'loading' | 'ready' | 'error';
    document: IPipelineFlowDocument | null;
    /** Problems found while parsing (errors when status is 'error', else warnings). */
    parseDiagnostics: ReadonlyArray<IDiagnostic>;
    /** Validation problems of the document, including missing files. */
    diagnostics: ReadonlyArray<IDiagnostic>;
    selection: ISelection;
    /** Incremented when the model asks the views to apply `selection`. */
    selectionRequest: number;
    runStates: ReadonlyMap<string, Tekton.INodeRunState>;
    canUndo: boolean;
    canRedo: boolean;
  }
}
