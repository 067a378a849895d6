import { spawnSync, SpawnSyncReturns } from 'child_process';
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');
let bundle: string | null = null;
const created: string[] = [];

/** Removes every directory these helpers made; call from afterAll. */
export function cleanup(): void {
  for (const dir of created.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  bundle = null;
}

/**
 * The CLI exactly as shipped: src/cli/main.ts bundled by esbuild with the options of
 * `npm run build:cli`, into a temporary file (so tests do not depend on a prior build).
 */
export function cliBundle(): string {
  if (!bundle) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tekton-cli-'));
    created.push(dir);
    bundle = path.join(dir, 'tekton-pipeline.cjs');
    buildSync({
      entryPoints: [path.join(REPO, 'src/cli/main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent'
    });
  }
  return bundle;
}

export interface IRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tekton-pipeline ARGS` in a subprocess. */
export function cli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): IRun {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [cliBundle(), ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  if (result.error) {
    throw result.error;
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh directory with the given files (path → text). */
export function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tekton-project-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });
