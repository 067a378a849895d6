/**
 * Galata's `test` with an `editor` fixture: the page object for this test's page and
 * folder, which also records uncaught page errors and console errors; the test fails on
 * any uncaught error (a crashed editor must not pass as a missing element).
 */
import { expect, test as base } from '@jupyterlab/galata';
import { PipelineEditorHelper } from './PipelineEditorHelper';

export { expect };

export const test = base.extend<{ editor: PipelineEditorHelper }>({
  editor: async ({ page, tmpPath }, use, testInfo) => {
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', error => errors.push(error.stack ?? String(error)));
    page.on('console', message => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    await use(new PipelineEditorHelper(page, tmpPath));
    if (consoleErrors.length) {
      await testInfo.attach('console errors', { body: consoleErrors.join('\n'), contentType: 'text/plain' });
    }
    expect(errors, 'uncaught errors in the page').toEqual([]);
  }
});
