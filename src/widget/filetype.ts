import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { PIPELINE_FILE_TYPE } from '../tokens';
import { pipelineIcon } from './icons';

/** `.pipeline` files: JSON text (shared with Elyra, whose files we open). */
export function pipelineFileType(trans: TranslationBundle): Partial<DocumentRegistry.IFileType> {
  return {
    name: PIPELINE_FILE_TYPE,
    displayName: trans.__('Pipeline'),
    extensions: ['.pipeline'],
    mimeTypes: ['application/json'],
    contentType: 'file',
    fileFormat: 'text',
    icon: pipelineIcon
  };
}
