import { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import type { IPipelineDocumentWidget } from '../tokens';
import { pipelineIcon } from './icons';
import { PipelineEditor } from './pipelineeditor';

/** A `.pipeline` file in the main area: toolbar + pipeline editor. */
export class PipelineDocumentWidget
  extends DocumentWidget<PipelineEditor, DocumentRegistry.IModel>
  implements IPipelineDocumentWidget
{
  constructor(options: DocumentWidget.IOptions<PipelineEditor, DocumentRegistry.IModel>) {
    super({ ...options, reveal: Promise.all([options.reveal, options.content.ready]).then(() => undefined) });
    this.addClass('jp-tekton-PipelineDocument');
    this.title.icon = pipelineIcon;
  }
}
