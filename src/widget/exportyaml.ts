/**
 * Export YAML: compile the current pipeline and write `<name>.yaml` beside it through the
 * contents API. Compile errors block the export and are shown; an existing file is only
 * replaced after the user confirms.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { TranslationBundle } from '@jupyterlab/translation';
import { downloadIcon } from '@jupyterlab/ui-components';
import { CommandIDs, IPipelineTracker } from '../tokens';
import { compileForAction } from './compileForAction';
import { focusedPipeline } from './focused';

export function addExportCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  docManager: IDocumentManager,
  trans: TranslationBundle
): void {
  const current = () => focusedPipeline(app.shell, tracker);
  app.commands.addCommand(CommandIDs.exportYaml, {
    label: trans.__('Export YAML'),
    caption: trans.__('Compile the pipeline to Tekton YAML and save it next to the pipeline file'),
    icon: downloadIcon,
    isEnabled: () => !!current()?.content.model.document,
    execute: async () => {
      const widget = current();
      const model = widget?.content.model;
      const doc = model?.document;
      if (!model || !doc) {
        return;
      }
      const result = await compileForAction(
        doc,
        { pipelinePath: model.path },
        compiled => !!compiled.yaml,
        { title: trans.__('The pipeline cannot be exported'), className: 'jp-tekton-PipelineEditor-exportErrors' },
        trans
      );
      if (!result) {
        return;
      }
      const path = yamlPathFor(model.path);
      const contents = docManager.services.contents;
      if (await exists(contents, path)) {
        const answer = await showDialog({
          title: trans.__('Replace %1?', PathExt.basename(path)),
          body: trans.__('"%1" already exists. Replace it with the exported YAML?', path),
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: trans.__('Replace') })]
        });
        if (!answer.button.accept) {
          return;
        }
      }
      try {
        await contents.save(path, { type: 'file', format: 'text', content: result.yaml });
      } catch (reason) {
        Notification.error(trans.__('Could not write %1: %2', path, String((reason as Error)?.message ?? reason)));
        return;
      }
      const warnings = result.diagnostics.filter(d => d.severity === 'warning').length;
      Notification.success(
        warnings
          ? trans._n('Exported %2 (%1 warning).', 'Exported %2 (%1 warnings).', warnings, path)
          : trans.__('Exported %1.', path),
        {
          autoClose: 6000,
          actions: [{ label: trans.__('Open'), callback: () => void docManager.openOrReveal(path) }]
        }
      );
    }
  });
}

/** `dir/name.pipeline` → `dir/name.yaml`. */
export function yamlPathFor(pipelinePath: string): string {
  const base = PathExt.basename(pipelinePath, PathExt.extname(pipelinePath));
  return PathExt.join(PathExt.dirname(pipelinePath), `${base}.yaml`);
}

async function exists(contents: IDocumentManager['services']['contents'], path: string): Promise<boolean> {
  try {
    await contents.get(path, { content: false });
    return true;
  } catch {
    return false;
  }
}
