/**
 * The JupyterLab services an editor view uses (open files, file dialog, notifications,
 * Markdown, theme), behind the small `IEditorServices` interface the view knows.
 */
import { IThemeManager, Notification } from '@jupyterlab/apputils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import { FileDialog } from '@jupyterlab/filebrowser';
import { IRenderMimeRegistry, renderMarkdown } from '@jupyterlab/rendermime';
import type { Contents } from '@jupyterlab/services';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { kindForFile } from '../model';
import { TRANSLATION_DOMAIN } from '../tokens';
import type { ColorMode, IEditorServices, IStore } from '../editor/types';
import { addFilesAsNodes } from './addfiles';
import type { PipelineEditor } from './pipelineeditor';

export interface IServicesOptions {
  docManager: IDocumentManager;
  translator?: ITranslator | null;
  themeManager?: IThemeManager | null;
  rendermime?: IRenderMimeRegistry | null;
}

/** Builds the services for each editor of one application. */
export function createServicesFactory(options: IServicesOptions): (editor: PipelineEditor) => IEditorServices {
  const translator = options.translator ?? nullTranslator;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const colorMode = new ThemeStore(options.themeManager ?? null);
  const { docManager, rendermime } = options;
  const contents: Contents.IManager = docManager.services.contents;

  const notify: IEditorServices['notify'] = (message, type = 'info') => {
    Notification.emit(message, type === 'error' ? 'error' : type, { autoClose: type === 'error' ? false : 5000 });
  };

  const pickFiles: IEditorServices['pickFiles'] = async (pickOptions = {}) => {
    const result = await FileDialog.getOpenFiles({
      manager: docManager,
      translator,
      title: pickOptions.multiple ? trans.__('Add files as nodes') : trans.__('Select a file'),
      // Folders stay visible so that the user can navigate.
      filter: model => (model.type === 'directory' || kindForFile(model.name) ? {} : null)
    });
    if (!result.button.accept || !result.value) {
      return [];
    }
    const paths = result.value.filter(model => model.type !== 'directory').map(model => model.path);
    return pickOptions.multiple ? paths : paths.slice(0, 1);
  };

  const markdown: IEditorServices['renderMarkdown'] = rendermime
    ? (host, source) =>
        renderMarkdown({
          host,
          source,
          trusted: false,
          sanitizer: rendermime.sanitizer,
          resolver: null,
          linkHandler: null,
          shouldTypeset: false,
          latexTypesetter: null,
          markdownParser: rendermime.markdownParser ?? null,
          translator
        })
    : undefined;

  return (editor: PipelineEditor): IEditorServices => ({
    translator,
    trans,
    colorMode,
    notify,
    pickFiles,
    renderMarkdown: markdown,
    openFile: path => {
      docManager.openOrReveal(path);
    },
    openAsText: () => {
      docManager.openOrReveal(editor.model.path, 'Editor');
    },
    addFiles: async (paths, position) => {
      await addFilesAsNodes({
        model: editor.model,
        contents,
        trans,
        paths,
        position: position ?? editor.defaultDropPosition(),
        notify
      });
    }
  });
}

/** 'light' / 'dark' following JupyterLab's theme. */
class ThemeStore implements IStore<ColorMode> {
  constructor(private _manager: IThemeManager | null) {
    this._manager?.themeChanged.connect(() => {
      const next = this._compute();
      if (next !== this._mode) {
        this._mode = next;
        this._listeners.forEach(listener => listener());
      }
    });
    this._mode = this._compute();
  }

  readonly subscribe = (callback: () => void): (() => void) => {
    this._listeners.add(callback);
    return () => this._listeners.delete(callback);
  };

  readonly getSnapshot = (): ColorMode => this._mode;

  private _compute(): ColorMode {
    const manager = this._manager;
    if (manager?.theme) {
      return manager.isLight(manager.theme) ? 'light' : 'dark';
    }
    // Before a theme is loaded (or without a theme manager): ask the CSS.
    return document.body.dataset.jpThemeLight === 'false' ? 'dark' : 'light';
  }

  private _mode: ColorMode;
  private _listeners = new Set<() => void>();
}
