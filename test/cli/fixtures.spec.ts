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
