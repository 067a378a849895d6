// Entry point of the editor benchmark: bundles the bare React Flow page and the runner
// (TypeScript) with esbuild, then runs it with Playwright's Chromium driver.
// Usage: node bench/editor/bench.mjs [--seed N] [--nodes 500] [--links 700] [--repeats 3]
//        [--chromium /usr/bin/chromium] [--editor-root .jp-tekton-PipelineEditor]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
// TEKTON_REPO_DIR: measure another checkout's build (default: this repository).
const repoDir = process.env.TEKTON_REPO_DIR || resolve(here, '..', '..');
const outDir = resolve(here, '..', 'out', 'editor');
const pageDir = join(outDir, 'page');
mkdirSync(pageDir, { recursive: true });

// The page uses the extension's own @xyflow/react and React (resolved from the repository).
await build({
  entryPoints: [join(here, 'page', 'index.tsx')],
  outfile: join(pageDir, 'index.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning'
});
copyFileSync(join(here, 'page', 'index.html'), join(pageDir, 'index.html'));

const runner = join(outDir, 'run.mjs');
await build({
  entryPoints: [join(here, 'run.ts')],
  outfile: runner,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  // Handed in below instead, so that it resolves from this folder's node_modules.
  external: ['playwright-core'],
  logLevel: 'warning'
});

const { main } = await import(pathToFileURL(runner).href);
await main({ chromium, repoDir, pageDir, outDir, argv: process.argv.slice(2) });
