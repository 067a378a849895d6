/**
 * The content of a pipeline document widget: a ReactWidget hosting the editor view
 * (loaded lazily), plus what needs Lumino: file-browser drops and focus handling.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { Contents } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import type { Drag } from '@lumino/dragdrop';
import type { Message } from '@lumino/messaging';
import type { XYPosition } from '@xyflow/react';
import React from 'react';
import type { ICanvasController, IEditorServices } from '../editor/types';
import { ViewState } from '../editor/viewstate';
import { PipelineEditorModel } from './editormodel';

/** Class names; the CSS and the UI tests rely on them. */
export const EDITOR_CLASS = 'jp-tekton-PipelineEditor';
const DROP_TARGET_CLASS = 'jp-mod-dropTarget';

/** MIME type of file-browser drags: an array of root-relative paths. */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

type EditorBundle = typeof import('../editor');

export class PipelineEditor extends ReactWidget {
  constructor(options: PipelineEditor.IOptions) {
    super();
    this.addClass(EDITOR_CLASS);
    this.node.tabIndex = -1;
    this.model = new PipelineEditorModel({ context: options.context, contents: options.contents });
    this._services = options.services(this);
    void Promise.all([Private.ensureEditorBundle(), options.context.ready])
      .then(([bundle]) => {
        this._bundle = bundle;
        this.update();
        this._ready.resolve();
      })
      .catch(reason => {
        console.error('jupyterlab-tekton: could not load the pipeline editor', reason);
        this._loadError = String(reason);
        this.update();
        this._ready.reject(reason);
      });
  }

  /** The document bridge (parse, edit, undo, validation). */
  readonly model: PipelineEditorModel;

  /** UI state toggled by commands (e.g. the problems list). */
  readonly viewState = new ViewState();

  /** Resolves when the view code is loaded and the document is ready. */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** The canvas's imperative API, when the canvas is shown. */
  get controller(): ICanvasController | null {
    return this._controller;
  }

  get services(): IEditorServices {
    return this._services;
  }

  /** Auto-arrange all nodes (one undoable edit). */
  async arrange(): Promise<void> {
    const bundle = this._bundle ?? (await Private.ensureEditorBundle());
    const sizes = this._controller?.nodeSizes() ?? new Map();
    this.model.edit(this._services.trans.__('Arrange'), doc => bundle.arrangeDocument(doc, sizes));
    requestAnimationFrame(() => this._controller?.fitView());
  }

  /** Where new nodes go when no position is given: the visible area's centre. */
  defaultDropPosition(): XYPosition {
    return this._controller?.viewportCenter() ?? { x: 80, y: 80 };
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.dispose();
    super.dispose();
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        this._evtDragOver(event as Drag.Event);
        break;
      case 'lm-dragleave':
        this._evtDragLeave(event as Drag.Event);
        break;
      case 'lm-drop':
        this._evtDrop(event as Drag.Event);
        break;
    }
  }

  protected render(): JSX.Element {
    if (this._loadError) {
      return (
        <div className="jp-tekton-PipelineEditor-error" role="alert" data-testid="pipeline-error-view">
          {this._services.trans.__('The pipeline editor could not be loaded: %1', this._loadError)}
        </div>
      );
    }
    if (!this._bundle) {
      return <div className="jp-tekton-PipelineEditor-loading">{this._services.trans.__('Loading pipeline…')}</div>;
    }
    const { EditorView } = this._bundle;
    return (
      <EditorView
        model={this.model}
        services={this._services}
        viewState={this.viewState}
        onController={this._setController}
      />
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('lm-dragenter', this);
    this.node.addEventListener('lm-dragover', this);
    this.node.addEventListener('lm-dragleave', this);
    this.node.addEventListener('lm-drop', this);
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('lm-dragenter', this);
    this.node.removeEventListener('lm-dragover', this);
    this.node.removeEventListener('lm-dragleave', this);
    this.node.removeEventListener('lm-drop', this);
    super.onBeforeDetach(msg);
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (this._controller) {
      this._controller.focus();
    } else if (!this.node.contains(document.activeElement)) {
      this.node.focus();
    }
  }

  private _setController = (controller: ICanvasController | null): void => {
    this._controller = controller;
  };

  private _acceptsDrag(event: Drag.Event): boolean {
    return (
      this.model.snapshot.status === 'ready' &&
      !this.model.context.model.readOnly &&
      event.mimeData.hasData(CONTENTS_MIME)
    );
  }

  private _evtDragOver(event: Drag.Event): void {
    if (!this._acceptsDrag(event)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    // The file browser offers 'move'; we only read the files, nothing is moved.
    event.dropAction = event.proposedAction === 'none' ? 'copy' : event.proposedAction;
    this.addClass(DROP_TARGET_CLASS);
  }

  private _evtDragLeave(event: Drag.Event): void {
    if (event.relatedTarget && this.node.contains(event.relatedTarget as Node)) {
      return;
    }
    this.removeClass(DROP_TARGET_CLASS);
  }

  private _evtDrop(event: Drag.Event): void {
    this.removeClass(DROP_TARGET_CLASS);
    if (!this._acceptsDrag(event)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    event.dropAction = event.proposedAction === 'none' ? 'copy' : event.proposedAction;
    const paths = event.mimeData.getData(CONTENTS_MIME) as string[] | undefined;
    if (!Array.isArray(paths) || paths.length === 0) {
      return;
    }
    const position = this._controller?.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    void this._services.addFiles(paths, position);
  }

  private _services: IEditorServices;
  private _bundle: EditorBundle | null = null;
  private _loadError = '';
  private _controller: ICanvasController | null = null;
  private _ready = new PromiseDelegate<void>();
}

export namespace PipelineEditor {
  export interface IOptions {
    context: DocumentRegistry.IContext<DocumentRegistry.IModel>;
    contents?: Contents.IManager;
    /** Builds the services for this editor (they may need the editor itself, e.g. for drops). */
    services: (editor: PipelineEditor) => IEditorServices;
  }
}

namespace Private {
  let bundle: Promise<EditorBundle> | null = null;

  /** Load the editor view code once (React Flow, dagre, forms) — a separate chunk. */
  export function ensureEditorBundle(): Promise<EditorBundle> {
    if (!bundle) {
      bundle = import('../editor').catch(reason => {
        bundle = null;
        throw reason;
      });
    }
    return bundle;
  }
}
