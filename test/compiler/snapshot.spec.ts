/**
 * Compiled YAML of a few pipelines, reviewed and committed (__snapshots__/). The step
 * scripts belong to src/compiler/steps (tested there and, byte for byte, in
 * compile.spec.ts), so they are replaced by a marker here: a script change does not
 * show up as a compiler change.
 */
import { compile, ICompileOptions, toTektonYaml } from '../../src/compiler';
import { STEP_FILES } from '../../src/compiler/steps/embedded.generated';
import { literalEnvValue } from '../../src/compiler/steps';
import type { IPipelineFlowDocument } from '../../src/model';
import { edgeCaseDocuments } from './generate';
import { GENERIC_TEST, HELLO_WORLD, loadFixture, PRODUCER_CONSUMER, STORAGE } from './helpers';

function masked(document: IPipelineFlowDocument, options: ICompileOptions): string {
  const result = compile(document, { ...STORAGE, namespace: 'pipelines', ...options });
  expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  const byText = new Map<string, string>();
  for (const file of ['fetch.sh', 'run.sh', 'save.sh']) {
    byText.set(STEP_FILES[file], `<${file}>`);
    byText.set(literalEnvValue(`set -e\n${STEP_FILES[file]}`), `set -e\n<${file}, every $ doubled>`);
  }
  const replace = (value: unknown): void => {
    if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        const item = object[key];
        if (typeof item === 'string' && byText.has(item)) {
          object[key] = byText.get(item);
        } else {
          replace(item);
        }
      }
    }
  };
  // A copy: tasks share frozen objects (steps, envFrom) that cannot be masked in place.
  const documents = structuredClone(result.documents);
  replace(documents);
  const text = toTektonYaml(documents);
  expect(text).not.toContain('MC_CONFIG_DIR'); // every script was masked
  return text;
}

describe('compiled YAML snapshots', () => {
  it('producer-consumer, one PipelineRun', () => {
    expect(masked(loadFixture(PRODUCER_CONSUMER), { pipelinePath: 'examples/producer-consumer.pipeline' })).toMatchSnapshot();
  });

  it('producer-consumer, separate Task / Pipeline / PipelineRun', () => {
    expect(
      masked(loadFixture(PRODUCER_CONSUMER), { pipelinePath: 'examples/producer-consumer.pipeline', separateObjects: true })
    ).toMatchSnapshot();
  });

  it('hello-generic-world (Elyra example, app_data version 5)', () => {
    expect(masked(loadFixture(HELLO_WORLD), { pipelinePath: 'hello/hello-generic-world.pipeline', runName: 'hello-1' })).toMatchSnapshot();
  });

  it('generic-test (cypress fixture)', () => {
    expect(masked(loadFixture(GENERIC_TEST), { pipelinePath: 'generic-test.pipeline' })).toMatchSnapshot();
  });

  it('every property set', () => {
    expect(
      masked(edgeCaseDocuments()['every-property'], {
        pipelinePath: 'p/every.pipeline',
        serviceAccountName: 'pipeline-runner',
        labels: { 'example.com/team': 'ml' }
      })
    ).toMatchSnapshot();
  });
});
