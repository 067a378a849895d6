/**
 * Values reach the scripts only through env vars: whatever a label, parameter or env
 * value holds (quotes, $(...), backticks, newlines), no script text changes and every
 * value arrives intact where it belongs.
 */
import { compile, ICompileResult } from '../../src/compiler';
import { literalEnvValue } from '../../src/compiler/steps';
import { STEP_FILES } from '../../src/compiler/steps/embedded.generated';
import { edgeCaseDocuments, HOSTILE_VALUES } from './generate';
import { kubeExpand, readYaml11, STORAGE } from './helpers';

type Obj = Record<string, any>;

/** Every `script` of every step, and every step script carried in the pod template. */
function scriptsOf(documents: Obj[]): string[] {
  const scripts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      const object = value as Obj;
      if (typeof object.script === 'string') {
        scripts.push(object.script);
      }
      if (typeof object.name === 'string' && object.name.startsWith('TEKTON_STEP_')) {
        scripts.push(object.value);
      }
      Object.values(object).forEach(walk);
    }
  };
  walk(documents);
  return scripts;
}

const ALLOWED_SCRIPTS = new Set([
  // Verbatim in separate Tasks; escaped for Kubernetes' env expansion in the pod template.
  ...['fetch.sh', 'run.sh', 'save.sh'].flatMap(file => [STEP_FILES[file], literalEnvValue(`set -e\n${STEP_FILES[file]}`)]),
  'eval "$TEKTON_STEP_FETCH"',
  'eval "$TEKTON_STEP_RUN"',
  'TEKTON_RUN_EXIT_CODE_FILE=$(steps.step-run.exitCode.path) eval "$TEKTON_STEP_SAVE"'
]);

describe('injection', () => {
  const document = edgeCaseDocuments()['hostile-values'];
  const results: [string, ICompileResult][] = [false, true].map(separateObjects => [
    separateObjects ? 'separate' : 'embedded',
    compile(document, {
      ...STORAGE,
      separateObjects,
      parameters: { text: HOSTILE_VALUES.join('\n') },
      labels: { note: 'yes' }
    })
  ]);

  it.each(results)('%s: compiles', (_mode, result) => {
    expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  });

  it.each(results)('%s: every script is a step file (or its launcher), byte for byte', (_mode, result) => {
    const scripts = scriptsOf(result.documents as Obj[]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(ALLOWED_SCRIPTS.has(script)).toBe(true);
    }
    for (const value of ['pwned', 'reboot', '`rm -rf /`', 'evil', 'line two', 'ünïcödé']) {
      expect(scripts.some(s => s.includes(value))).toBe(false);
    }
  });

  it.each(results)('%s: every value arrives intact as an env value after a YAML 1.1 read', (_mode, result) => {
    const [first] = readYaml11(result.yaml).slice(-1) as Obj[];
    const values = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(walk);
      } else if (value && typeof value === 'object') {
        const object = value as Obj;
        if (typeof object.name === 'string' && typeof object.value === 'string') {
          // Env values and param values both end up in a container's env.
          values.add(kubeExpand(object.value, { HOME: '/root' }));
        }
        Object.values(object).forEach(walk);
      }
    };
    walk(readYaml11(result.yaml));
    for (const hostile of HOSTILE_VALUES.filter(v => v.trim() !== '')) {
      expect(values.has(hostile)).toBe(true);
    }
    // The parameter value travels in spec.params, never spliced anywhere else.
    expect(first.spec.params).toEqual([{ name: 'text', value: literalEnvValue(HOSTILE_VALUES.join('\n')) }]);
  });

  it('breaks Tekton variable syntax in display names instead of letting Tekton evaluate it', () => {
    const labelled = edgeCaseDocuments()['unicode-labels'];
    labelled.pipelines[0].nodes[0].app_data!.label = 'Load $(params.x) `id`';
    const run = compile(labelled, STORAGE).pipelineRun as Obj;
    expect(run.spec.pipelineSpec.tasks[0].displayName).toBe('Load $ (params.x) `id`');
    expect(run.spec.pipelineSpec.tasks[0].name).toBe('load-params-x-id');
  });
});
