// Runs test/cli/compile-fixtures.ts: bundles it with esbuild into a temp dir, then runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'compile-fixtures-'));
const outfile = join(tmp, 'compile-fixtures.cjs');
await build({ entryPoints: [join(here, 'compile-fixtures.ts')], bundle: true, platform: 'node', target: 'node18', format: 'cjs', outfile, logLevel: 'warning' });
// The bundle lives elsewhere, so the default fixtures folder is resolved here.
const [outDir, fixturesDir = join(here, '..', '..', '..', 'shared', 'fixtures'), ...rest] = process.argv.slice(2);
const args = outDir === undefined ? [] : [outDir, fixturesDir, ...rest];
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
rmSync(tmp, { recursive: true, force: true });
process.exitCode = result.status ?? 1;
