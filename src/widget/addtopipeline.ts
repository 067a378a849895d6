/**
 * "Add to Pipeline" in the file browser's context menu: adds the selected notebooks and
 * scripts to the current (or most recently used) pipeline editor.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { TranslationBundle } from '@jupyterlab/translation';
import { kindForFile } from '../model';
import { CommandIDs, IPipelineTracker } from '../tokens';
import { pipelineIcon } from './icons';
import type { PipelineDocumentWidget } from './documentwidget';

export function addAddToPipelineCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  fileBrowser: IDefaultFileBrowser,
  trans: TranslationBundle
): void {
  const selectedFiles = (): string[] =>
    Array.from(fileBrowser.selectedItems())
      .filter(item => item.type !== 'directory' && kindForFile(item.name))
      .map(item => item.path);

  app.commands.addCommand(CommandIDs.addToPipeline, {
    label: () => {
      const target = tracker.currentWidget;
      return target ? trans.__('Add to Pipeline "%1"', target.context.localPath.split('/').pop()) : trans.__('Add to Pipeline');
    },
    caption: trans.__('Add the selected notebooks and scripts as nodes of the current pipeline'),
    icon: pipelineIcon,
    isVisible: () => selectedFiles().length > 0,
    isEnabled: () => tracker.currentWidget !== null,
    execute: async () => {
      const target = tracker.currentWidget as PipelineDocumentWidget | null;
      const paths = selectedFiles();
      if (!target) {
        Notification.warning(trans.__('Open a pipeline first, then add files to it.'), { autoClose: 5000 });
        return;
      }
      if (!paths.length) {
        return;
      }
      await target.content.ready;
      if (target.content.model.snapshot.status !== 'ready') {
        Notification.warning(trans.__('The pipeline cannot be edited: it has errors.'), { autoClose: 5000 });
        return;
      }
      app.shell.activateById(target.id);
      await target.content.services.addFiles(paths);
    }
  });
}
