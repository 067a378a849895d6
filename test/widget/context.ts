/**
 * Document contexts over JupyterLab's in-memory services (no server), as JupyterLab's own
 * widget tests build them, plus the editor services the view needs.
 */
import { Context, DocumentRegistry, TextModelFactory } from '@jupyterlab/docregistry';
import type { ServiceManager } from '@jupyterlab/services';
import { ServiceManagerMock } from '@jupyterlab/services/lib/testutils';
import { nullTranslator } from '@jupyterlab/translation';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { IEditorServices } from '../../src/editor/types';

export const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixture(relativePath: string): string {
  return readFileSync(join(FIXTURES, relativePath), 'utf8');
}

export const PRODUCER_CONSUMER = 'elyra/cypress/fixtures/pipelines/producer-consumer.pipeline';

/** A file on the mock server and a context on it, ready (content loaded). */
export async function createPipelineContext(
  text: string,
  path = 'work/test.pipeline',
  manager: ServiceManager.IManager = new ServiceManagerMock()
): Promise<{ context: Context<DocumentRegistry.IModel>; manager: ServiceManager.IManager }> {
  await manager.contents.save(path, { type: 'file', format: 'text', content: text });
  const context = new Context({ manager, factory: new TextModelFactory(), path });
  await context.initialize(false);
  return { context, manager };
}

/** Services for a view under test: notifications and opened files are recorded. */
export function createTestServices(overrides: Partial<IEditorServices> = {}): IEditorServices & {
  notices: { message: string; type?: string }[];
  opened: string[];
} {
  const notices: { message: string; type?: string }[] = [];
  const opened: string[] = [];
  let textOpened = 0;
  return {
    notices,
    opened,
    translator: nullTranslator,
    trans: nullTranslator.load('jupyterlab_tekton'),
    colorMode: { subscribe: () => () => undefined, getSnapshot: () => 'light' },
    openFile: path => opened.push(path),
    openAsText: () => {
      textOpened++;
      opened.push(`text:${textOpened}`);
    },
    pickFiles: async () => [],
    addFiles: async () => undefined,
    notify: (message, type) => notices.push({ message, type }),
    ...overrides
  };
}

/** Resolves after `ms` milliseconds (the editor model debounces re-parsing and validation). */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
