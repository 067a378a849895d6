import {
  assignUniqueNames,
  childName,
  isDns1123Label,
  MAX_TASK_NAME,
  nameBase,
  stableHash,
  toDns1123Label,
  transliterate
} from '../../src/compiler/names';

describe('transliterate', () => {
  it('drops diacritics and maps letters without a decomposition', () => {
    expect(transliterate('Données été')).toBe('Donnees ete');
    expect(transliterate('Straße Æsir Øl Łódź')).toBe('Strasse Aesir Ol Lodz');
  });

  it('transliterates Greek and Cyrillic, keeping case', () => {
    expect(transliterate('Обработка')).toBe('Obrabotka');
    expect(transliterate('Σύνοψη')).toBe('Synopsi');
    expect(transliterate('Щука')).toBe('Shchuka');
  });

  it('leaves other scripts for the caller to strip', () => {
    expect(transliterate('数据')).toBe('数据');
  });

  it('leaves ASCII unchanged (toDns1123Label skips it for ASCII labels)', () => {
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('');
    expect(transliterate(ascii)).toBe(ascii);
  });
});

describe('toDns1123Label', () => {
  it.each([
    ['Load weather data', 'load-weather-data'],
    ['Part 1 - Data Cleaning.ipynb', 'part-1-data-cleaning-ipynb'],
    ['__init__', 'init'],
    ['--x--', 'x'],
    ['Données brutes: été 2024', 'donnees-brutes-ete-2024'],
    ['数据清洗', ''],
    ['🚀', ''],
    ['', '']
  ])('%j → %j', (label, expected) => {
    expect(toDns1123Label(label)).toBe(expected);
  });

  it('cuts long labels without leaving a trailing dash', () => {
    const name = toDns1123Label(`${'a'.repeat(39)} b`, 40);
    expect(name).toBe('a'.repeat(39));
    expect(toDns1123Label('x'.repeat(200), 63)).toHaveLength(63);
  });

  it('equals the three-replace definition for random labels and lengths (the one-pass scan)', () => {
    const reference = (text: string, maxLength: number) =>
      transliterate(text)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, maxLength)
        .replace(/-+$/, '');
    const alphabet = ['a', 'Z', '0', '9', '-', ' ', '_', '.', 'é', 'İ', 'ß', '数', '🚀', 'Щ'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      const length = random(24);
      let text = '';
      for (let i = 0; i < length; i++) {
        text += alphabet[random(alphabet.length)];
      }
      const maxLength = 1 + random(12);
      expect([text, maxLength, toDns1123Label(text, maxLength)]).toEqual([text, maxLength, reference(text, maxLength)]);
    }
  });
});

describe('assignUniqueNames', () => {
  const assign = (labels: string[]) =>
    assignUniqueNames(labels.map(label => toDns1123Label(label, MAX_TASK_NAME)), MAX_TASK_NAME, 'node');

  it('gives every node a valid, unique name', () => {
    const names = assign(['Train Model', 'train-model', 'TRAIN_MODEL!', 'train model', '', '数据', 'A'.repeat(200)]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(isDns1123Label(name)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(MAX_TASK_NAME);
    }
    expect(names.slice(0, 4)).toEqual(['train-model', 'train-model-2', 'train-model-3', 'train-model-4']);
    expect(names[4]).toBe('node');
    expect(names[5]).toBe('node-2');
  });

  it('equals the plain Set algorithm on random bases with many repeats (the position table)', () => {
    const reference = (bases: string[], maxLength: number, fallback: string) => {
      const taken = new Set<string>();
      const names: string[] = new Array(bases.length);
      const pending: number[] = [];
      bases.forEach((b, i) => {
        const base = b || fallback;
        if (taken.has(base)) {
          pending.push(i);
        } else {
          taken.add(base);
          names[i] = base;
        }
      });
      for (const i of pending) {
        const base = bases[i] || fallback;
        let name = base;
        for (let n = 2; taken.has(name); n++) {
          name = base.slice(0, maxLength - `-${n}`.length).replace(/-+$/, '') + `-${n}`;
        }
        taken.add(name);
        names[i] = name;
      }
      return names;
    };
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const size of [0, 1, 5, 40, 300, 3000]) {
      const pool = ['a', 'a-2', 'a-3', 'b', 'node', 'node-2', '', 'x'.repeat(8), 'x'.repeat(7) + '-2', 'y-'.repeat(4) + 'y'];
      const bases = Array.from({ length: size }, (_, i) => (random(3) ? `n${random(size * 2)}` : pool[random(pool.length)]));
      expect(assignUniqueNames(bases, 9, 'node')).toEqual(reference(bases, 9, 'node'));
      const distinct = Array.from({ length: size }, (_, i) => `t${i}`);
      expect(assignUniqueNames(distinct, 9, 'node')).toEqual(distinct);
    }
  });

  it('keeps a natural name that a suffix would otherwise take', () => {
    expect(assign(['a', 'a', 'a-2'])).toEqual(['a', 'a-3', 'a-2']);
  });

  it('keeps suffixed names within the length limit', () => {
    const long = 'b'.repeat(MAX_TASK_NAME);
    const names = assign([long, long, long]);
    expect(names).toEqual([long, `${'b'.repeat(MAX_TASK_NAME - 2)}-2`, `${'b'.repeat(MAX_TASK_NAME - 2)}-3`]);
  });

  it('falls back to the next base (the file stem) before the fallback', () => {
    expect(nameBase('数据清洗', 'steps/clean_data.ipynb', MAX_TASK_NAME)).toBe('clean-data');
    expect(nameBase('数据清洗', '', MAX_TASK_NAME)).toBe('');
    expect(assign(['数据清洗', '', 'node'])).toEqual(['node', 'node-2', 'node-3']);
  });
});

describe('childName', () => {
  it('joins when the result fits 63 characters', () => {
    expect(childName('pipeline', '-task')).toBe('pipeline-task');
  });

  it('hashes longer names, keeping them distinct and valid', () => {
    const a = childName('p'.repeat(30), `-${'t'.repeat(40)}a`);
    const b = childName('p'.repeat(30), `-${'t'.repeat(40)}b`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(isDns1123Label(a)).toBe(true);
  });

  it('hashes stably', () => {
    expect(stableHash('abc')).toBe('1a47e90b'); // FNV-1a 32-bit of "abc"
  });
});
