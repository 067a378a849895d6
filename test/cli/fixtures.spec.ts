/**
 * The CLI on every shared fixture (found at test time, so a new fixture is covered
 * without editing this file): the exit code is exactly what the library says about the
 * fixture (0 when parse, file checks and compile report no error, else 1), never a
 * crash or a usage error, and every problem is one line naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compile } from '../../src/compiler';
import { checkFiles, IDiagnostic, parsePipeline } from '../../src/model';
import { findPipelineFixtures, FIXTURES_ROOT } from '../compiler/helpers';
import { cleanup, cli } from './helpers';

afterAll(cleanup);

/** The verdict computed in-process, with the root the CLI picks when run in the fixture's folder. */
async function expected(file: string, skipFiles: boolean): Promise<IDiagnostic[]> {
  const parsed = parsePipeline(fs.readFileSync(file, 'utf8'));
  if (!parsed.document) {
    return parsed.diagnostics;
  }
  const root = path.dirname(file);
  const pipelinePath = path.basename(file);
  const files = skipFiles
    ? []
    : await checkFiles(parsed.document, pipelinePath, async relative => fs.existsSync(path.join(root, relative)));
  return [...parsed.diagnostics, ...files, ...compile(parsed.document, { pipelinePath }).diagnostics];
}

const fixtures = findPipelineFixtures();

describe('tekton-pipeline on every shared fixture', () => {
  it('finds fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map(f => [path.relative(FIXTURES_ROOT, f), f]))('%s', async (_name, file) => {
    for (const [command, extra] of [
      ['validate', []],
      ['compile', ['--skip-file-check']]
    ] as [string, string[]][]) {
      const diagnostics = await expected(file, extra.includes('--skip-file-check'));
      const invalid = diagnostics.some(d => d.severity === 'error');
      const text = cli([command, file, ...extra], { cwd: path.dirname(file) });
      expect(text.code).toBe(invalid ? 1 : 0);
      for (const line of text.stderr.split('\n').filter(Boolean)) {
        expect(line).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (error|warning): .+ \\[[a-z-]+\\]$`));
      }
      if (command === 'compile') {
        expect(text.stdout.startsWith('---\napiVersion: tekton.dev/v1\n')).toBe(!invalid);
      }
      if (command !== 'validate') {
        continue; // --json is the same code path for both commands
      }
      const json = cli([command, file, ...extra, '--json'], { cwd: path.dirname(file) });
      expect(json.code).toBe(text.code);
      const report = JSON.parse(json.stdout);
      expect(report.valid).toBe(!invalid);
      const errors = (report.diagnostics as IDiagnostic[]).filter(d => d.severity === 'error');
      expect(errors.length > 0).toBe(invalid);
      // Located problems name their node by label and id in the one-line form.
      for (const d of errors.filter(e => e.nodeId)) {
        expect(text.stderr).toContain(d.nodeId!);
      }
    }
  });
});

/**
 * What a user should see for each Elyra fixture (compile without file checks, no default
 * image), with the reason. Accepted fixtures compile; each rejection is one Elyra makes
 * too, or the file is not a generic pipeline. A fixture not listed here is not judged.
 */
const VERDICTS: Record<string, string | null> = {
  'elyra-examples/pipelines/run-generic-pipelines-on-kubeflow-pipelines/hello-generic-world.pipeline': null,
  'elyra/cypress/fixtures/generic-test.pipeline': null,
  'elyra/cypress/fixtures/pipelines/producer-consumer.pipeline': null,
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_notebooks.pipeline': null,
  // A notebook node with a .py file: Elyra's bootstrapper runs it as a script; so do we (warning).
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_one_mount.pipeline': null,
  // A relative mount path: Elyra mounts it below / (warning).
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_scripts.pipeline': null,
  'elyra/elyra/tests/pipeline/resources/test_pipelines/kfp/kfp-multi-node-generic.pipeline': null,
  'elyra/elyra/tests/pipeline/resources/test_pipelines/kfp/kfp-one-node-generic.pipeline': null,
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_basic_pipeline_only_notebook.pipeline': null,
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_basic_pipeline_with_scripts.pipeline': null,
  // Elyra's cypress test "should fail to run invalid pipeline": no runtime image anywhere.
  'elyra/cypress/fixtures/invalid.pipeline': 'missing-image',
  // Kubeflow Pipelines components: a KFP-only pipeline.
  'elyra/elyra/tests/cli/resources/pipelines/kf_inputpath_parameter.pipeline': 'unsupported-op',
  // Elyra's CLI tests expect these to fail ("Pipeline is missing 'pipelines' field." etc.).
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_zero_length_pipelines_field.pipeline': 'missing-pipelines',
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_zero_nodes.pipeline': 'empty-pipeline',
  'elyra/elyra/tests/cli/resources/pipelines/pipeline_without_pipelines_field.pipeline': 'missing-pipelines',
  // Elyra's validation tests expect these errors.
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_invalid_node_property_hardware_resources.pipeline': 'invalid-resource',
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_invalid_node_property_image_name.pipeline': 'invalid-image',
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_malformed_basic_pipeline_only_notebook.pipeline': 'invalid-json',
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_single_cycle.pipeline': 'cycle',
  // A test template: "{{pipeline_parameters}}" placeholders, and a KFP component node.
  'elyra/elyra/tests/pipeline/resources/validation_pipelines/kf_with_parameters.pipeline': 'invalid-parameter'
};

describe('the verdict on each known Elyra fixture is what a user would expect', () => {
  const known = fixtures.map(f => path.relative(FIXTURES_ROOT, f)).filter(name => name in VERDICTS);

  it('knows most fixtures', () => {
    expect(known.length).toBeGreaterThanOrEqual(Object.keys(VERDICTS).length - 2);
  });

  // As `npm run compile:fixtures` (rejected.txt) sees them: the fixtures folder is the root.
  it.each(known)('%s', name => {
    const parsed = parsePipeline(fs.readFileSync(path.join(FIXTURES_ROOT, name), 'utf8'));
    const diagnostics = parsed.document ? compile(parsed.document, { pipelinePath: name }).diagnostics : parsed.diagnostics;
    const codes = diagnostics.filter(d => d.severity === 'error').map(d => d.code);
    if (VERDICTS[name] === null) {
      expect(codes).toEqual([]);
    } else {
      expect(codes).toContain(VERDICTS[name]);
    }
  });
});
