/**
 * Activation of the editor plugin: file type, widget factory, tracker, restorer,
 * toolbar and commands. `src/index.ts` only declares the plugins.
 */
import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import {
  createToolbarFactory,
  IThemeManager,
  IToolbarWidgetRegistry,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IPipelineTracker, PIPELINE_FACTORY, PIPELINE_FILE_TYPE, TRANSLATION_DOMAIN } from '../tokens';
import { addCommands } from './commands';
import type { PipelineDocumentWidget } from './documentwidget';
import { PipelineEditorFactory } from './factory';
import { pipelineFileType } from './filetype';
import { pipelineIcon } from './icons';
import { ProblemsButton } from './problemsbutton';
import { createServicesFactory } from './services';

export interface IEditorActivateOptions {
  pluginId: string;
  docManager: IDocumentManager;
  translator: ITranslator | null;
  restorer: ILayoutRestorer | null;
  themeManager: IThemeManager | null;
  rendermime: IRenderMimeRegistry | null;
  toolbarRegistry: IToolbarWidgetRegistry | null;
  settingRegistry: ISettingRegistry | null;
  fileBrowser: IDefaultFileBrowser | null;
}

export function activateEditor(app: JupyterFrontEnd, options: IEditorActivateOptions): IPipelineTracker {
  const translator = options.translator ?? nullTranslator;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const { docManager, toolbarRegistry, settingRegistry } = options;

  app.docRegistry.addFileType(pipelineFileType(trans));

  let toolbarFactory: PipelineEditorFactory.IOptions['toolbarFactory'];
  if (toolbarRegistry) {
    toolbarRegistry.addFactory<PipelineDocumentWidget>(
      PIPELINE_FACTORY,
      'problems',
      widget => new ProblemsButton(widget, app.commands, trans)
    );
    if (settingRegistry) {
      toolbarFactory = createToolbarFactory(
        toolbarRegistry,
        settingRegistry,
        PIPELINE_FACTORY,
        options.pluginId,
        translator
      );
    }
  }

  const factory = new PipelineEditorFactory({
    name: PIPELINE_FACTORY,
    label: trans.__('Pipeline Editor'),
    fileTypes: [PIPELINE_FILE_TYPE],
    defaultFor: [PIPELINE_FILE_TYPE],
    modelName: 'text',
    toolbarFactory,
    translator,
    contents: docManager.services.contents,
    services: createServicesFactory({
      docManager,
      translator,
      themeManager: options.themeManager,
      rendermime: options.rendermime
    })
  });
  app.docRegistry.addWidgetFactory(factory);

  const tracker = new WidgetTracker<PipelineDocumentWidget>({ namespace: 'tekton-pipeline' });
  options.restorer?.restore(tracker, {
    command: 'docmanager:open',
    args: widget => ({ path: widget.context.path, factory: PIPELINE_FACTORY }),
    name: widget => widget.context.path
  });
  factory.widgetCreated.connect((_, widget) => {
    widget.title.icon = pipelineIcon;
    widget.context.pathChanged.connect(() => void tracker.save(widget));
    void tracker.add(widget);
  });

  addCommands({
    app,
    tracker,
    docManager,
    trans,
    defaultFolder: () => options.fileBrowser?.model.path ?? ''
  });
  return tracker;
}
