/**
 * Writes compiled YAML for Tekton's own validation (tools/tekton-validate): every shared
 * fixture our validation accepts, and the generated edge cases (unicode and 200-char
 * labels, colliding names, every property, hostile values, 1000 nodes), each in both
 * modes, through the CLI's own code (`tekton-pipeline compile`).
 *
 *   npm run compile:fixtures -- OUTDIR [FIXTURES_DIR]
 *
 * FIXTURES_DIR defaults to ../shared/fixtures (beside the repository).
 * OUTDIR/fixtures/<path with "__" for "/">.yaml and …--separate.yaml,
 * OUTDIR/edge-cases/<name>.pipeline, <name>.yaml and <name>--separate.yaml,
 * OUTDIR/rejected.txt: fixtures not compiled, with their first error.
 * Exit 0 when every edge case compiled, else 1.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/cli';
import { serializePipeline } from '../../src/model';
import { edgeCaseDocuments } from '../compiler/generate';
import { findPipelineFixtures } from '../compiler/helpers';

const STORAGE_ARGS = [
  '--endpoint', 'http://minio.minio.svc:9000',
  '--bucket', 'pipelines',
  '--storage-secret', 'pipeline-storage',
  '--region', 'us-east-1',
  '--namespace', 'pipelines'
];

/** Runs the CLI in-process; returns its exit code and what it printed. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: text => (out += text), err: text => (err += text) });
  return { code, out, err };
}

async function compileBoth(file: string, root: string, target: string, extra: string[] = []): Promise<string | null> {
  for (const [suffix, flags] of [
    ['', []],
    ['--separate', ['--separate']]
  ] as [string, string[]][]) {
    const result = await run(['compile', file, '--root', root, '--skip-file-check', '-o', `${target}${suffix}.yaml`, ...STORAGE_ARGS, ...flags, ...extra]);
    if (result.code !== 0) {
      return result.err.split('\n').find(line => line.includes(': error: ')) ?? result.err.trim();
    }
  }
  return null;
}

async function mainScript(argv: string[]): Promise<number> {
  const [outDir, fixturesDir] = argv;
  if (!outDir || !fixturesDir) {
    process.stderr.write('usage: npm run compile:fixtures -- OUTDIR [FIXTURES_DIR]\n');
    return 2;
  }
  const fixturesOut = path.join(outDir, 'fixtures');
  const edgeOut = path.join(outDir, 'edge-cases');
  fs.mkdirSync(fixturesOut, { recursive: true });
  fs.mkdirSync(edgeOut, { recursive: true });

  const rejected: string[] = [];
  let written = 0;
  for (const file of findPipelineFixtures(fixturesDir)) {
    const relative = path.relative(fixturesDir, file);
    const target = path.join(fixturesOut, relative.replace(/\.pipeline$/, '').split(path.sep).join('__'));
    const problem = await compileBoth(file, fixturesDir, target);
    if (problem) {
      rejected.push(`${relative}\t${problem}`);
    } else {
      written++;
    }
  }
  fs.writeFileSync(path.join(outDir, 'rejected.txt'), rejected.join('\n') + (rejected.length ? '\n' : ''));

  let failed = 0;
  for (const [name, document] of Object.entries(edgeCaseDocuments())) {
    const file = path.join(edgeOut, `${name}.pipeline`);
    fs.writeFileSync(file, serializePipeline(document));
    const parameters = name === 'every-property' ? ['--param', 'epochs=20', '--label', 'example.com/suite=edge-cases'] : [];
    const problem = await compileBoth(file, edgeOut, path.join(edgeOut, name), parameters);
    if (problem) {
      failed++;
      process.stderr.write(`edge case ${name} did not compile: ${problem}\n`);
    }
  }
  process.stdout.write(
    `${written} fixtures and ${Object.keys(edgeCaseDocuments()).length - failed} edge cases compiled (both modes) into ${outDir}; ` +
      `${rejected.length} fixtures rejected by our validation (see rejected.txt)\n`
  );
  return failed ? 1 : 0;
}

mainScript(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
