/**
 * jupyterlab-tekton plugins. Each one is small and delegates to its folder.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IThemeManager, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { CommandIDs, IPipelineDocumentWidget, IPipelineTracker, TRANSLATION_DOMAIN } from './tokens';
import { activateEditor } from './widget/activate';
import { addAddToPipelineCommand } from './widget/addtopipeline';
import { addExportCommand } from './widget/exportyaml';
import { PipelineStatus } from './widget/statusbar';
import { focusedPipeline } from './widget/focused';
import { runsPlugin } from './runs/plugin';
import { runtimeConfigsPlugin } from './configs/plugin';

export * from './tokens';

/** The `.pipeline` file type, the pipeline editor, its commands, toolbar and shortcuts. */
const editorPlugin: JupyterFrontEndPlugin<IPipelineTracker> = {
  id: 'jupyterlab-tekton:editor',
  description: 'Opens .pipeline files in a visual pipeline editor.',
  autoStart: true,
  requires: [IDocumentManager],
  optional: [
    ITranslator,
    ILayoutRestorer,
    IThemeManager,
    IRenderMimeRegistry,
    IToolbarWidgetRegistry,
    ISettingRegistry,
    IDefaultFileBrowser
  ],
  provides: IPipelineTracker,
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    themeManager: IThemeManager | null,
    rendermime: IRenderMimeRegistry | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null
  ): IPipelineTracker =>
    activateEditor(app, {
      pluginId: editorPlugin.id,
      docManager,
      translator,
      restorer,
      themeManager,
      rendermime,
      toolbarRegistry,
      settingRegistry,
      fileBrowser
    })
};

/** "Pipeline Editor" in the Launcher and "New Pipeline" in the command palette. */
const launcherPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:launcher',
  description: 'Adds the Pipeline Editor to the Launcher and the command palette.',
  autoStart: true,
  requires: [IPipelineTracker],
  optional: [ILauncher, ICommandPalette, ITranslator],
  activate: (
    _app: JupyterFrontEnd,
    _tracker: IPipelineTracker,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    launcher?.add({
      command: CommandIDs.createPipeline,
      args: { isLauncher: true },
      category: trans.__('Other'),
      rank: 1
    });
    if (palette) {
      const category = trans.__('Pipeline Editor');
      palette.addItem({ command: CommandIDs.createPipeline, category, args: { isPalette: true } });
      for (const command of [
        CommandIDs.addNodeFromFile,
        CommandIDs.arrange,
        CommandIDs.fitView,
        CommandIDs.addComment,
        CommandIDs.showProblems,
        CommandIDs.showShortcuts
      ]) {
        palette.addItem({ command, category });
      }
    }
  }
};

/** Edit › Undo / Redo act on the pipeline editor when it is the current widget. */
const editMenuPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:edit-menu',
  description: 'Connects Edit › Undo and Redo to the pipeline editor.',
  autoStart: true,
  requires: [IPipelineTracker],
  optional: [IMainMenu],
  activate: (_app: JupyterFrontEnd, tracker: IPipelineTracker, mainMenu: IMainMenu | null): void => {
    const isEnabled = (widget: unknown) => tracker.has(widget as IPipelineDocumentWidget);
    mainMenu?.editMenu.undoers.undo.add({ id: CommandIDs.undo, isEnabled });
    mainMenu?.editMenu.undoers.redo.add({ id: CommandIDs.redo, isEnabled });
  }
};

/** "Add to Pipeline" in the file browser's context menu. */
const addToPipelinePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:add-to-pipeline',
  description: 'Adds selected notebooks and scripts to the current pipeline from the file browser.',
  autoStart: true,
  requires: [IPipelineTracker, IDefaultFileBrowser],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: IPipelineTracker,
    fileBrowser: IDefaultFileBrowser,
    translator: ITranslator | null
  ): void => {
    addAddToPipelineCommand(app, tracker, fileBrowser, (translator ?? nullTranslator).load(TRANSLATION_DOMAIN));
  }
};

/** "Export YAML": compile the current pipeline and save the Tekton YAML beside it. */
const exportPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:export',
  description: 'Exports the current pipeline as Tekton YAML.',
  autoStart: true,
  requires: [IPipelineTracker, IDocumentManager],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: IPipelineTracker,
    docManager: IDocumentManager,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    addExportCommand(app, tracker, docManager, trans);
    palette?.addItem({ command: CommandIDs.exportYaml, category: trans.__('Pipeline Editor') });
  }
};

/** Node and link counts and validation state of the current pipeline in the status bar. */
const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:status',
  description: 'Shows the current pipeline’s size and validation state in the status bar.',
  autoStart: true,
  requires: [IPipelineTracker],
  optional: [IStatusBar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: IPipelineTracker,
    statusBar: IStatusBar | null,
    translator: ITranslator | null
  ): void => {
    if (!statusBar) {
      return;
    }
    const item = new PipelineStatus(tracker, (translator ?? nullTranslator).load(TRANSLATION_DOMAIN));
    statusBar.registerStatusItem('jupyterlab-tekton:status', {
      item,
      align: 'left',
      rank: 4,
      isActive: () => focusedPipeline(app.shell, tracker) !== null,
      activeStateChanged: app.shell.currentChanged as unknown as ISignal<unknown, void> | undefined
    });
  }
};

const plugins: JupyterFrontEndPlugin<any>[] = [
  editorPlugin,
  launcherPlugin,
  editMenuPlugin,
  addToPipelinePlugin,
  exportPlugin,
  statusPlugin,
  runsPlugin,
  runtimeConfigsPlugin
];

export default plugins;
