/**
 * The editor's commands. Each acts on the current pipeline editor (the tracker's current
 * widget) and edits through model operations; keyboard shortcuts and toolbar items refer
 * to them by id (schema/editor.json).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import {
  addIcon,
  copyIcon,
  cutIcon,
  deleteIcon,
  keyboardIcon,
  pasteIcon,
  redoIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import {
  addComment,
  copySelection,
  createPipeline,
  detachComment,
  disconnect,
  findNode,
  getComments,
  getNodes,
  getPrimaryPipeline,
  pasteSelection,
  removeComments,
  removeNodes,
  serializePipeline
} from '../model';
import type { IPipelineFlowDocument } from '../model/types';
import { parseCommentEdgeId } from '../editor/graph';
import { CommandIDs, IPipelineTracker, PIPELINE_FACTORY } from '../tokens';
import type { PipelineDocumentWidget } from './documentwidget';
import { arrangeIcon, commentIcon, fitIcon, pipelineIcon } from './icons';
import type { PipelineEditorModel } from './editormodel';

/** MIME type of copied pipeline fragments on JupyterLab's clipboard. */
export const CLIPBOARD_MIME = 'application/x-tekton-pipeline-fragment';

/** How far each paste moves the copies, so that they do not hide the originals. */
const PASTE_OFFSET = 40;

export interface ICommandOptions {
  app: JupyterFrontEnd;
  tracker: IPipelineTracker;
  docManager: IDocumentManager;
  trans: TranslationBundle;
  /** Folder new pipelines go to when the command gets no `cwd` (the file browser's). */
  defaultFolder?: () => string;
}

export function addCommands(options: ICommandOptions): void {
  const { app, tracker, docManager, trans } = options;
  const { commands, shell } = app;

  /** The current pipeline editor, when it is the active main-area widget. */
  const current = (): PipelineDocumentWidget | null => {
    const widget = tracker.currentWidget as PipelineDocumentWidget | null;
    return widget && widget === shell.currentWidget ? widget : null;
  };
  const ready = (): PipelineEditorModel | null => {
    const model = current()?.content.model;
    return model && model.snapshot.status === 'ready' && !model.context.model.readOnly ? model : null;
  };
  /**
   * Run an edit from the keyboard or toolbar, keeping keyboard focus in the canvas: when
   * the focused node is deleted (or undone away) the browser drops focus to <body>, and
   * the editor's shortcuts would stop working.
   */
  const keepingFocus = (fn: (model: PipelineEditorModel) => void): void => {
    const widget = current();
    const model = ready();
    if (!widget || !model) {
      return;
    }
    fn(model);
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        widget.content.controller?.focus();
      }
    });
  };
  const hasSelection = (model: PipelineEditorModel | null): boolean => {
    const s = model?.snapshot.selection;
    return !!s && s.nodes.length + s.comments.length + s.links.length > 0;
  };

  commands.addCommand(CommandIDs.createPipeline, {
    label: args =>
      args.isPalette ? trans.__('New Pipeline') : args.isLauncher ? trans.__('Pipeline Editor') : trans.__('Pipeline'),
    caption: trans.__('Create a new pipeline of notebooks and scripts'),
    icon: args => (args.isPalette ? undefined : pipelineIcon),
    execute: async args => {
      const cwd = typeof args.cwd === 'string' ? args.cwd : options.defaultFolder?.() ?? '';
      const model = await docManager.newUntitled({ path: cwd, type: 'file', ext: '.pipeline' });
      const name = model.name.replace(/\.pipeline$/, '');
      await docManager.services.contents.save(model.path, {
        type: 'file',
        format: 'text',
        content: serializePipeline(createPipeline(name))
      });
      return docManager.open(model.path, PIPELINE_FACTORY);
    }
  });

  commands.addCommand(CommandIDs.undo, {
    label: trans.__('Undo'),
    caption: trans.__('Undo the last pipeline edit'),
    icon: undoIcon,
    isEnabled: () => !!ready()?.snapshot.canUndo,
    execute: () => keepingFocus(model => model.undo())
  });

  commands.addCommand(CommandIDs.redo, {
    label: trans.__('Redo'),
    caption: trans.__('Redo the last undone pipeline edit'),
    icon: redoIcon,
    isEnabled: () => !!ready()?.snapshot.canRedo,
    execute: () => keepingFocus(model => model.redo())
  });

  commands.addCommand(CommandIDs.deleteSelection, {
    label: trans.__('Delete'),
    caption: trans.__('Delete the selected nodes, links and comments'),
    icon: deleteIcon,
    isEnabled: () => hasSelection(ready()),
    execute: () => keepingFocus(model => deleteSelection(model, trans))
  });

  commands.addCommand(CommandIDs.copy, {
    label: trans.__('Copy'),
    caption: trans.__('Copy the selected nodes and comments'),
    icon: copyIcon,
    isEnabled: () => hasSelection(current()?.content.model ?? null),
    execute: () => {
      const model = current()?.content.model;
      if (model) {
        copyToClipboard(model);
      }
    }
  });

  commands.addCommand(CommandIDs.cut, {
    label: trans.__('Cut'),
    caption: trans.__('Cut the selected nodes and comments'),
    icon: cutIcon,
    isEnabled: () => hasSelection(ready()),
    execute: () =>
      keepingFocus(model => {
        if (copyToClipboard(model)) {
          deleteSelection(model, trans, trans.__('Cut'));
        }
      })
  });

  commands.addCommand(CommandIDs.paste, {
    label: trans.__('Paste'),
    caption: trans.__('Paste nodes and comments copied from a pipeline'),
    icon: pasteIcon,
    isEnabled: () => !!ready() && Clipboard.getInstance().hasData(CLIPBOARD_MIME),
    execute: () => {
      const model = ready();
      if (!model || !Clipboard.getInstance().hasData(CLIPBOARD_MIME)) {
        return;
      }
      const fragment = String(Clipboard.getInstance().getData(CLIPBOARD_MIME));
      const count = (pasteCount.get(fragment) ?? 0) + 1;
      pasteCount.set(fragment, count);
      const offset = PASTE_OFFSET * count;
      let pasted: { nodes: string[]; comments: string[] } = { nodes: [], comments: [] };
      model.edit(trans.__('Paste'), doc => {
        const result = pasteSelection(doc, fragment, { x: offset, y: offset }, { pipelinePath: model.path });
        if (result.error) {
          Notification.warning(result.error, { autoClose: 5000 });
          return null;
        }
        pasted = { nodes: result.nodeIds, comments: result.commentIds };
        return result.document;
      });
      model.requestSelection({ nodes: pasted.nodes, comments: pasted.comments, links: [] });
    }
  });

  commands.addCommand(CommandIDs.selectAll, {
    label: trans.__('Select All Nodes'),
    isEnabled: () => !!current()?.content.model.document,
    execute: () => {
      const model = current()?.content.model;
      const doc = model?.document;
      if (model && doc) {
        model.requestSelection({
          nodes: getNodes(getPrimaryPipeline(doc)).map(n => n.id),
          comments: getComments(doc).map(c => c.id),
          links: []
        });
      }
    }
  });

  commands.addCommand(CommandIDs.arrange, {
    label: trans.__('Arrange'),
    caption: trans.__('Arrange the nodes automatically (left to right)'),
    icon: arrangeIcon,
    isEnabled: () => !!ready(),
    execute: () => current()?.content.arrange()
  });

  commands.addCommand(CommandIDs.fitView, {
    label: trans.__('Fit to Screen'),
    caption: trans.__('Zoom to show the whole pipeline'),
    icon: fitIcon,
    isEnabled: () => !!current()?.content.controller,
    execute: () => current()?.content.controller?.fitView()
  });

  commands.addCommand(CommandIDs.zoomIn, {
    label: trans.__('Zoom In'),
    isEnabled: () => !!current()?.content.controller,
    execute: () => current()?.content.controller?.zoomIn()
  });

  commands.addCommand(CommandIDs.zoomOut, {
    label: trans.__('Zoom Out'),
    isEnabled: () => !!current()?.content.controller,
    execute: () => current()?.content.controller?.zoomOut()
  });

  commands.addCommand(CommandIDs.addComment, {
    label: trans.__('Add Comment'),
    caption: trans.__('Add a Markdown comment to the canvas (attached to the selected nodes)'),
    icon: commentIcon,
    isEnabled: () => !!ready(),
    execute: () => {
      const widget = current();
      const model = ready();
      if (!widget || !model) {
        return;
      }
      const attachTo = model.snapshot.selection.nodes;
      const position = commentPosition(model, attachTo) ?? {
        x: widget.content.defaultDropPosition().x - 100,
        y: widget.content.defaultDropPosition().y - 40
      };
      let commentId = '';
      model.edit(trans.__('Add comment'), doc => {
        const result = addComment(doc, {
          x: Math.round(position.x),
          y: Math.round(position.y),
          content: '',
          nodeIds: [...attachTo]
        });
        commentId = result.commentId;
        return result.document;
      });
      if (commentId) {
        model.requestSelection({ nodes: [], comments: [commentId], links: [] });
        widget.content.viewState.set({ editComment: commentId });
      }
    }
  });

  commands.addCommand(CommandIDs.addNodeFromFile, {
    label: trans.__('New Node from File…'),
    caption: trans.__('Add notebooks or scripts to the pipeline'),
    icon: addIcon,
    isEnabled: () => !!ready(),
    execute: async () => {
      const widget = current();
      if (!widget || !ready()) {
        return;
      }
      const services = widget.content.services;
      const paths = await services.pickFiles({ multiple: true });
      if (paths.length && !widget.isDisposed) {
        await services.addFiles(paths);
      }
    }
  });

  commands.addCommand(CommandIDs.showProblems, {
    label: trans.__('Show Pipeline Problems'),
    isEnabled: () => !!current(),
    isToggled: () => !!current()?.content.viewState.getSnapshot().problemsOpen,
    execute: () => {
      const content = current()?.content;
      if (content) {
        content.viewState.set({ problemsOpen: !content.viewState.getSnapshot().problemsOpen });
        commands.notifyCommandChanged(CommandIDs.showProblems);
      }
    }
  });

  commands.addCommand(CommandIDs.showShortcuts, {
    label: trans.__('Pipeline Editor Keyboard Shortcuts'),
    caption: trans.__('List the keyboard shortcuts of the pipeline editor'),
    icon: keyboardIcon,
    execute: () => showShortcuts(app, trans)
  });

  // Toolbar buttons follow the current editor's state (undo/redo, selection).
  let pending = 0;
  const refresh = (): void => {
    if (!pending) {
      pending = requestAnimationFrame(() => {
        pending = 0;
        commands.notifyCommandChanged();
      });
    }
  };
  tracker.widgetAdded.connect((_, widget) => {
    widget.content.model.stateChanged.connect(() => {
      if (widget === tracker.currentWidget) {
        refresh();
      }
    });
  });
  tracker.currentChanged.connect(refresh);
}

/** Above the first of the nodes a new comment is attached to (null: no such node). */
function commentPosition(model: PipelineEditorModel, nodeIds: ReadonlyArray<string>): { x: number; y: number } | null {
  const doc = model.document;
  const node = doc && nodeIds.length ? findNode(doc, nodeIds[0])?.node : null;
  const ui = node?.app_data?.ui_data;
  if (!ui || typeof ui.x_pos !== 'number' || typeof ui.y_pos !== 'number') {
    return null;
  }
  return { x: ui.x_pos, y: ui.y_pos - 110 };
}

/** Copies of one fragment pasted so far, to offset each paste a little more. */
const pasteCount = new Map<string, number>();

function copyToClipboard(model: PipelineEditorModel): boolean {
  const doc = model.document;
  const { nodes, comments } = model.snapshot.selection;
  if (!doc || nodes.length + comments.length === 0) {
    return false;
  }
  const fragment = copySelection(doc, nodes, comments, { pipelinePath: model.path });
  const clipboard = Clipboard.getInstance();
  clipboard.clear();
  clipboard.setData(CLIPBOARD_MIME, fragment);
  pasteCount.clear();
  // Also on the system clipboard (best effort), e.g. to paste into another browser tab's editor.
  void navigator.clipboard?.writeText(fragment).catch(() => undefined);
  return true;
}

function deleteSelection(model: PipelineEditorModel, trans: TranslationBundle, label?: string): void {
  const { nodes, comments, links } = model.snapshot.selection;
  const commentLinks = links.map(parseCommentEdgeId).filter((l): l is { commentId: string; nodeId: string } => !!l);
  const linkIds = links.filter(id => !parseCommentEdgeId(id));
  model.edit(label ?? trans.__('Delete'), doc => {
    let next: IPipelineFlowDocument = doc;
    if (linkIds.length) {
      next = disconnect(next, linkIds);
    }
    for (const { commentId, nodeId } of commentLinks) {
      next = detachComment(next, commentId, nodeId);
    }
    if (comments.length) {
      next = removeComments(next, comments);
    }
    if (nodes.length) {
      next = removeNodes(next, nodes);
    }
    return next;
  });
  model.requestSelection({ nodes: [], comments: [], links: [] });
}

/** A dialog listing the editor's key bindings as configured (settings may change them). */
function showShortcuts(app: JupyterFrontEnd, trans: TranslationBundle): Promise<unknown> {
  const rows = app.commands.keyBindings
    .filter(binding => binding.command.startsWith('tekton:'))
    .map(binding => ({
      label: app.commands.label(binding.command) || binding.command,
      keys: binding.keys.map(key => CommandRegistry.formatKeystroke(key)).join(', ')
    }));
  // One line per command, all of its keys together.
  const merged = new Map<string, string[]>();
  for (const row of rows) {
    merged.set(row.label, [...(merged.get(row.label) ?? []), row.keys]);
  }
  const body = document.createElement('table');
  body.className = 'jp-tekton-PipelineEditor-shortcuts';
  for (const [label, keys] of merged) {
    const tr = body.insertRow();
    tr.insertCell().textContent = label;
    const cell = tr.insertCell();
    keys.forEach(k => {
      const kbd = document.createElement('kbd');
      kbd.textContent = k;
      cell.appendChild(kbd);
    });
  }
  const note = document.createElement('p');
  note.textContent = trans.__(
    'Shortcuts act while the pipeline canvas has the focus. Also: drag from a node\'s right port to another node\'s left port to link them; Shift+drag selects an area; Ctrl/Cmd+click adds to the selection; double-click a node to open its file.'
  );
  const container = document.createElement('div');
  container.append(body, note);
  return showDialog({
    title: trans.__('Pipeline Editor Keyboard Shortcuts'),
    body: new Widget({ node: container }),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}
