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
import { Widget } from '@lumino/widgets';
import { problemText } from '../editor/messages';
import type { IDiagnostic } from '../model/types';
import { CommandIDs, IPipelineTracker } from '../tokens';

export function addExportCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  docManager: IDocumentManager,
  trans: TranslationBundle
): void {
  const current = () => {
    const widget = tracker.currentWidget;
    return widget && widget === app.shell.currentWidget ? widget : null;
  };
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
      // The compiler is only loaded when needed.
      const { compile } = await import('../compiler');
      const result = compile(doc, { pipelinePath: model.path });
      const errors = result.diagnostics.filter(d => d.severity === 'error');
      if (errors.length || !result.yaml) {
        await showProblems(trans.__('The pipeline cannot be exported'), errors, trans);
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

function showProblems(title: string, diagnostics: IDiagnostic[], trans: TranslationBundle): Promise<unknown> {
  const list = document.createElement('ul');
  list.className = 'jp-tekton-PipelineEditor-exportErrors';
  for (const d of diagnostics) {
    const item = document.createElement('li');
    const where = d.nodeId ? `${d.nodeLabel || d.nodeId}${d.property ? ` · ${d.property}` : ''}: ` : '';
    item.textContent = `${where}${problemText(d)}`;
    list.appendChild(item);
  }
  return showDialog({
    title,
    body: new Widget({ node: list }),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}
