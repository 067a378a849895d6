// Runs bench/compile.ts: bundles it with esbuild into bench/out/ (gitignored), then runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'out');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, 'compile.cjs');
await build({ entryPoints: [join(here, 'compile.ts')], bundle: true, platform: 'node', target: 'node18', format: 'cjs', outfile, logLevel: 'warning' });
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
