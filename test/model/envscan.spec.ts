import * as fs from 'fs';
import * as path from 'path';
import { scanEnvVarReferences } from '../../src/model';
import { FIXTURES_ROOT } from './helpers';

describe('scanEnvVarReferences', () => {
  it('finds Python reads in all the usual forms, sorted and unique', () => {
    const source = [
      'import os',
      'from os import environ, getenv',
      'a = os.environ["ALPHA"]',
      "b = os.environ['BETA']",
      'c = os.environ.get("GAMMA", "default")',
      "d = os.getenv('DELTA')",
      'e = environ["EPSILON"]',
      'f = getenv("ZETA")',
      'g = os.environ[ "ALPHA" ]',
      'if os.environ["ETA"] == "1": pass'
    ].join('\n');
    expect(scanEnvVarReferences(source, 'python')).toEqual(['ALPHA', 'BETA', 'DELTA', 'EPSILON', 'ETA', 'GAMMA', 'ZETA']);
  });

  it('ignores writes, comments and dynamic names', () => {
    const source = [
      'os.environ["SET_HERE"] = "x"',
      "os.environ['ALSO_SET']='y'",
      '# os.getenv("COMMENTED")',
      'name = "DYNAMIC"',
      'os.getenv(name)',
      'os.environ[f"PREFIX_{x}"]'
    ].join('\n');
    expect(scanEnvVarReferences(source, 'python')).toEqual([]);
  });

  it('finds R reads, including vectors and named arguments', () => {
    const source = [
      'home <- Sys.getenv("HOME_DIR")',
      "both <- Sys.getenv(c('USER_A', \"USER_B\"))",
      'x <- Sys.getenv(x = "NAMED", unset = "fallback")',
      '# Sys.getenv("NOPE")'
    ].join('\n');
    expect(scanEnvVarReferences(source, 'r')).toEqual(['HOME_DIR', 'NAMED', 'USER_A', 'USER_B']);
    expect(scanEnvVarReferences('os.getenv("PY_ONLY")', 'r')).toEqual([]);
  });

  it('scans only the code cells of notebook JSON', () => {
    const notebook = {
      cells: [
        { cell_type: 'markdown', source: ['Set `os.environ["IN_MARKDOWN"]` first'] },
        { cell_type: 'code', source: ['import os\n', 'url = os.getenv("DATASET_URL")\n', '!echo $SHELL_ONLY\n'] },
        { cell_type: 'code', source: 'token = os.environ.get("API_TOKEN")' },
        { cell_type: 'raw', source: 'os.getenv("IN_RAW")' }
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5
    };
    expect(scanEnvVarReferences(JSON.stringify(notebook), 'notebook')).toEqual(['API_TOKEN', 'DATASET_URL']);
  });

  it('falls back to plain text when the notebook is not JSON', () => {
    expect(scanEnvVarReferences('os.getenv("LOOSE")', 'notebook')).toEqual(['LOOSE']);
  });

  it('finds what the Elyra example notebook reads', () => {
    const file = path.join(FIXTURES_ROOT, 'elyra-examples/pipelines/run-generic-pipelines-on-kubeflow-pipelines/load_data.ipynb');
    const text = fs.readFileSync(file, 'utf8');
    // The example pipeline sets DATASET_URL for this notebook.
    expect(scanEnvVarReferences(text, 'notebook')).toContain('DATASET_URL');
  });
});
