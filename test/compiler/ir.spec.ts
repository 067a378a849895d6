import { buildIR } from '../../src/compiler/ir';
import { resolveOptions } from '../../src/compiler/options';
import { buildUploads } from '../../src/compiler/uploads';
import { dirname, resolveNodeFile } from '../../src/model';
import { EVERY_PARAMETER, EVERY_PROPERTY, makeDocument, randomDag } from './generate';
import { STORAGE } from './helpers';

describe('buildIR', () => {
  const FILENAMES = [
    'a.ipynb',
    'dir/sub/b.py',
    './a.ipynb',
    'dir/./b.py',
    'dir//b.py',
    'dir/../b.r',
    '../outside.py',
    'dir/../../outside.py',
    '.hidden.py',
    '..dots.py',
    'dir/.../c.py',
    ' spaced.ipynb',
    'dir\\win.py',
    'dir/',
    '/abs.py',
    'C:/drive.py',
    'c:\\drive.py',
    // folders that share a prefix, one after the other (baseDir reuses the previous folder)
    'dir/a.py',
    'dir/sub/c.py',
    'dirx/d.py',
    'dir/.',
    'dir/..',
    'x/.y/z.py',
    'x/y./z.py'
  ];
  const PIPELINE_PATHS = [undefined, 'p.pipeline', 'a/b/p.pipeline', '/a/p.pipeline', 'a//./b/p.pipeline', '../p.pipeline'];

  it.each(PIPELINE_PATHS)('pipeline %j: each node file is resolveNodeFile’s path, its baseDir that path’s directory', pipelinePath => {
    const doc = makeDocument(FILENAMES.map((filename, i) => ({ id: `n${i}`, filename })));
    const { ir, diagnostics } = buildIR(doc, resolveOptions({ ...STORAGE, pipelinePath }));
    const byId = new Map(ir.nodes.map(node => [node.id, node]));
    FILENAMES.forEach((filename, i) => {
      const expected = resolveNodeFile(pipelinePath ?? '', filename).path;
      const node = byId.get(`n${i}`)!;
      expect([filename, node.file]).toEqual([filename, expected ?? '']);
      expect(node.baseDir).toBe(dirname(node.file));
      expect(diagnostics.some(d => d.nodeId === `n${i}` && d.code === 'path-outside-root')).toBe(expected === null);
    });
  });

  it('shares one frozen empty list for absent list properties; set ones are the node’s own', () => {
    const doc = makeDocument(
      [
        { id: 'plain' },
        { id: 'source', properties: { outputs: ['x.csv'] } },
        { id: 'full', properties: EVERY_PROPERTY, parents: ['source'] }
      ],
      { parameters: EVERY_PARAMETER }
    );
    const { ir } = buildIR(doc, resolveOptions(STORAGE));
    const [full, plain] = ir.nodes.filter(node => node.id !== 'source').sort((a, b) => (a.id < b.id ? -1 : 1));
    const lists = ['dependencies', 'outputs', 'env', 'secrets', 'volumes', 'podLabels', 'podAnnotations'] as const;
    for (const key of [...lists, 'tolerations', 'nodeSelector', 'parameters', 'runAfter', 'inputParents'] as const) {
      expect(plain[key]).toEqual([]);
      expect(Object.isFrozen(plain[key])).toBe(true);
      expect([key, full[key].length > 0]).toEqual([key, true]);
    }
    expect(plain.resources).toEqual({});
    expect(full.volumes.map(v => v.path)).toEqual(['/mnt/data', '/mnt/scratch']);
    expect(() => (plain.env as unknown[]).push(1)).toThrow(TypeError);
  });

  it('inputParents is runAfter when every parent passes outputs on, else its own subset', () => {
    const doc = makeDocument([
      { id: 'a', properties: { outputs: ['x.csv'] } },
      { id: 'b' },
      { id: 'c', parents: ['a'] },
      { id: 'd', parents: ['a', 'b'] }
    ]);
    const { ir } = buildIR(doc, resolveOptions(STORAGE));
    const [, , c, d] = ir.nodes.map(n => n).sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(c.inputParents).toBe(c.runAfter);
    expect(d.runAfter).toEqual(['a-ipynb', 'b-ipynb']);
    expect(d.inputParents).toEqual(['a-ipynb']);
  });

  it('uploads list each node file, then its dependencies', () => {
    const doc = makeDocument([{ id: 'x', filename: 'dir/x.py', properties: { dependencies: ['u.py', 'conf/*.yaml'] } }, { id: 'y', filename: 'y.py' }]);
    const uploads = buildUploads(buildIR(doc, resolveOptions({ ...STORAGE, pipelinePath: 'p/q.pipeline' })).ir);
    expect(uploads.slice(1).map(u => u.kind === 'files' && [u.baseDir, u.patterns])).toEqual([
      ['p/dir', ['x.py', 'u.py', 'conf/*.yaml']],
      ['p', ['y.py']]
    ]);
  });

  it('builds the same IR on repeated calls (no state kept between compiles)', () => {
    const doc = randomDag(200, 9);
    const options = resolveOptions(STORAGE);
    expect(JSON.stringify(buildIR(doc, options))).toBe(JSON.stringify(buildIR(doc, options)));
  });
});
