import { ABCWidgetFactory, DocumentRegistry } from '@jupyterlab/docregistry';
import type { Contents } from '@jupyterlab/services';
import type { IEditorServices } from '../editor/types';
import { PipelineDocumentWidget } from './documentwidget';
import { PipelineEditor } from './pipelineeditor';

/** Creates pipeline editors for `.pipeline` files (the default factory for them). */
export class PipelineEditorFactory extends ABCWidgetFactory<PipelineDocumentWidget, DocumentRegistry.IModel> {
  constructor(options: PipelineEditorFactory.IOptions) {
    super(options);
    this._contents = options.contents;
    this._services = options.services;
  }

  protected createNewWidget(context: DocumentRegistry.IContext<DocumentRegistry.IModel>): PipelineDocumentWidget {
    const content = new PipelineEditor({ context, contents: this._contents, services: this._services });
    return new PipelineDocumentWidget({ content, context });
  }

  private _contents: Contents.IManager | undefined;
  private _services: (editor: PipelineEditor) => IEditorServices;
}

export namespace PipelineEditorFactory {
  export interface IOptions extends DocumentRegistry.IWidgetFactoryOptions<PipelineDocumentWidget> {
    /** Contents manager used to check node files and read dropped files. */
    contents?: Contents.IManager;
    services: (editor: PipelineEditor) => IEditorServices;
  }
}
