import { spawnSync } from 'child_process';
import { formatScalar, isCommonPlainScalar, IYamlStyle, toMultiDocumentYaml, toYaml } from '../../src/compiler/yaml';
import { HOSTILE_VALUES, seededRandom } from './generate';
import { plain, readYaml11, readYaml12 } from './helpers';

/** Strings YAML readers like to turn into something else. */
const TRICKY = [
  ...HOSTILE_VALUES,
  'y', 'Y', 'n', 'N', 'yes', 'No', 'ON', 'off', 'true', 'False', '~', 'null', 'NULL', '', ' ',
  '0', '-1', '+1', '1e3', '1_000', '0x1F', '0o17', '0b101', '1:20', '1:20:30', '.5', '.inf', '-.inf', '.NaN',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '-', '?', ':', '!tag', '&anchor', '*alias', '%dir',
  '@at', '`tick', '|', '>', '#', 'a #b', 'a: b', 'a:b', 'http://x.y/z', 'x:', '[a]', '{a}', 'a,b', 'a [b]',
  '"', "'", '\\', 'a\\nb', '\n', '\n\n', 'a\n', 'a\n\n', '\na', 'a\n \nb', ' a\nb', 'a\r\nb', '\ttab',
  '\u0085', '\u2028', '\ufeff', '\u00a0', '\x7f', '\x00', 'é', '数据', '🚀', '$(params.x)', '$(reboot)',
  '#!/bin/sh\nset -e\necho "hi" # comment\n  indented: yes\n'
];

function randomString(random: () => number): string {
  const alphabet = ['a', 'Z', '0', '9', ' ', ':', '-', '#', '"', "'", '\n', '\t', '$', '(', ')', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`', '?', '.', '~', 'é', '数', '\u2028', '\\'];
  let text = '';
  const length = Math.floor(random() * 12);
  for (let i = 0; i < length; i++) {
    text += alphabet[Math.floor(random() * alphabet.length)];
  }
  return text;
}

describe('YAML emitter', () => {
  const random = seededRandom(7);
  const strings = [...TRICKY, ...Array.from({ length: 2000 }, () => randomString(random))];
  const document = {
    block: Object.fromEntries(strings.map((s, i) => [`k${i}`, s])),
    keys: Object.fromEntries(strings.filter(s => s !== '').map((s, i) => [s, i])),
    list: strings,
    flowList: [...strings],
    flowItems: strings.map(s => ({ name: s, value: s })),
    nested: [[1, [2, { a: [] }]], {}, [], { b: {} }],
    numbers: [0, 1, -1, 1.5, 1e21, 3000000000],
    booleans: [true, false, null]
  };

  const style: IYamlStyle = { flow: new Set(['flowList']), flowItems: new Set(['flowItems']) };

  it('reads back identically with YAML 1.1 and 1.2 rules', () => {
    const text = toYaml(document, style);
    expect(text).toContain('\nflowList: [');
    expect(text).toContain('\nflowItems:\n- {name: ');
    expect(readYaml11(text)).toEqual([plain(document)]);
    expect(readYaml12(text)).toEqual([plain(document)]);
  });

  it('reads back identically with PyYAML (the YAML 1.1 reader of the Python side)', () => {
    const text = toMultiDocumentYaml([document, { second: 'doc' }], style);
    const result = spawnSync(
      'python3',
      ['-c', 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)'],
      { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([plain(document), { second: 'doc' }]);
  });

  it('quotes what YAML 1.1 would read as a bool, null, number or timestamp', () => {
    for (const text of ['yes', 'on', 'n', 'null', '~', '0777', '1:20', '2001-12-14', '.inf', '1e3']) {
      expect(formatScalar(text)).toBe(JSON.stringify(text));
    }
    expect(formatScalar('minio/mc:latest')).toBe('minio/mc:latest');
    expect(formatScalar('$(params.x)')).toBe('$(params.x)');
  });

  it('writes a string as it is without the caches only when the full rules would too (block and flow)', () => {
    // Strings made of the characters that matter to the rules, seeded.
    const alphabet = ['a', 'Z', '0', '9', '_', '-', '.', '/', '$', '(', ')', ' ', ':', '#', ',', '[', '{', '?', '\\', '^', '"', "'", '\t', 'é', '\n'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let common = 0;
    for (let i = 0; i < 20000; i++) {
      let text = '';
      for (let length = random(9); length > 0; length--) {
        text += alphabet[random(alphabet.length)];
      }
      if (isCommonPlainScalar(text)) {
        common++;
        expect([formatScalar(text), formatScalar(text, true)]).toEqual([text, text]);
      }
    }
    expect(common).toBeGreaterThan(100);
    for (const text of ['score-0', 'score 0', 'node-00001-4b7a.ipynb', 'data/train-3.csv', '$(params.x)', 'falsey']) {
      expect(isCommonPlainScalar(text)).toBe(true);
    }
    for (const text of ['', 'yes', 'false', 'Null', 'a ', 'a: b', 'a #b', '0777', '-x', 'a,b', 'é']) {
      expect(isCommonPlainScalar(text)).toBe(false);
    }
  });

  it('writes multi-line strings as literal blocks', () => {
    expect(toYaml({ script: 'a\n  b\n' })).toBe('script: |\n  a\n    b\n');
    expect(toYaml({ script: 'a\nb' })).toBe('script: |-\n  a\n  b\n');
    expect(toYaml({ script: 'a\n\n' })).toBe('script: |+\n  a\n\n');
  });

  it('uses the kubectl layout: sequences under a key are not indented', () => {
    expect(toYaml({ spec: { tasks: [{ name: 'a', runAfter: ['b', 'c'] }, 'x'] } }, { flow: new Set(['runAfter']) })).toBe(
      'spec:\n  tasks:\n  - name: a\n    runAfter: [b, c]\n  - x\n'
    );
    expect(toYaml({ runAfter: ['b'] })).toBe('runAfter:\n- b\n');
  });

  it('writes flow items inline, one per line, unless an item holds a multi-line string', () => {
    expect(toYaml({ env: [{ name: 'A', value: 'x, y' }, { name: 'S', value: 'a\nb\n' }] }, { flowItems: new Set(['env']) })).toBe(
      'env:\n- {name: A, value: "x, y"}\n- name: S\n  value: |\n    a\n    b\n'
    );
  });

  it('skips undefined values and refuses what JSON cannot hold', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(() => toYaml({ a: NaN })).toThrow();
  });
});
